import type { ChannelManager } from './manager.js';
import { ChannelNotFoundError } from './manager.js';
import { ChannelRequestError } from './errors.js';
import type { MethodParams, MethodResult } from '../../src-shared/protocol/index.js';

interface LoginSession {
  qr?: string;
  done?: { connected: boolean; message: string; linkedAs?: string };
  abort: AbortController;
  finished: Promise<void>;
  changed: Set<() => void>;
}

/** QR logins (linked devices: WhatsApp, Signal): one session per account, polled by `web.login.start` / `web.login.wait`. */
export function createWebLogins(manager: Pick<ChannelManager, 'login' | 'defaultQrLoginChannel' | 'loginHint'>) {
  // Without a channel, the QR-login channel the config means (capabilities say which link by QR, never a hard-coded id).
  const pick = (channel: string | undefined): string => channel || manager.defaultQrLoginChannel();
  const logins = new Map<string, LoginSession>();
  const loginKey = (channel: string, accountId?: string) => `${channel}/${accountId ?? 'default'}`;
  const waitLogin = (s: LoginSession, until: (s: LoginSession) => boolean, timeoutMs: number) =>
    new Promise<void>((resolve) => {
      if (until(s)) return resolve();
      const t = setTimeout(finish, timeoutMs);
      function finish() {
        clearTimeout(t);
        s.changed.delete(check);
        resolve();
      }
      const check = () => until(s) && finish();
      s.changed.add(check);
    });
  // The QR encoder loads on the first login, not at gateway start.
  const qrView = async (qr?: string) => (qr ? { qr, qrDataUrl: await (await import('qrcode')).default.toDataURL(qr, { margin: 1, width: 320 }) } : {});

  return {
    async start(p: MethodParams<'web.login.start'>): Promise<MethodResult<'web.login.start'>> {
      const channel = pick(p.channel);
      const key = loginKey(channel, p.accountId);
      let s = logins.get(key);
      if (s && (p.force || s.done)) {
        s.abort.abort();
        logins.delete(key);
        s = undefined;
      }
      if (!s) {
        const session: LoginSession = { abort: new AbortController(), changed: new Set(), finished: Promise.resolve() };
        const notify = () => session.changed.forEach((f) => f());
        session.finished = manager
          .login(channel, p.accountId, {
            signal: session.abort.signal,
            onQr: (qr) => {
              session.qr = qr;
              notify();
            },
          })
          .then(
            (r) => void (session.done = { connected: true, message: `Linked${r.linkedAs ? ` as ${r.linkedAs}` : ''}. ${channel} is starting.`, ...(r.linkedAs ? { linkedAs: r.linkedAs } : {}) }),
            (err: Error) => void (session.done = { connected: false, message: err instanceof ChannelNotFoundError ? err.message : `Login did not finish: ${err.message}` }),
          )
          .finally(notify);
        logins.set(key, session);
        s = session;
        const timeout = setTimeout(() => session.abort.abort(), p.timeoutMs || 180_000);
        void session.finished.finally(() => clearTimeout(timeout));
      }
      await waitLogin(s, (x) => Boolean(x.qr || x.done), Math.min(p.timeoutMs || 30_000, 30_000));
      if (s.done) return s.done;
      if (!s.qr) return { message: 'Waiting for the QR code; call web.login.start again.' };
      return { ...(await qrView(s.qr)), message: manager.loginHint(channel) };
    },
    async wait(p: MethodParams<'web.login.wait'>): Promise<MethodResult<'web.login.wait'>> {
      const channel = pick(p.channel);
      const s = logins.get(loginKey(channel, p.accountId));
      if (!s) throw new ChannelRequestError('no login in progress; call web.login.start first');
      // A caller showing an older code gets the current one at once.
      const shown = p.currentQrDataUrl;
      const stale = shown !== undefined && s.qr !== undefined && (await qrView(s.qr)).qrDataUrl !== shown;
      const lastQr = s.qr;
      // Otherwise: returns when the login ends, when the QR rotates, or at the timeout.
      if (!stale) await waitLogin(s, (x) => Boolean(x.done) || x.qr !== lastQr, p.timeoutMs || 120_000);
      if (s.done) {
        logins.delete(loginKey(channel, p.accountId));
        return s.done;
      }
      return { connected: false, message: 'Still waiting for the phone to scan the code.', ...(await qrView(s.qr)) };
    },
    close() {
      for (const s of logins.values()) s.abort.abort();
    },
  };
}
