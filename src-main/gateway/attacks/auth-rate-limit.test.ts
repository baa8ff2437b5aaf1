/**
 * Rate limit keyed on the exact address: rotating the source address inside
 * 127.0.0.0/8 must not buy more guesses, and strangers' failures must not
 * lock the owner's paired device out of the right credential.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDeviceKeys } from '../../nodes/device-keys.js';
import { startTestGateway, type TestGateway } from '../../../test-support/gateway.js';
import { connectRaw, readLog } from './network-harness.js';

const TOKEN = 'rate-limit-right-token-0123456789';
const MAX_ATTEMPTS = 5;

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway({ config: { gateway: { auth: { mode: 'token', token: TOKEN, rateLimit: { maxAttempts: MAX_ATTEMPTS, windowMs: 60_000, lockoutMs: 60_000 } } } } });
});
afterAll(async () => {
  await t?.close();
});

/** The connect's outcome code from a given source address; the socket is closed either way. */
async function attempt(localAddress: string, o: Parameters<typeof connectRaw>[1]): Promise<string> {
  const { ws, res } = await connectRaw(t.url, { localAddress, ...o });
  ws.terminate();
  return res.ok ? 'OK' : (res.error?.details?.code ?? res.error!.code);
}

function bearerStatus(token: string, localAddress: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: t.gw.port, localAddress, method: 'POST', path: '/tools/invoke', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(JSON.stringify({ tool: 'sessions_list', args: {} }));
  });
}

describe('auth rate limit by source, not by exact address', () => {
  const owner = generateDeviceKeys();

  it('the owner pairs a device first (direct loopback with the token)', async () => {
    expect(await attempt('127.0.0.1', { token: TOKEN, device: owner })).toBe('OK');
  });

  it('guesses from 40 different 127.x addresses share one lockout, and the right secret from a stranger is refused too', async () => {
    const outcomes: string[] = [];
    for (let i = 0; i < 40; i++) outcomes.push(await attempt(`127.0.${1 + (i >> 4)}.${2 + (i & 15)}`, { token: `guess-${i}`, device: generateDeviceKeys() }));
    // Exactly MAX_ATTEMPTS guesses were looked at; every later one was refused before its secret was.
    expect(outcomes.slice(0, MAX_ATTEMPTS)).toEqual(Array(MAX_ATTEMPTS).fill('AUTH_TOKEN_MISMATCH'));
    expect(new Set(outcomes.slice(MAX_ATTEMPTS))).toEqual(new Set(['AUTH_RATE_LIMITED']));
    // A correct guess is indistinguishable while locked: without a paired device, or with a fresh one, it is refused.
    expect(await attempt('127.0.9.9', { token: TOKEN })).toBe('AUTH_RATE_LIMITED');
    expect(await attempt('127.0.9.10', { token: TOKEN, device: generateDeviceKeys() })).toBe('AUTH_RATE_LIMITED');
    expect(await attempt('127.0.0.1', { password: 'x', deviceToken: 'y', device: generateDeviceKeys() })).toBe('AUTH_RATE_LIMITED');
    // The HTTP API counts in the same bucket.
    expect(await bearerStatus(TOKEN, '127.0.9.11')).toBe(429);

    const warn = readLog(t.state.logFile).find((r) => r.message.includes('locked out'));
    expect(warn).toMatchObject({ level: 'warn', source: 'addr:loopback' });
  });

  it("the owner's paired device still gets in with the right token (and its device token) while loopback is locked", async () => {
    expect(await attempt('127.0.0.1', { token: TOKEN, device: owner })).toBe('OK');
    const { ws, res } = await connectRaw(t.url, { token: TOKEN, device: owner });
    const deviceToken = (res.payload as { auth: { deviceToken: string } }).auth.deviceToken;
    ws.terminate();
    expect(await attempt('127.0.0.7', { deviceToken, device: owner })).toBe('OK');
  });

  it("a paired device's own guessing is limited too: its bucket locks after the same number of failures", async () => {
    for (let i = 0; i < MAX_ATTEMPTS; i++) expect(await attempt('127.0.0.1', { token: `owner-typo-${i}`, device: owner })).toBe('AUTH_TOKEN_MISMATCH');
    expect(await attempt('127.0.0.1', { token: TOKEN, device: owner })).toBe('AUTH_RATE_LIMITED');
  });
});
