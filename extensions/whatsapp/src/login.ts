/**
 * QR login and logout. Login first checks an existing link (so running it
 * again never forces a new scan); when there is none, or WhatsApp revoked it,
 * it shows QR codes until the phone scans one, follows WhatsApp's "restart
 * required" close with the new credentials, and resolves once connected.
 */
import type { ChannelContext, ChannelLoginEvents } from '../../../src-shared/domain/channel.js';
import { clearAuth, openAuthStore, readLinkedAccount, type AuthStore } from './auth-store.js';
import { maskNumber, phoneJidToE164 } from './jid.js';
import { readSettings, type WhatsAppRuntime, type WhatsAppSettings } from './settings.js';
import { buildSocketConfig, describeClose, statusCodeOf, type WhatsAppSocket } from './socket.js';

type LoginContext = Omit<ChannelContext, 'emit' | 'heartbeat' | 'fail'>;

/** Restarts allowed while pairing: WhatsApp asks for one (515) right after the scan. */
const MAX_RESTARTS = 3;

/** Links the account by QR code; resolves with the linked number. */
export async function loginWhatsApp(rt: WhatsAppRuntime, ctx: LoginContext, events: ChannelLoginEvents): Promise<{ linkedAs?: string }> {
  const settings = readSettings(ctx);
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), rt.loginTimeoutMs);
  const signal = AbortSignal.any([events.signal, deadline.signal]);
  const cancelled = () => (events.signal.aborted ? new Error('WhatsApp login was cancelled') : new Error(`WhatsApp login timed out after ${formatDuration(rt.loginTimeoutMs)} without a scan`));
  try {
    const version = await rt.resolveVersion();
    if (await readLinkedAccount(settings.auth)) {
      const store = await openAuthStore(settings.auth, ctx.log);
      const outcome = await session(rt, ctx, settings, store, version, 'verify', events, signal, cancelled);
      if (outcome.kind === 'linked') return { linkedAs: outcome.linkedAs };
      ctx.log.info('the stored WhatsApp link is no longer valid; showing a new QR code');
    }
    // Leftovers of an unfinished or revoked pairing would only confuse the next one.
    await clearAuth(settings.auth);
    const store = await openAuthStore(settings.auth, ctx.log);
    const outcome = await session(rt, ctx, settings, store, version, 'pair', events, signal, cancelled);
    if (outcome.kind !== 'linked') throw new Error('WhatsApp did not accept the new link; try the login again');
    return { linkedAs: outcome.linkedAs };
  } finally {
    clearTimeout(timer);
  }
}

/** Unlinks this device on WhatsApp when it can, then deletes the stored credentials. */
export async function logoutWhatsApp(rt: WhatsAppRuntime, ctx: LoginContext): Promise<void> {
  const settings = readSettings(ctx);
  if (await readLinkedAccount(settings.auth)) {
    const store = await openAuthStore(settings.auth, ctx.log);
    const deadline = AbortSignal.timeout(15_000);
    const signal = AbortSignal.any([ctx.signal, deadline]);
    try {
      const version = await rt.resolveVersion();
      const outcome = await session(rt, ctx, settings, store, version, 'logout', { onQr: () => {}, signal }, signal, () => new Error('WhatsApp did not answer in time'));
      if (outcome.kind === 'revoked') ctx.log.info('WhatsApp had already unlinked this device');
    } catch (err) {
      // Forgetting the link locally still matters when WhatsApp cannot be reached.
      ctx.log.warn('could not unlink on WhatsApp; deleting the local link anyway', { error: err instanceof Error ? err.message : String(err) });
    }
  }
  await clearAuth(settings.auth);
}

type Outcome = { kind: 'linked'; linkedAs?: string } | { kind: 'revoked' };
type Mode = 'verify' | 'pair' | 'logout';

/**
 * One login conversation over as many sockets as WhatsApp asks for.
 * `verify`: connect with stored credentials (a QR or 401 means revoked).
 * `pair`: forward QR codes until linked. `logout`: connect, then unlink.
 */
function session(
  rt: WhatsAppRuntime,
  ctx: LoginContext,
  settings: WhatsAppSettings,
  store: AuthStore,
  version: Awaited<ReturnType<WhatsAppRuntime['resolveVersion']>>,
  mode: Mode,
  events: ChannelLoginEvents,
  signal: AbortSignal,
  cancelled: () => Error,
): Promise<Outcome> {
  return new Promise<Outcome>((resolve, reject) => {
    let sock: WhatsAppSocket | undefined;
    let detach: (() => void) | undefined;
    let restarts = 0;
    let paired = false;
    let qrShown = false;
    let done = false;

    const finish = (result: Outcome | Error) => {
      if (done) return;
      done = true;
      signal.removeEventListener('abort', onAbort);
      const last = sock;
      sock = undefined;
      detach?.();
      void (async () => {
        if (last && mode === 'logout' && !(result instanceof Error) && result.kind === 'linked') {
          await last.logout().catch((err: unknown) => ctx.log.warn('WhatsApp logout request failed', { error: err instanceof Error ? err.message : String(err) }));
        }
        await Promise.resolve(last?.end(undefined)).catch(() => {});
        await store.flush();
        if (result instanceof Error) reject(result);
        else resolve(result);
      })();
    };
    const onAbort = () => finish(cancelled());

    const open = () => {
      const s = rt.makeSocket(
        buildSocketConfig({
          auth: store.state,
          livenessMs: settings.livenessMs,
          log: ctx.log,
          version,
          webSocketUrl: settings.webSocketUrl,
          markOnline: false,
          deviceName: settings.deviceName,
          getMessage: async () => undefined,
        }),
      );
      const onCreds = () => void store.save();
      const onConnection = (u: { qr?: string; isNewLogin?: boolean; connection?: string; lastDisconnect?: { error?: unknown } }) => {
        if (done || sock !== s) return;
        if (u.isNewLogin) paired = true;
        if (u.qr) {
          if (mode !== 'pair') return finish({ kind: 'revoked' });
          qrShown = true;
          try {
            events.onQr(u.qr);
          } catch (err) {
            ctx.log.warn('showing the QR code failed', { error: err instanceof Error ? err.message : String(err) });
          }
        }
        if (u.connection === 'open') {
          const linkedAs = phoneJidToE164(store.state.creds.me?.id);
          ctx.log.info(mode === 'pair' ? 'WhatsApp linked' : 'WhatsApp link is valid', { as: maskNumber(linkedAs) });
          return finish({ kind: 'linked', linkedAs });
        }
        if (u.connection === 'close') onClose(u.lastDisconnect?.error);
      };
      const onClose = (err: unknown) => {
        const code = statusCodeOf(err);
        if (code === 401 && mode !== 'pair') return finish({ kind: 'revoked' });
        // Right after a scan WhatsApp closes with 515 and expects a new socket with the new credentials.
        if ((code === 515 || (paired && code !== 401)) && restarts < MAX_RESTARTS) {
          restarts++;
          return open();
        }
        // 408 is also how Baileys reports a socket that never got through (no network, DNS, a timeout):
        // only a QR code that was shown and then ran out is an expired QR code.
        if (mode === 'pair' && code === 408 && !paired && qrShown && !isNetworkFailure(err)) {
          return finish(new Error('The WhatsApp QR code expired before it was scanned. Run the login again.'));
        }
        if (code === 401) return finish(new Error('WhatsApp refused the link (401). Run the login again and scan the newest QR code.'));
        finish(new Error(`Could not reach WhatsApp (${describeClose(err)}). Check the network and try again.`));
      };
      detach?.();
      sock = s;
      s.ev.on('creds.update', onCreds);
      s.ev.on('connection.update', onConnection);
      detach = () => {
        s.ev.off('creds.update', onCreds);
        s.ev.off('connection.update', onConnection);
      };
    };

    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      open();
    } catch (err) {
      finish(err instanceof Error ? err : new Error(String(err)));
    }
  });
}

/**
 * Whether a close is the network failing rather than WhatsApp ending the session: Baileys wraps
 * WebSocket errors (ENOTFOUND, ECONNREFUSED, ETIMEDOUT…) as "WebSocket Error (…)" with the
 * error in `data`, and gives the timed-out ones status 408, the same as an expired QR code.
 */
function isNetworkFailure(err: unknown): boolean {
  const e = err as { message?: unknown; data?: { code?: unknown } } | undefined;
  const code = e?.data?.code;
  return (typeof code === 'string' && /^E[A-Z]+$/.test(code)) || (typeof e?.message === 'string' && e.message.startsWith('WebSocket Error'));
}

function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}
