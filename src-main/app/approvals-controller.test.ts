import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayCallError, GatewayClient } from '../cli/gateway-client.js';
import { generateDeviceKeys } from '../nodes/device-keys.js';
import { startChannelGateway, type ChannelGateway } from '../../test-support/channel-gateway.js';
import { createTelegramDriver } from '../../test-support/fake-telegram/driver.js';
import type { LocalClient } from '../gateway/start.js';
import { createApprovalsController, type ApprovalsController } from './approvals-controller.js';
import type { PendingApproval } from './approvals-model.js';
import { buildTrayMenuModel } from './tray-model.js';
import { approvalTitle } from './approvals-model.js';

/** What the shell would show: every tray list and every notification, in order. */
function recorder() {
  const lists: PendingApproval[][] = [];
  const announced: PendingApproval[] = [];
  const waiters: (() => void)[] = [];
  const poke = () => waiters.splice(0).forEach((w) => w());
  const until = async (pred: () => boolean, what: string) => {
    const deadline = Date.now() + 10_000;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 200).unref();
      });
    }
  };
  return {
    lists,
    announced,
    latest: () => lists.at(-1) ?? [],
    until,
    deps: {
      onChange: (p: PendingApproval[]) => {
        lists.push(p);
        poke();
      },
      onAnnounce: (a: PendingApproval) => {
        announced.push(a);
        poke();
      },
    },
  };
}

describe('tray approvals against a real gateway', () => {
  let env: ChannelGateway;
  let local: LocalClient;
  let rec: ReturnType<typeof recorder>;
  let controller: ApprovalsController;
  let newcomer: string;

  beforeAll(async () => {
    const driver = createTelegramDriver();
    newcomer = driver.ids.users[1];
    env = await startChannelGateway(driver, { dmPolicy: 'pairing', allowFrom: [driver.ids.users[0]] });
    local = env.t.gw.createLocalClient();
    rec = recorder();
    controller = createApprovalsController({ client: local, ...rec.deps });
    await controller.start();
  }, 60_000);
  afterAll(async () => {
    controller?.stop();
    local?.close();
    await env?.close();
  });

  it('an unknown Telegram sender shows up once as a notification and as tray items; approving lets their message through', async () => {
    expect(rec.latest()).toEqual([]);
    await env.driver.sendDirect(newcomer, 'hello, may I?');
    await rec.until(() => rec.announced.length === 1, 'the notification');
    const [a] = rec.announced;
    expect(a).toMatchObject({ kind: 'sender', channel: 'telegram', senderId: newcomer, code: expect.stringMatching(/^[A-Z2-9]{8}$/) });
    await rec.until(() => rec.latest().length === 1, 'the tray list');

    const model = buildTrayMenuModel({ gateway: 'running', windowVisible: false, approvals: rec.latest().map((p) => ({ key: p.key, title: approvalTitle(p) })) });
    expect(model.badge).toBe('1');
    const items = model.items.filter((i) => i.kind === 'approval');
    expect(items.map((i) => i.label)).toEqual([`Approve ${approvalTitle(a!)}`, `Reject ${approvalTitle(a!)}`]);
    expect(items[0]!.label).toContain(a!.kind === 'sender' ? a!.code : '');

    // The sender writes again while waiting: still one request, no second notification.
    await env.driver.sendDirect(newcomer, 'anyone there?');
    await env.settled(2);
    await controller.refresh();
    expect(rec.announced).toHaveLength(1);

    await expect(controller.decide(a!.key, 'approve')).resolves.toEqual({ ok: true });
    expect(controller.pending()).toEqual([]);
    expect(rec.latest()).toEqual([]);
    await env.driver.waitForSent(newcomer, 3);
    await env.t.gw.queueIdle();
    expect(env.driver.sentTo(newcomer).join('\n')).toContain('reply: hello, may I?');
    // Answered already: a second click on a stale menu item explains instead of failing silently.
    await expect(controller.decide(a!.key, 'reject')).resolves.toMatchObject({ ok: false, message: expect.stringContaining('no longer pending') });
  });

  it('a device asking to pair is announced and can be rejected from the tray; a restarted shell shows pending requests without announcing them', async () => {
    const keys = generateDeviceKeys();
    const attempt = GatewayClient.connect({
      url: env.t.url,
      token: env.t.token,
      device: keys,
      role: 'node',
      scopes: [],
      client: { id: 'node-host', mode: 'node', platform: 'android', displayName: 'Pixel 8' },
      headers: { 'X-Forwarded-For': '192.0.2.10' },
    });
    await expect(attempt).rejects.toBeInstanceOf(GatewayCallError);
    await rec.until(() => rec.announced.length === 2, 'the device notification');
    const d = rec.announced[1]!;
    expect(d).toMatchObject({ kind: 'device', deviceId: keys.deviceId, role: 'node', name: 'Pixel 8', platform: 'android' });
    expect(approvalTitle(d)).toBe('New node: Pixel 8 (android)');

    // The app restarts (or its client reconnects): the request is listed, not announced again.
    const again = recorder();
    const second = createApprovalsController({ client: local, ...again.deps });
    await second.start();
    expect(again.latest().map((p) => p.key)).toEqual([d.key]);
    expect(again.announced).toEqual([]);

    await expect(second.decide(d.key, 'reject')).resolves.toEqual({ ok: true });
    await rec.until(() => rec.latest().length === 0, 'the first controller to drop the rejected request');
    second.stop();
    const list = await env.call<{ pending: unknown[] }>('device.pair.list', {});
    expect(list.pending).toEqual([]);
  });

  it("a node's command request is announced like a pairing request; approving from the tray lets the commands run, rejecting leaves them blocked", async () => {
    // On direct loopback the device pairs at once; its declared commands still wait for an operator.
    const keys = generateDeviceKeys();
    const connectNode = () =>
      GatewayClient.connect({
        url: env.t.url,
        token: env.t.token,
        device: keys,
        role: 'node',
        scopes: [],
        client: { id: 'node-host', mode: 'node', platform: 'android', displayName: 'Pixel 8' },
        commands: ['camera.snap', 'location.get', 'system.notify'],
      });
    const node = await connectNode();
    await rec.until(() => rec.announced.length === 3, 'the node command notification');
    const n = rec.announced[2]!;
    expect(n).toMatchObject({ kind: 'node-commands', nodeId: keys.deviceId, name: 'Pixel 8', commands: ['camera.snap', 'location.get', 'system.notify'], blockedByPolicy: ['camera.snap'] });
    await rec.until(() => rec.latest().some((p) => p.key === n.key), 'the tray list to show the node request');
    const model = buildTrayMenuModel({ gateway: 'running', windowVisible: false, approvals: rec.latest().map((p) => ({ key: p.key, title: approvalTitle(p) })) });
    expect(model.items.filter((i) => i.kind === 'approval').map((i) => i.label)).toEqual([
      'Approve Node commands: Pixel 8 (android) wants camera.snap, location.get, system.notify',
      'Reject Node commands: Pixel 8 (android) wants camera.snap, location.get, system.notify',
    ]);

    // Rejected: nothing runs; the node asks again when it reconnects, and that is news again.
    await expect(controller.decide(n.key, 'reject')).resolves.toEqual({ ok: true });
    expect(rec.latest()).toEqual([]);
    let listed = await env.call<{ nodes: { nodeId: string; allowedCommands?: string[] }[] }>('node.list', {});
    expect(listed.nodes.find((x) => x.nodeId === keys.deviceId)?.allowedCommands ?? []).toEqual([]);
    node.close();
    await node.closed();
    const again = await connectNode();
    await rec.until(() => rec.announced.length === 4, 'the repeated request');
    const n2 = rec.announced[3]!;
    expect(n2.key).not.toBe(n.key);

    // Approved: what the platform allows runs; camera.snap stays blocked by the android policy.
    await expect(controller.decide(n2.key, 'approve')).resolves.toEqual({ ok: true });
    expect(controller.pending()).toEqual([]);
    listed = await env.call('node.list', {});
    expect(listed.nodes.find((x) => x.nodeId === keys.deviceId)?.allowedCommands).toEqual(['location.get', 'system.notify']);
    again.close();
  });
});
