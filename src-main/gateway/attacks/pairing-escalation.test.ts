/**
 * Attack: a device holding only `operator.pairing` tries to hand out scopes it
 * does not hold (approving an admin request, taking over another device's
 * token, minting wider tokens for itself) or to act on a more privileged
 * device. Real gateway, real sockets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayCallError, GatewayClient } from '../../cli/gateway-client.js';
import { generateDeviceKeys } from '../../nodes/device-keys.js';
import { startTestGateway, type TestGateway } from '../../../test-support/gateway.js';

const FORWARDED = { 'X-Forwarded-For': '192.0.2.77' };

async function refusal(p: Promise<unknown>): Promise<GatewayCallError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GatewayCallError);
  return err as GatewayCallError;
}

describe('attack: scope escalation through pairing', () => {
  let t: TestGateway;
  let admin: GatewayClient;
  let pairer: GatewayClient;
  const adminKeys = generateDeviceKeys();
  const pairerKeys = generateDeviceKeys();
  const remoteKeys = generateDeviceKeys();

  /** A device asking from off-host (through a proxy), so it needs an operator's approval. */
  const remote = (scopes: string[]) =>
    GatewayClient.connect({ url: t.url, token: t.token, device: remoteKeys, scopes, client: { id: 'openclaw-control-ui', mode: 'ui', displayName: 'Remote' }, headers: FORWARDED });

  beforeAll(async () => {
    t = await startTestGateway();
    admin = await t.operator({ device: adminKeys });
    // Direct loopback with the gateway token: paired at once, holding only operator.pairing.
    pairer = await t.operator({ device: pairerKeys, scopes: ['operator.pairing'] });
    expect(pairer.hello.auth.scopes).toEqual(['operator.pairing']);
  });
  afterAll(() => t.close());

  it('a pairing-only device cannot approve a request for operator.admin; the request stays pending; an admin can', async () => {
    const asked = await refusal(remote(['operator.admin', 'operator.read']));
    expect(asked.detailCode).toBe('PAIRING_REQUIRED');
    const requestId = (asked.error.details as { requestId: string }).requestId;

    const err = await refusal(pairer.call('device.pair.approve', { requestId }));
    expect(err.error).toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringMatching(/^missing scope: operator\.admin, operator\.read \(to approve device/),
      details: { code: 'MISSING_SCOPE', missingScope: 'operator.admin', missingScopes: ['operator.admin', 'operator.read'] },
    });
    const { pending } = await pairer.call<{ pending: { requestId: string }[] }>('device.pair.list', {});
    expect(pending.map((p) => p.requestId)).toContain(requestId);

    await expect(admin.call('device.pair.approve', { requestId })).resolves.toMatchObject({ ok: true, device: { deviceId: remoteKeys.deviceId, scopes: ['operator.admin', 'operator.read'] } });
    const c = await remote(['operator.admin', 'operator.read']);
    expect(c.hello.auth.scopes).toEqual(['operator.admin', 'operator.read']);
    c.close();
  });

  it('a pairing-only device may approve what it holds itself', async () => {
    const k = generateDeviceKeys();
    const asked = await refusal(GatewayClient.connect({ url: t.url, token: t.token, device: k, scopes: ['operator.pairing'], headers: FORWARDED }));
    const requestId = (asked.error.details as { requestId: string }).requestId;
    await expect(pairer.call('device.pair.approve', { requestId })).resolves.toMatchObject({ ok: true, device: { scopes: ['operator.pairing'] } });
  });

  it("a pairing-only device cannot rotate another device's token (it would receive that device's credential)", async () => {
    const adminToken = admin.hello.auth.deviceToken!;
    const err = await refusal(pairer.call('device.token.rotate', { deviceId: adminKeys.deviceId }));
    expect(err.error).toMatchObject({ code: 'FORBIDDEN', details: { code: 'MISSING_SCOPE', missingScope: 'operator.admin' } });
    expect(err.message).toMatch(/rotate the token of another device/);
    // Nor pick a role or revoke, unpair or rename a device more privileged than itself.
    await expect(pairer.call('device.token.rotate', { deviceId: adminKeys.deviceId, role: 'node' })).rejects.toMatchObject({ error: { code: 'FORBIDDEN' } });
    for (const [method, params] of [
      ['device.token.revoke', { deviceId: adminKeys.deviceId }],
      ['device.pair.remove', { deviceId: adminKeys.deviceId }],
      ['device.pair.rename', { deviceId: adminKeys.deviceId, displayName: 'Trust me' }],
    ] as const) {
      await expect(pairer.call(method, params), method).rejects.toMatchObject({ error: { code: 'FORBIDDEN', details: { code: 'MISSING_SCOPE', missingScope: 'operator.admin' } } });
    }
    // The admin's token still works.
    const again = await GatewayClient.connect({ url: t.url, deviceToken: adminToken, device: adminKeys, scopes: ['operator.admin'], client: { id: 'cli', mode: 'cli' } });
    expect(again.hello.auth.scopes).toEqual(['operator.admin']);
    again.close();
  });

  it('rotating its own token works and never carries more than the caller holds', async () => {
    // The device was once approved with admin; this connection holds only pairing.
    const k = generateDeviceKeys();
    (await t.operator({ device: k, scopes: ['operator.admin', 'operator.pairing'] })).close();
    const narrow = await t.operator({ device: k, scopes: ['operator.pairing'] });
    const rotated = await narrow.call<{ deviceToken: string; role: string }>('device.token.rotate', { deviceId: k.deviceId });
    expect(rotated.role).toBe('operator');
    // The caller's own connection stays open to receive the token.
    await expect(narrow.call('device.pair.list', {})).resolves.toBeDefined();
    const viaToken = await GatewayClient.connect({ url: t.url, deviceToken: rotated.deviceToken, device: k, scopes: ['operator.admin', 'operator.pairing'], client: { id: 'cli', mode: 'cli' } });
    expect(viaToken.hello.auth.scopes).toEqual(['operator.pairing']);
    // Its own token for a role it was never paired in is a new grant: refused.
    await expect(viaToken.call('device.token.rotate', { deviceId: k.deviceId, role: 'node' })).rejects.toMatchObject({ error: { code: 'FORBIDDEN' } });
    await expect(viaToken.call('device.token.rotate', { deviceId: k.deviceId, role: 'worker' })).rejects.toMatchObject({ error: { details: { code: 'INVALID_ROLE' } } });
    viaToken.close();
  });

  it('an admin rotates and revokes another device; a pairing-only device may still manage what it could have approved', async () => {
    await expect(admin.call('device.token.rotate', { deviceId: remoteKeys.deviceId })).resolves.toMatchObject({ ok: true, role: 'operator' });
    const node = generateDeviceKeys();
    (await GatewayClient.connect({ url: t.url, token: t.token, device: node, role: 'node', client: { id: 'node-host', mode: 'node' } })).close();
    await expect(pairer.call('device.pair.rename', { deviceId: node.deviceId, displayName: 'Kitchen' })).resolves.toMatchObject({ ok: true });
    await expect(pairer.call('device.token.revoke', { deviceId: node.deviceId })).resolves.toMatchObject({ ok: true, revoked: 1 });
    await expect(pairer.call('device.pair.remove', { deviceId: node.deviceId })).resolves.toMatchObject({ ok: true, removed: true });
  });
});
