import { describe, expect, it } from 'vitest';
import { isLoginOver, viewAfterStart, viewAfterWait } from './login-flow.js';

describe('viewAfterStart', () => {
  it('shows the QR to scan', () => {
    expect(viewAfterStart({ qr: 'raw', qrDataUrl: 'data:image/png;base64,AA', message: 'Scan this QR code' })).toEqual({ step: 'scan', qrDataUrl: 'data:image/png;base64,AA', message: 'Scan this QR code' });
  });

  it('is linked when the gateway says connected', () => {
    expect(viewAfterStart({ connected: true, message: 'Linked as +1 555' })).toEqual({ step: 'linked', message: 'Linked as +1 555' });
  });

  it('fails on a finished attempt and keeps waiting when no QR arrived yet', () => {
    expect(viewAfterStart({ connected: false, message: 'Login did not finish: timeout' }).step).toBe('failed');
    expect(viewAfterStart({ message: 'Waiting for the QR code; call web.login.start again.' }).step).toBe('starting');
  });
});

describe('viewAfterWait', () => {
  it('follows a rotated QR, then the link', () => {
    expect(viewAfterWait({ connected: false, message: 'Still waiting', qrDataUrl: 'data:2' })).toEqual({ step: 'scan', qrDataUrl: 'data:2', message: 'Still waiting' });
    expect(viewAfterWait({ connected: true, message: 'Linked. whatsapp is starting.' }).step).toBe('linked');
  });

  it('ends as failed when the gateway has no QR left to show', () => {
    expect(viewAfterWait({ connected: false, message: 'Login did not finish: logged out' })).toEqual({ step: 'failed', message: 'Login did not finish: logged out' });
  });

  it('knows when a login is over', () => {
    expect(isLoginOver({ step: 'linked', message: '' })).toBe(true);
    expect(isLoginOver({ step: 'failed', message: '' })).toBe(true);
    expect(isLoginOver({ step: 'scan', qrDataUrl: 'x', message: '' })).toBe(false);
    expect(isLoginOver({ step: 'starting' })).toBe(false);
  });
});
