/**
 * Agent and account ids as they appear in session keys, paths and routing.
 * Pure: shared by the gateway, the CLI and the renderer.
 */

/** The agent that exists when none is configured. */
export const DEFAULT_AGENT_ID = 'main';
/** The account of a single-account channel. */
export const DEFAULT_ACCOUNT_ID = 'default';
/** Last segment of the main session key, `agent:<id>:main`. */
export const DEFAULT_MAIN_KEY = 'main';

const MAX_AGENT_ID_LENGTH = 64;

/**
 * Makes an agent id path-safe and key-safe: lowercase, every character
 * outside `[a-z0-9-]` becomes `-`, runs of `-` collapse, leading and trailing
 * dashes go, and the result is capped at 64 characters. Anything that ends up
 * empty is {@link DEFAULT_AGENT_ID}.
 */
export function normalizeAgentId(id: string | null | undefined): string {
  const cleaned = (id ?? '')
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_AGENT_ID_LENGTH)
    // The cap can cut just after a dash.
    .replace(/-+$/, '');
  return cleaned || DEFAULT_AGENT_ID;
}

/** Trimmed, lowercased account id; empty or missing is {@link DEFAULT_ACCOUNT_ID}. */
export function normalizeAccountId(accountId: string | null | undefined): string {
  return (accountId ?? '').trim().toLowerCase() || DEFAULT_ACCOUNT_ID;
}
