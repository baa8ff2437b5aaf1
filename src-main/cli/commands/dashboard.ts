import { loginLinkUrl, type MethodResult } from '../../../src-shared/protocol/index.js';
import { callOnce, resolveTarget, type GlobalOptions } from '../connect.js';
import { openInBrowser } from '../open-browser.js';
import { printJson } from '../output.js';

/**
 * `openclaw dashboard`: opens the Control UI in the browser with a one-time login link (single use,
 * one minute), so the page signs in without asking for the token. The link is on the address this
 * CLI reaches the gateway by, which in remote mode is the remote gateway's.
 */
export async function runDashboard(opts: GlobalOptions & { open?: boolean; json?: boolean }, open: (url: string) => Promise<boolean> = openInBrowser): Promise<void> {
  const target = resolveTarget(opts);
  const r = await callOnce<MethodResult<'controlUi.loginLink'>>(opts, 'controlUi.loginLink', {});
  const url = loginLinkUrl(r, target.url);
  const opened = opts.open === false ? false : await open(url);
  if (opts.json) return printJson({ url, expiresAtMs: r.expiresAtMs, opened });
  const until = new Date(r.expiresAtMs).toLocaleTimeString();
  process.stdout.write(
    `${opened ? 'Opened the Control UI in your browser.' : 'Open this link in a browser to sign in to the Control UI:'}\n${url}\n(single use, valid until ${until})\n`,
  );
}
