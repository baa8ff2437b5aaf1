import type { MethodResult } from '../../../src-shared/protocol/index.js';
import { callOnce, resolveTarget, type GlobalOptions } from '../connect.js';
import { printJson, terminalQr } from '../output.js';

/**
 * `openclaw qr`: a setup code a phone (or `openclaw node run --pair`) uses to pair as a node. The QR
 * holds the link to the gateway's node page with the setup code in its fragment, so a phone camera
 * opens the page directly; the code is printed too for apps and `node run`.
 */
export async function runQr(opts: Omit<GlobalOptions, 'url'> & { json?: boolean; payloadUrl?: string }): Promise<void> {
  // The CLI itself connects to the gateway of this state dir (OPENCLAW_GATEWAY_URL/PORT, its lock); `payloadUrl` is for the device.
  // In remote mode the address this computer uses (gateway.remote.url) is the public one: the phone gets it too.
  const { payloadUrl, ...conn } = opts;
  const target = resolveTarget(conn);
  const url = payloadUrl ?? (target.remote ? target.url : undefined);
  const r = await callOnce<MethodResult<'device.pair.setupCode'>>(conn, 'device.pair.setupCode', url ? { url } : {});
  if (opts.json) return printJson(r);
  const qr = await terminalQr(r.pairingPageUrl ?? r.setupCode);
  const page = r.pairingPageUrl
    ? `Phone: scan the QR (it opens ${r.pairingPageUrl.split('#')[0]}); browsers allow the camera and location only over https (Tailscale Serve or a TLS proxy) or on this computer.\n`
    : '';
  process.stdout.write(
    `${qr}\nSetup code (single use, valid until ${new Date(r.expiresAtMs).toLocaleTimeString()}):\n${r.setupCode}\n\nGateway: ${r.url}\n${page}On another computer: openclaw node run --pair <setup code>\nThen approve its commands: openclaw nodes pending, openclaw nodes approve <requestId>\n`,
  );
}
