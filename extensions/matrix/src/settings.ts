/**
 * Matrix account settings: checked in plain words, with the sync timings
 * derived from the one liveness bound the supervisor uses.
 */

/** One account's resolved settings. */
export interface MatrixSettings {
  /** Homeserver base URL without a trailing slash (`apiRoot` wins over `homeserverUrl`). */
  homeserverUrl: string;
  userId: string;
  accessToken?: string;
  password?: string;
  encryption: boolean;
  autoJoin: boolean;
  livenessMs: number;
  /** `/sync` long-poll timeout. */
  pollTimeoutMs: number;
  /** Time limit of every other request. */
  requestTimeoutMs: number;
}

const USER_ID = /^@[^:\s]+:\S+$/;

/** The reason `config` cannot start a Matrix account, or undefined when it can. */
export function findMatrixConfigProblem(config: Record<string, unknown>): string | undefined {
  const url = config.apiRoot ?? config.homeserverUrl;
  if (typeof url !== 'string' || !url.trim()) return 'Matrix needs channels.matrix.homeserverUrl: the address of your homeserver, like https://matrix.example.org.';
  if (!isHttpUrl(url)) return 'channels.matrix.homeserverUrl must be an http(s) URL, like https://matrix.example.org.';
  if (typeof config.userId !== 'string' || !USER_ID.test(config.userId)) return 'Matrix needs channels.matrix.userId: the bot account’s full user id, like @openclaw:example.org.';
  const hasToken = typeof config.accessToken === 'string' && config.accessToken.trim() !== '';
  const hasPassword = typeof config.password === 'string' && config.password !== '';
  if (!hasToken && !hasPassword) return 'Matrix needs channels.matrix.accessToken (the bot account’s access token) or channels.matrix.password (to log in once and keep the token).';
  return undefined;
}

/** Settings from a config that passed {@link findMatrixConfigProblem}; `defaultLivenessMs` is the plugin's. */
export function resolveMatrixSettings(config: Record<string, unknown>, defaultLivenessMs: number): MatrixSettings {
  const url = String(config.apiRoot ?? config.homeserverUrl ?? '').trim().replace(/\/+$/, '');
  const livenessMs = typeof config.livenessMs === 'number' && config.livenessMs >= 1000 ? config.livenessMs : defaultLivenessMs;
  const poll = typeof config.pollTimeoutSeconds === 'number' && config.pollTimeoutSeconds > 0 ? config.pollTimeoutSeconds * 1000 : Math.round(livenessMs / 3);
  return {
    homeserverUrl: url,
    userId: String(config.userId),
    accessToken: typeof config.accessToken === 'string' && config.accessToken.trim() ? config.accessToken.trim() : undefined,
    password: typeof config.password === 'string' && config.password ? config.password : undefined,
    encryption: config.encryption === true,
    autoJoin: config.autoJoin !== false,
    livenessMs,
    pollTimeoutMs: poll,
    requestTimeoutMs: Math.max(1000, Math.round(livenessMs / 2)),
  };
}

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}
