/** Protocol generation this gateway speaks. Clients must include it in `[minProtocol, maxProtocol]`. */
export const PROTOCOL_VERSION = 4;
/** Operators and ordinary clients must support v4. */
export const MIN_CLIENT_PROTOCOL_VERSION = 4;
/** Nodes (`role:"node"` with `client.mode:"node"`) may still speak v3. */
export const MIN_NODE_PROTOCOL_VERSION = 3;
/** Probes may still speak v3. */
export const MIN_PROBE_PROTOCOL_VERSION = 3;

/** Default gateway port for WS and HTTP. */
export const DEFAULT_GATEWAY_PORT = 18789;

/** Wire limits and timings advertised in `hello-ok.policy`. */
export const MAX_PAYLOAD_BYTES = 25 * 1024 * 1024;
export const MAX_BUFFERED_BYTES = 50 * 1024 * 1024;
export const MAX_PREAUTH_PAYLOAD_BYTES = 64 * 1024;
export const TICK_INTERVAL_MS = 30_000;
export const HANDSHAKE_TIMEOUT_MS = 15_000;
export const DEVICE_SIGNATURE_SKEW_MS = 120_000;
/** Idempotency keys are remembered this long and at most this many. */
export const DEDUPE_TTL_MS = 5 * 60_000;
export const DEDUPE_MAX = 1000;
