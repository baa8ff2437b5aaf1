/**
 * Google Chat account settings: the checks `checkConfig` and `start` share,
 * defaults, and loading the service-account key.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';

/** Issuer of request tokens for the project-number audience, and the e-mail in ID tokens for the app-URL audience. */
export const CHAT_ISSUER = 'chat@system.gserviceaccount.com';
/** Keys that sign project-number tokens (JWKS form of Google's x509 endpoint for the Chat service account). */
export const CHAT_CERTS_URL = `https://www.googleapis.com/service_accounts/v1/jwk/${CHAT_ISSUER}`;
/** Keys that sign Google OIDC ID tokens (app-URL audience). */
export const GOOGLE_OIDC_CERTS_URL = 'https://www.googleapis.com/oauth2/v3/certs';
export const DEFAULT_TOKEN_URI = 'https://oauth2.googleapis.com/token';
export const DEFAULT_API_ROOT = 'https://chat.googleapis.com';
/** The Chat app scope for replying as the app. */
export const CHAT_BOT_SCOPE = 'https://www.googleapis.com/auth/chat.bot';

/** How Chat proves its requests: an ID token for the app URL, or a Chat-signed JWT for the project number. */
export type AudienceType = 'app-url' | 'project-number';

/** The parts of a service-account JSON key that OpenClaw uses. */
export interface ServiceAccountKey {
  client_email: string;
  private_key: string;
  private_key_id?: string;
  token_uri?: string;
}

/** Settings with defaults applied. */
export interface GoogleChatSettings {
  audienceType: AudienceType;
  audience: string;
  serviceAccount?: Record<string, unknown>;
  serviceAccountFile?: string;
  webhookHost: string;
  webhookPort: number;
  webhookPath: string;
  apiRoot: string;
  tokenUri?: string;
  certsUrl: string;
  botUser?: string;
  livenessMs: number;
}

const AUDIENCE_TYPES: AudienceType[] = ['app-url', 'project-number'];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

/** The reason this config cannot start, in plain words; undefined when it can. */
export function checkGoogleChatConfig(config: Record<string, unknown>): string | undefined {
  const missing = [
    ...(config.audienceType === undefined ? ['audienceType'] : []),
    ...(!nonEmpty(config.audience) && typeof config.audience !== 'number' ? ['audience'] : []),
  ];
  if (missing.length) {
    return (
      `Google Chat needs request verification settings before it will accept events; missing: ${missing.join(', ')}. ` +
      'Set channels.googlechat.audienceType to "app-url" or "project-number" (as chosen under Authentication Audience in the Chat app settings) ' +
      'and channels.googlechat.audience to that app URL or project number.'
    );
  }
  if (!AUDIENCE_TYPES.includes(config.audienceType as AudienceType)) return 'channels.googlechat.audienceType must be "app-url" or "project-number".';
  if (config.audienceType === 'project-number' && !/^\d+$/.test(String(config.audience))) return 'channels.googlechat.audience must be the numeric Cloud project number when audienceType is "project-number".';
  if (config.audienceType === 'app-url' && !/^https?:\/\//.test(String(config.audience))) return 'channels.googlechat.audience must be the app URL (https://…) when audienceType is "app-url".';
  if (!nonEmpty(config.serviceAccountFile) && !isObject(config.serviceAccount)) {
    return 'Google Chat needs a service account to reply: set channels.googlechat.serviceAccountFile to the JSON key file, or serviceAccount to its contents.';
  }
  if (isObject(config.serviceAccount) && (!nonEmpty(config.serviceAccount.client_email) || !nonEmpty(config.serviceAccount.private_key))) {
    return 'channels.googlechat.serviceAccount must contain client_email and private_key (the JSON key of the Chat app service account).';
  }
  const port = config.webhookPort;
  if (port !== undefined && (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535)) return 'channels.googlechat.webhookPort must be a port number.';
  if (config.webhookPath !== undefined && (typeof config.webhookPath !== 'string' || !config.webhookPath.startsWith('/'))) return 'channels.googlechat.webhookPath must start with "/".';
  if (config.botUser !== undefined && (typeof config.botUser !== 'string' || !config.botUser.startsWith('users/'))) return 'channels.googlechat.botUser must look like "users/123456789".';
  return undefined;
}

/** Apply defaults; call after {@link checkGoogleChatConfig} passed. */
export function resolveGoogleChatSettings(config: Record<string, unknown>, defaultLivenessMs: number): GoogleChatSettings {
  const audienceType = config.audienceType as AudienceType;
  return {
    audienceType,
    audience: String(config.audience).trim(),
    serviceAccount: isObject(config.serviceAccount) ? config.serviceAccount : undefined,
    serviceAccountFile: nonEmpty(config.serviceAccountFile) ? config.serviceAccountFile : undefined,
    webhookHost: nonEmpty(config.webhookHost) ? config.webhookHost : '127.0.0.1',
    webhookPort: typeof config.webhookPort === 'number' ? config.webhookPort : 8788,
    webhookPath: nonEmpty(config.webhookPath) ? config.webhookPath : '/googlechat',
    apiRoot: (nonEmpty(config.apiRoot) ? config.apiRoot : DEFAULT_API_ROOT).replace(/\/+$/, ''),
    tokenUri: nonEmpty(config.tokenUri) ? config.tokenUri : undefined,
    certsUrl: nonEmpty(config.certsUrl) ? config.certsUrl : audienceType === 'app-url' ? GOOGLE_OIDC_CERTS_URL : CHAT_CERTS_URL,
    botUser: nonEmpty(config.botUser) ? config.botUser : undefined,
    livenessMs: typeof config.livenessMs === 'number' && config.livenessMs > 0 ? config.livenessMs : defaultLivenessMs,
  };
}

/** The service-account key, inline or from its file. Throws plain-words errors. */
export async function loadServiceAccount(settings: GoogleChatSettings): Promise<ServiceAccountKey> {
  let raw: unknown = settings.serviceAccount;
  if (!raw && settings.serviceAccountFile) {
    const file = settings.serviceAccountFile.replace(/^~(?=$|\/)/, homedir());
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new Error(`Cannot read the Google Chat service account file ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)}).`);
    }
    try {
      raw = JSON.parse(text);
    } catch {
      throw new Error(`The Google Chat service account file ${file} is not JSON; download the key again from the Cloud console.`);
    }
  }
  if (!isObject(raw) || !nonEmpty(raw.client_email) || !nonEmpty(raw.private_key)) {
    throw new Error('The Google Chat service account key has no client_email or private_key; use the JSON key of the Chat app service account.');
  }
  return {
    client_email: raw.client_email,
    private_key: raw.private_key,
    private_key_id: nonEmpty(raw.private_key_id) ? raw.private_key_id : undefined,
    token_uri: nonEmpty(raw.token_uri) ? raw.token_uri : undefined,
  };
}
