/**
 * "Open Control UI in browser": a one-time login link minted through whichever gateway the app uses
 * (in-process, attached or remote), so the page signs in by itself instead of asking for the token.
 * When the link cannot be made, the plain address opens and the page asks as before; the reason is logged.
 */
import { loginLinkUrl } from '../../src-shared/protocol/index.js';
import type { LocalClient } from '../gateway/local-client.js';

export interface BrowserLoginDeps {
  client: Pick<LocalClient, 'call'> | undefined;
  /** The address the app reaches the gateway by (`ws://…` or `http://…`). */
  gatewayUrl: string;
  /** `shell.openExternal`. */
  open(url: string): Promise<void>;
  log: { warn(msg: string, f?: Record<string, unknown>): void };
}

/** The link to open: one-time when the gateway makes one, else the plain Control UI address. */
export async function controlUiBrowserUrl(deps: Pick<BrowserLoginDeps, 'client' | 'gatewayUrl' | 'log'>): Promise<{ url: string; oneTime: boolean }> {
  const plain = loginLinkUrl({ path: '/' }, deps.gatewayUrl);
  if (!deps.client) return { url: plain, oneTime: false };
  const r = await deps.client.call('controlUi.loginLink', {});
  if (r.ok) return { url: loginLinkUrl(r.value, deps.gatewayUrl), oneTime: true };
  deps.log.warn('no one-time login link; opening the Control UI with its sign-in form', { error: r.error.message });
  return { url: plain, oneTime: false };
}

/** Mints the link and opens it in the default browser. Never throws: a failure is logged. */
export async function openControlUiInBrowser(deps: BrowserLoginDeps): Promise<void> {
  try {
    const { url } = await controlUiBrowserUrl(deps);
    await deps.open(url);
  } catch (err) {
    deps.log.warn('could not open the Control UI in the browser', { error: err instanceof Error ? err.message : String(err) });
  }
}
