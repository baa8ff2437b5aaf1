import QRCode from 'qrcode';
import { callOnce, type GlobalOptions } from '../connect.js';
import { printJson } from '../output.js';

/** `openclaw qr`: a setup code a phone (or `openclaw node run --pair`) uses to pair as a node. */
export async function runQr(opts: GlobalOptions & { json?: boolean; publicUrl?: string }): Promise<void> {
  const r = await callOnce<{ setupCode: string; url: string; urls: string[]; expiresAtMs: number }>(opts, 'device.pair.setupCode', opts.publicUrl ? { url: opts.publicUrl } : {});
  if (opts.json) return printJson(r);
  const qr = await QRCode.toString(r.setupCode, { type: 'terminal', small: true });
  process.stdout.write(
    `${qr}\nSetup code (single use, valid until ${new Date(r.expiresAtMs).toLocaleTimeString()}):\n${r.setupCode}\n\nGateway: ${r.url}\nOn another computer: openclaw node run --pair <setup code>\n`,
  );
}
