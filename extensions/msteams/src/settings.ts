/**
 * Microsoft Teams account settings: the checks `checkConfig` and `start`
 * share, and the defaults (Bot Framework's public cloud).
 */

/** Where the Bot Connector publishes the keys that sign its requests. */
export const BOT_FRAMEWORK_OPENID_METADATA = 'https://login.botframework.com/v1/.well-known/openidconfiguration';
/** `iss` of every request token the Bot Connector sends. */
export const BOT_FRAMEWORK_ISSUER = 'https://api.botframework.com';
export const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';
/** The tenant multi-tenant bots get their tokens from. */
export const BOT_FRAMEWORK_TENANT = 'botframework.com';
export const BOT_CONNECTOR_SCOPE = 'https://api.botframework.com/.default';
/** Global Teams service URL, for conversations this bot has not heard from yet. */
export const DEFAULT_SERVICE_URL = 'https://smba.trafficmanager.net/teams/';

/** Settings with defaults applied. */
export interface TeamsSettings {
  appId: string;
  appPassword: string;
  tenantId?: string;
  webhookHost: string;
  webhookPort: number;
  webhookPath: string;
  openIdMetadataUrl: string;
  tokenIssuer: string;
  /** `{authorityHost}/{tenant}/oauth2/v2.0/token`. */
  tokenUrl: string;
  tokenScope: string;
  /** Service URL for a conversation no activity has told us about. */
  apiRoot: string;
  livenessMs: number;
}

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const isUrl = (v: unknown) => typeof v === 'string' && /^https?:\/\/[^/]/.test(v);

/** The reason this config cannot start, in plain words; undefined when it can. */
export function checkTeamsConfig(config: Record<string, unknown>): string | undefined {
  const missing = [...(!nonEmpty(config.appId) ? ['appId'] : []), ...(!nonEmpty(config.appPassword) ? ['appPassword'] : [])];
  if (missing.length) {
    return (
      `Microsoft Teams needs the bot's app credentials; missing: ${missing.join(', ')}. ` +
      'Set channels.msteams.appId to the Microsoft App ID of the Azure Bot and channels.msteams.appPassword to a client secret of that app ' +
      '(and channels.msteams.tenantId when the bot is single-tenant).'
    );
  }
  const port = config.webhookPort;
  if (port !== undefined && (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535)) return 'channels.msteams.webhookPort must be a port number.';
  if (config.webhookPath !== undefined && (typeof config.webhookPath !== 'string' || !config.webhookPath.startsWith('/'))) return 'channels.msteams.webhookPath must start with "/".';
  for (const key of ['openIdMetadataUrl', 'authorityHost', 'apiRoot'] as const) {
    if (config[key] !== undefined && !isUrl(config[key])) return `channels.msteams.${key} must be an http(s) URL.`;
  }
  return undefined;
}

/** Apply defaults; call after {@link checkTeamsConfig} passed. */
export function resolveTeamsSettings(config: Record<string, unknown>, defaultLivenessMs: number): TeamsSettings {
  const tenantId = nonEmpty(config.tenantId) ? config.tenantId.trim() : undefined;
  const authorityHost = (nonEmpty(config.authorityHost) ? config.authorityHost : DEFAULT_AUTHORITY_HOST).replace(/\/+$/, '');
  return {
    appId: String(config.appId).trim(),
    appPassword: String(config.appPassword),
    tenantId,
    webhookHost: nonEmpty(config.webhookHost) ? config.webhookHost : '127.0.0.1',
    webhookPort: typeof config.webhookPort === 'number' ? config.webhookPort : 3978,
    webhookPath: nonEmpty(config.webhookPath) ? config.webhookPath : '/api/messages',
    openIdMetadataUrl: nonEmpty(config.openIdMetadataUrl) ? config.openIdMetadataUrl : BOT_FRAMEWORK_OPENID_METADATA,
    tokenIssuer: nonEmpty(config.tokenIssuer) ? config.tokenIssuer : BOT_FRAMEWORK_ISSUER,
    tokenUrl: `${authorityHost}/${encodeURIComponent(tenantId ?? BOT_FRAMEWORK_TENANT)}/oauth2/v2.0/token`,
    tokenScope: nonEmpty(config.tokenScope) ? config.tokenScope : BOT_CONNECTOR_SCOPE,
    apiRoot: nonEmpty(config.apiRoot) ? config.apiRoot : DEFAULT_SERVICE_URL,
    livenessMs: typeof config.livenessMs === 'number' && config.livenessMs > 0 ? config.livenessMs : defaultLivenessMs,
  };
}
