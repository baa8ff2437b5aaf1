import { describe, expect, it, vi } from 'vitest';
import { exchangeLoginCode, LoginLinkError, takeLoginCode, type FetchLike } from './login-link.js';

describe('takeLoginCode', () => {
  it('takes the code out of the address and keeps the rest', () => {
    const replace = vi.fn();
    expect(takeLoginCode({ pathname: '/', search: '?login=abc_-1', hash: '#/chat' }, replace)).toBe('abc_-1');
    expect(replace).toHaveBeenCalledWith('/#/chat');
    expect(takeLoginCode({ pathname: '/ui/', search: '?x=1&login=abc', hash: '' }, replace)).toBe('abc');
    expect(replace).toHaveBeenLastCalledWith('/ui/?x=1');
  });

  it('leaves an address without a code alone', () => {
    const replace = vi.fn();
    expect(takeLoginCode({ pathname: '/', search: '?gatewayUrl=ws://evil', hash: '' }, replace)).toBeUndefined();
    expect(replace).not.toHaveBeenCalled();
  });
});

describe('exchangeLoginCode', () => {
  const device = { deviceId: 'a'.repeat(64), publicKey: 'k'.repeat(43) };
  const answer = (status: number, body: unknown): FetchLike => async () => ({ ok: status < 300, status, json: async () => body });

  it('posts the code and the device to the page’s own origin and returns the device token', async () => {
    const fetchFn = vi.fn<FetchLike>(answer(200, { ok: true, deviceToken: 'dt', deviceId: device.deviceId, scopes: [] }));
    expect(await exchangeLoginCode(fetchFn, 'code', device, 'Linux x86_64')).toBe('dt');
    const [url, init] = fetchFn.mock.calls[0]!;
    expect(url).toBe('/__openclaw__/login');
    expect(init.headers['Content-Type']).toBe('application/json');
    expect(JSON.parse(init.body)).toEqual({ code: 'code', device: { id: device.deviceId, publicKey: device.publicKey }, platform: 'Linux x86_64' });
  });

  it('passes the gateway’s reason on', async () => {
    const refused = exchangeLoginCode(answer(401, { ok: false, error: { type: 'login_link_used', message: 'This sign-in link was already used.' } }), 'code', device, 'web');
    await expect(refused).rejects.toEqual(new LoginLinkError('This sign-in link was already used.', 'login_link_used'));
    await expect(exchangeLoginCode(answer(502, 'not json'), 'code', device, 'web')).rejects.toThrow(/HTTP 502/);
    await expect(exchangeLoginCode(answer(200, {}), '', device, 'web')).rejects.toThrow(/no code/);
  });
});
