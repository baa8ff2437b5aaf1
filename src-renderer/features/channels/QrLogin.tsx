import { useEffect, useRef, useState } from 'react';
import type { MethodParams, MethodResult } from '../../../src-shared/protocol/index.js';
import type { GatewayClient } from '../../client/types.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { describeError, type ShownError } from '../../ui-error.js';
import { isLoginOver, viewAfterStart, viewAfterWait, type LoginView } from './login-flow.js';

/** Under the WebSocket client's 30 s request timeout, so a long wait is never cut off as an error. */
const WAIT_MS = 25_000;
/** `web.login.start` waits up to 30 s each time for the first QR; give up after a few rounds. */
const MAX_START_ROUNDS = 4;

/**
 * Drives a QR login (WhatsApp, Signal…): `web.login.start`, then `web.login.wait` in a loop that follows
 * the rotating QR until the phone links or the login ends. Unmounting stops the loop.
 */
function useQrLogin(client: GatewayClient, channel: string, label: string, accountId: string | undefined, attempt: number, onLinked: () => void) {
  const [view, setView] = useState<LoginView>({ step: 'starting' });
  const [error, setError] = useState<ShownError>();
  // Read at the end of a login, so a new callback identity does not restart the login.
  const linked = useRef(onLinked);
  useEffect(() => {
    linked.current = onLinked;
  });

  useEffect(() => {
    let cancelled = false;
    const account = accountId ? { accountId } : {};
    const run = async () => {
      setView({ step: 'starting' });
      setError(undefined);
      try {
        let v: LoginView = { step: 'starting' };
        for (let round = 0; v.step === 'starting'; round++) {
          if (round === MAX_START_ROUNDS) {
            v = { step: 'failed', message: `${label} sent no QR code. Check that this computer can reach ${label}, then try again.` };
            break;
          }
          // The first round replaces any login left over from an earlier attempt.
          const params: MethodParams<'web.login.start'> = { channel, ...account, ...(round === 0 ? { force: true } : {}) };
          v = viewAfterStart(await client.call<MethodResult<'web.login.start'>>('web.login.start', params));
          if (cancelled) return;
          setView(v);
        }
        while (v.step === 'scan') {
          const params: MethodParams<'web.login.wait'> = { channel, ...account, timeoutMs: WAIT_MS };
          v = viewAfterWait(await client.call<MethodResult<'web.login.wait'>>('web.login.wait', params));
          if (cancelled) return;
          setView(v);
        }
        if (v.step === 'linked') linked.current();
      } catch (err) {
        if (!cancelled) setError(describeError(err));
      }
    };
    void run();
    return () => {
      cancelled = true;
    };
  }, [client, channel, accountId, attempt]);

  return { view, error };
}

/** QR login panel for a channel that links by QR code (WhatsApp, Signal): scan the code on the phone, the page shows "Linked" when done. */
export function QrLogin({ client, channel, label, accountId, onLinked, onClose }: { client: GatewayClient; channel: string; label: string; accountId?: string; onLinked(): void; onClose(): void }) {
  const [attempt, setAttempt] = useState(0);
  const { view, error } = useQrLogin(client, channel, label, accountId, attempt, onLinked);
  const over = isLoginOver(view) || error !== undefined;

  return (
    <section className="qr-panel" aria-labelledby="wa-login-heading" data-testid="whatsapp-login" data-step={error ? 'error' : view.step}>
      <h3 id="wa-login-heading">Link {label}{accountId && accountId !== 'default' ? ` (${accountId})` : ''}</h3>
      {view.step === 'starting' && !error ? <p className="muted">{view.message ?? `Asking ${label} for a QR code…`}</p> : null}
      {view.step === 'scan' ? (
        <>
          <p>{view.message}</p>
          <img className="qr" src={view.qrDataUrl} alt={`${label} QR code`} />
          <p className="muted">The code changes every few seconds; this picture follows it.</p>
        </>
      ) : null}
      {view.step === 'linked' ? (
        <>
          <p role="status" className="success" data-testid="whatsapp-linked">
            Linked
          </p>
          <p className="muted">{view.message}</p>
        </>
      ) : null}
      {view.step === 'failed' ? <ErrorBox error={{ message: view.message, hint: 'Press Try again for a new QR code.' }} testId="whatsapp-login-failed" /> : null}
      <ErrorBox error={error} testId="whatsapp-login-error" />
      <div className="actions">
        {over && view.step !== 'linked' ? (
          <button type="button" onClick={() => setAttempt((n) => n + 1)}>
            Try again
          </button>
        ) : null}
        <button type="button" className="secondary" onClick={onClose}>
          {over ? 'Close' : 'Cancel'}
        </button>
      </div>
    </section>
  );
}
