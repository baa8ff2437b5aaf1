import { EVENTS, MAX_BUFFERED_BYTES, MAX_PAYLOAD_BYTES, PROTOCOL_VERSION, type HelloOk, type MethodResult, type PresenceEntry } from '../../src-shared/protocol/index.js';
import type { GatewayConnection } from './connection.js';

/** What the `hello-ok` frame reports about the gateway at the moment a client connects. */
export interface HelloSource {
  version: string;
  bootId: string;
  startedAtMs: number;
  tickIntervalMs: number;
  configPath: string;
  stateDir: string;
  /** Methods the dispatcher answers right now (plugin methods included). */
  methods(): readonly string[];
  presence(): PresenceEntry[];
  health(): MethodResult<'health'>;
  stateVersion(): { presence: number; health: number };
  appliedConfigHash(): string;
  authMode(): string;
  controlUiUrl(): string;
}

/** Builds the `hello-ok` answer for an authenticated connection. */
export function buildHelloOk(src: HelloSource, conn: GatewayConnection): HelloOk {
  const grant = conn.grant!;
  return {
    type: 'hello-ok',
    // Nodes may still speak v3 (the handshake checked the range): answer in the highest version both speak.
    protocol: Math.min(PROTOCOL_VERSION, conn.params?.maxProtocol ?? PROTOCOL_VERSION),
    server: { version: src.version, connId: conn.connId, bootId: src.bootId },
    features: { methods: [...src.methods()], events: Object.keys(EVENTS) },
    snapshot: {
      // The roster of connected clients is operator information; a node (a phone, say) does not get it.
      presence: grant.role === 'operator' ? src.presence() : [],
      health: src.health(),
      stateVersion: { ...src.stateVersion() },
      uptimeMs: Date.now() - src.startedAtMs,
      appliedConfigHash: src.appliedConfigHash(),
      ...(grant.scopes.includes('operator.admin') ? { configPath: src.configPath, stateDir: src.stateDir } : {}),
      authMode: src.authMode(),
    },
    auth: {
      role: grant.role,
      scopes: grant.scopes,
      method: grant.method,
      ...(grant.deviceToken ? { deviceToken: grant.deviceToken, issuedAtMs: grant.issuedAtMs } : {}),
      ...(grant.deviceTokens ? { deviceTokens: grant.deviceTokens } : {}),
    },
    policy: { maxPayload: MAX_PAYLOAD_BYTES, maxBufferedBytes: MAX_BUFFERED_BYTES, tickIntervalMs: src.tickIntervalMs },
    controlUiUrl: src.controlUiUrl(),
  };
}
