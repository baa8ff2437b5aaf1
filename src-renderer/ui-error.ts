import { toGatewayCallError } from './client/types.js';

/** An error as the UI shows it: what happened, the server's code, and what to do about it. */
export interface ShownError {
  message: string;
  code?: string;
  hint?: string;
}

/** How to fix the common failures, by `details.code` or `error.code`. */
const HINTS: Record<string, string> = {
  MISSING_SCOPE: 'This connection was not granted that permission. Sign out and connect again with the gateway token from the gateway host.',
  FORBIDDEN: 'This connection was not granted that permission. Sign out and connect again with the gateway token from the gateway host.',
  UNAVAILABLE: 'The gateway did not answer. Check that it is running (`openclaw gateway`) and reload this page.',
  CONFIG_CONFLICT: 'The config file changed since it was loaded. Reload it, then make your change again.',
  CONFIG_INVALID: 'Nothing was saved. Fix the fields marked below and save again.',
  CONFIG_BASE_HASH_REQUIRED: 'Reload the config, then save again.',
};

export function describeError(err: unknown): ShownError {
  const e = toGatewayCallError(err);
  const code = e.detailCode ?? e.code;
  return { message: e.message, code, hint: HINTS[code] ?? (e.detailCode ? HINTS[e.code] : undefined) };
}
