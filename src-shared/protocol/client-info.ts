/** Closed list of client ids accepted in `connect.params.client.id`. */
export const CLIENT_IDS = [
  'webchat-ui',
  'openclaw-control-ui',
  'openclaw-browser-copilot',
  'openclaw-tui',
  'webchat',
  'cli',
  'gateway-client',
  'openclaw-macos',
  'openclaw-linux',
  'openclaw-ios',
  'openclaw-watchos',
  'openclaw-android',
  'node-host',
  'openclaw-worker',
  'test',
  'fingerprint',
  'openclaw-probe',
] as const;
export type ClientId = (typeof CLIENT_IDS)[number];

/** Closed list of client modes accepted in `connect.params.client.mode`. */
export const CLIENT_MODES = ['webchat', 'cli', 'ui', 'backend', 'node', 'worker', 'probe', 'test'] as const;
export type ClientMode = (typeof CLIENT_MODES)[number];

/** Roles a connection can hold. Workers use their own endpoint and are refused on the main socket. */
export const ROLES = ['operator', 'node', 'worker'] as const;
export type Role = (typeof ROLES)[number];
