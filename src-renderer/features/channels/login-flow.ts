import type { MethodResult } from '../../../src-shared/protocol/index.js';

type StartResult = MethodResult<'web.login.start'>;
type WaitResult = MethodResult<'web.login.wait'>;

/** Where a QR login stands, as the panel shows it. */
export type LoginView =
  | { step: 'starting'; message?: string }
  | { step: 'scan'; qrDataUrl: string; message: string }
  | { step: 'linked'; message: string }
  | { step: 'failed'; message: string };

/**
 * After `web.login.start`: a QR to scan, already linked, a finished attempt that failed
 * (`connected: false`), or still waiting for the first QR (call start again).
 */
export function viewAfterStart(res: StartResult): LoginView {
  if (res.connected === true) return { step: 'linked', message: res.message };
  if (res.qrDataUrl) return { step: 'scan', qrDataUrl: res.qrDataUrl, message: res.message };
  if (res.connected === false) return { step: 'failed', message: res.message };
  return { step: 'starting', message: res.message };
}

/**
 * After `web.login.wait`: linked, a rotated (or unchanged) QR while the login goes on, or — with
 * no QR left to show — the login ended without linking.
 */
export function viewAfterWait(res: WaitResult): LoginView {
  if (res.connected) return { step: 'linked', message: res.message };
  if (res.qrDataUrl) return { step: 'scan', qrDataUrl: res.qrDataUrl, message: res.message };
  return { step: 'failed', message: res.message };
}

export const isLoginOver = (v: LoginView): boolean => v.step === 'linked' || v.step === 'failed';
