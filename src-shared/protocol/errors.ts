/** Closed error-code vocabulary carried in `res.error.code`. */
export const ErrorCodes = {
  INVALID_REQUEST: 'INVALID_REQUEST',
  FORBIDDEN: 'FORBIDDEN',
  UNAVAILABLE: 'UNAVAILABLE',
  NOT_PAIRED: 'NOT_PAIRED',
  APPROVAL_NOT_FOUND: 'APPROVAL_NOT_FOUND',
  /** @deprecated kept for old clients */
  NOT_LINKED: 'NOT_LINKED',
  /** @deprecated kept for old clients */
  AGENT_TIMEOUT: 'AGENT_TIMEOUT',
} as const;
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** `error.details.code` values for handshake failures. */
export const ConnectErrorDetailCodes = {
  AUTH_REQUIRED: 'AUTH_REQUIRED',
  AUTH_UNAUTHORIZED: 'AUTH_UNAUTHORIZED',
  AUTH_TOKEN_MISSING: 'AUTH_TOKEN_MISSING',
  AUTH_TOKEN_MISMATCH: 'AUTH_TOKEN_MISMATCH',
  AUTH_TOKEN_NOT_CONFIGURED: 'AUTH_TOKEN_NOT_CONFIGURED',
  AUTH_PASSWORD_MISSING: 'AUTH_PASSWORD_MISSING',
  AUTH_PASSWORD_MISMATCH: 'AUTH_PASSWORD_MISMATCH',
  AUTH_PASSWORD_NOT_CONFIGURED: 'AUTH_PASSWORD_NOT_CONFIGURED',
  AUTH_BOOTSTRAP_TOKEN_INVALID: 'AUTH_BOOTSTRAP_TOKEN_INVALID',
  AUTH_DEVICE_TOKEN_MISMATCH: 'AUTH_DEVICE_TOKEN_MISMATCH',
  AUTH_SCOPE_MISMATCH: 'AUTH_SCOPE_MISMATCH',
  AUTH_RATE_LIMITED: 'AUTH_RATE_LIMITED',
  DEVICE_IDENTITY_REQUIRED: 'DEVICE_IDENTITY_REQUIRED',
  DEVICE_AUTH_INVALID: 'DEVICE_AUTH_INVALID',
  DEVICE_AUTH_DEVICE_ID_MISMATCH: 'DEVICE_AUTH_DEVICE_ID_MISMATCH',
  DEVICE_AUTH_PUBLIC_KEY_INVALID: 'DEVICE_AUTH_PUBLIC_KEY_INVALID',
  DEVICE_AUTH_SIGNATURE_INVALID: 'DEVICE_AUTH_SIGNATURE_INVALID',
  DEVICE_AUTH_SIGNATURE_EXPIRED: 'DEVICE_AUTH_SIGNATURE_EXPIRED',
  DEVICE_AUTH_NONCE_REQUIRED: 'DEVICE_AUTH_NONCE_REQUIRED',
  DEVICE_AUTH_NONCE_MISMATCH: 'DEVICE_AUTH_NONCE_MISMATCH',
  PAIRING_REQUIRED: 'PAIRING_REQUIRED',
  CLIENT_VERSION_MISMATCH: 'CLIENT_VERSION_MISMATCH',
  CONTROL_UI_ORIGIN_NOT_ALLOWED: 'CONTROL_UI_ORIGIN_NOT_ALLOWED',
  PROTOCOL_MISMATCH: 'PROTOCOL_MISMATCH',
} as const;
export type ConnectErrorDetailCode = (typeof ConnectErrorDetailCodes)[keyof typeof ConnectErrorDetailCodes];

/** What a client should do after a failed handshake. */
export const RecommendedNextSteps = [
  'retry_with_device_token',
  'update_auth_configuration',
  'update_auth_credentials',
  'wait_then_retry',
  'review_auth_configuration',
] as const;
export type RecommendedNextStep = (typeof RecommendedNextSteps)[number];

/** `error.details.code` for a method refused for lack of a scope. */
export const MISSING_SCOPE = 'MISSING_SCOPE';

/** WebSocket close codes used by the gateway. */
export const CloseCodes = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  PROTOCOL_ERROR: 1002,
  POLICY_VIOLATION: 1008,
  MESSAGE_TOO_BIG: 1009,
  SERVICE_RESTART: 1012,
  TRY_AGAIN_LATER: 1013,
  TICK_TIMEOUT: 4000,
  AUTH_CHANGED: 4001,
} as const;
