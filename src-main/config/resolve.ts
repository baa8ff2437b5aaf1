import {
  LOG_LEVELS,
  type AgentEntry,
  type AgentsConfig,
  type GatewayConfig,
  type LogLevel,
  type LoggingConfig,
  type OpenClawConfig,
} from '../../src-shared/domain/config-schema.js';
import type { ConfigIssue } from './errors.js';

type Auth = NonNullable<GatewayConfig['auth']>;
type Reload = NonNullable<GatewayConfig['reload']>;
type Required2<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };

/** Agent id used when the config defines no agents. */
export const DEFAULT_AGENT_ID = 'main';
/** Default gateway port. */
export const DEFAULT_GATEWAY_PORT = 18789;
/** Default debounce for config file changes, in ms. */
export const DEFAULT_RELOAD_DEBOUNCE_MS = 150;

/**
 * The config the gateway runs with: defaults applied, then environment
 * overrides layered on top (env > file > defaults). Derived, never written.
 */
export type ResolvedConfig = Omit<OpenClawConfig, 'gateway' | 'logging' | 'agents'> & {
  gateway: Omit<GatewayConfig, 'port' | 'bind' | 'auth' | 'reload'> & {
    port: number;
    bind: NonNullable<GatewayConfig['bind']>;
    auth: Required2<Omit<Auth, 'rateLimit'>, 'mode'> & { rateLimit: Required<NonNullable<Auth['rateLimit']>> };
    reload: Required<Reload>;
  };
  logging: Required2<LoggingConfig, 'level' | 'consoleLevel'>;
  agents: Omit<AgentsConfig, 'entries' | 'list'> & { entries: Record<string, AgentEntry> };
  /** The agent that receives unrouted messages. */
  defaultAgentId: string;
};

function parsePort(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= 65535 ? n : undefined;
}

function parseLogLevel(value: string | undefined): LogLevel | undefined {
  const v = value?.trim().toLowerCase();
  return v && (LOG_LEVELS as readonly string[]).includes(v) ? (v as LogLevel) : undefined;
}

const nonEmpty = (value: string | undefined): string | undefined => (value === undefined || value === '' ? undefined : value);

/** Problems with environment overrides, reported by the loader; {@link resolveConfig} ignores such values. */
export function checkConfigEnv(env: NodeJS.ProcessEnv): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const port = env.OPENCLAW_GATEWAY_PORT;
  if (port !== undefined && port.trim() !== '' && parsePort(port) === undefined) {
    issues.push({ path: 'OPENCLAW_GATEWAY_PORT', message: `expected integer 1..65535, got ${JSON.stringify(port)}` });
  }
  const level = env.OPENCLAW_LOG_LEVEL;
  if (level !== undefined && level.trim() !== '' && parseLogLevel(level) === undefined) {
    issues.push({ path: 'OPENCLAW_LOG_LEVEL', message: `expected one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(level)}` });
  }
  return issues;
}

/**
 * Applies defaults and environment overrides to a validated config. Pure: the
 * input is not mutated and the result shares no objects with it.
 */
export function resolveConfig(config: OpenClawConfig, env: NodeJS.ProcessEnv): ResolvedConfig {
  const c = structuredClone(config);
  const gateway = c.gateway ?? {};
  const auth = gateway.auth ?? {};
  const logging = c.logging ?? {};
  const { list: _legacyList, entries: fileEntries, ...agentsRest } = c.agents ?? {};

  const token = nonEmpty(env.OPENCLAW_GATEWAY_TOKEN) ?? auth.token;
  const password = nonEmpty(env.OPENCLAW_GATEWAY_PASSWORD) ?? auth.password;
  const entries: Record<string, AgentEntry> =
    fileEntries && Object.keys(fileEntries).length > 0 ? fileEntries : { [DEFAULT_AGENT_ID]: { default: true } };
  const defaultAgentId = Object.keys(entries).find((id) => entries[id].default === true) ?? Object.keys(entries)[0];

  return {
    ...c,
    gateway: {
      ...gateway,
      port: parsePort(env.OPENCLAW_GATEWAY_PORT) ?? gateway.port ?? DEFAULT_GATEWAY_PORT,
      bind: gateway.bind ?? 'loopback',
      auth: {
        ...auth,
        mode: auth.mode ?? 'token',
        ...(token === undefined ? {} : { token }),
        ...(password === undefined ? {} : { password }),
        rateLimit: {
          maxAttempts: auth.rateLimit?.maxAttempts ?? 10,
          windowMs: auth.rateLimit?.windowMs ?? 60_000,
          lockoutMs: auth.rateLimit?.lockoutMs ?? 300_000,
        },
      },
      reload: {
        mode: gateway.reload?.mode ?? 'hybrid',
        debounceMs: gateway.reload?.debounceMs ?? DEFAULT_RELOAD_DEBOUNCE_MS,
      },
    },
    logging: {
      ...logging,
      level: parseLogLevel(env.OPENCLAW_LOG_LEVEL) ?? logging.level ?? 'info',
      // Environment over file, as for the level: a service manager or a test harness can place the log.
      ...(env.OPENCLAW_LOG_FILE?.trim() ? { file: env.OPENCLAW_LOG_FILE.trim() } : {}),
      consoleLevel: logging.consoleLevel ?? 'info',
    },
    agents: { ...agentsRest, entries },
    defaultAgentId,
  };
}
