import QRCode from 'qrcode';
import { useState, type FormEvent } from 'react';
import type { MethodParams, MethodResult } from '../../../src-shared/protocol/index.js';
import type { GatewayClient } from '../../client/types.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { describeError, type ShownError } from '../../ui-error.js';
import { formatCountdown } from '../channels/relative-time.js';
import { isNotReachable } from './node-rows.js';

type SetupCode = MethodResult<'device.pair.setupCode'> & { qrDataUrl: string };

/** Admins create a single-use setup code; a phone scans its QR (or pastes the text) to pair as a node. */
export function PairPhonePanel({ client, now }: { client: GatewayClient; now: number }) {
  const [url, setUrl] = useState('');
  const [code, setCode] = useState<SetupCode>();
  const [error, setError] = useState<ShownError>();
  const [busy, setBusy] = useState(false);
  const [copied, setCopied] = useState(false);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setCopied(false);
    try {
      const params: MethodParams<'device.pair.setupCode'> = url.trim() ? { url: url.trim() } : {};
      const res = await client.call<MethodResult<'device.pair.setupCode'>>('device.pair.setupCode', params);
      setCode({ ...res, qrDataUrl: await QRCode.toDataURL(res.setupCode, { margin: 1, width: 320 }) });
      setError(undefined);
    } catch (err) {
      setCode(undefined);
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  const copy = async () => {
    if (!code) return;
    try {
      await navigator.clipboard.writeText(code.setupCode);
      setCopied(true);
    } catch (err) {
      setError({ ...describeError(err), hint: 'Select the code and copy it by hand.' });
    }
  };

  const left = code ? formatCountdown(code.expiresAtMs, now) : undefined;
  const notReachable = isNotReachable(error);

  return (
    <section className="card" aria-labelledby="pair-phone-heading" data-testid="pair-phone">
      <h2 id="pair-phone-heading">Pair a phone</h2>
      <p className="muted">
        The OpenClaw app on a phone scans this QR code to pair as a node. A code works once and for 10 minutes. The phone must be able to reach the address in
        the code.
      </p>
      <form className="inline-form" onSubmit={(e) => void create(e)}>
        <label htmlFor="pair-url">Address for the phone</label>
        <input
          id="pair-url"
          type="url"
          placeholder="optional, e.g. wss://gateway.example.ts.net"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          aria-describedby="pair-url-help"
          aria-invalid={notReachable || undefined}
        />
        <button type="submit" disabled={busy}>
          {code ? 'Create a new setup code' : 'Create setup code'}
        </button>
      </form>
      <p id="pair-url-help" className="help">
        Leave empty to use the gateway&apos;s own LAN address. Needed when the gateway listens on this computer only: give the address a phone can reach (an SSH
        tunnel, Tailscale or a reverse proxy), starting with ws:// or wss://.
      </p>
      <ErrorBox
        error={error && notReachable ? { ...error, hint: 'Enter the address the phone should use above and create the code again.' } : error}
        testId="setup-code-error"
      />
      {code ? (
        <div className="qr-panel" data-testid="setup-code">
          <img className="qr" src={code.qrDataUrl} alt="Setup code QR" data-testid="setup-code-qr" />
          <p>
            Connects to <code>{code.url}</code>
            {code.urls.length > 1 ? <span className="muted"> (or {code.urls.slice(1).join(', ')})</span> : null} ·{' '}
            {left ? <span data-testid="setup-code-expiry">expires in {left}</span> : <strong className="problem">expired; create a new one</strong>}
          </p>
          <label htmlFor="setup-code-text">Setup code</label>
          <textarea id="setup-code-text" className="setup-code" readOnly rows={3} value={code.setupCode} onFocus={(e) => e.currentTarget.select()} />
          <div className="actions">
            <button type="button" className="secondary" onClick={() => void copy()}>
              Copy setup code
            </button>
            {copied ? (
              <span role="status" className="success">
                Copied
              </span>
            ) : null}
          </div>
        </div>
      ) : null}
    </section>
  );
}
