import { afterEach, describe, expect, it } from 'vitest';
import { matrixChannel } from '../../extensions/matrix/src/index.js';
import { createAdapterHarness, type AdapterHarness } from '../channel-harness.js';
import { asChannelPlugin } from '../channel-plugin.js';
import { createMatrixDriver, type MatrixTestDriver } from './driver.js';

describe('Matrix test driver', () => {
  let driver: MatrixTestDriver;
  let harness: AdapterHarness | undefined;

  afterEach(async () => {
    await harness?.close();
    harness = undefined;
    await driver.close();
  });

  it('plays users on the fake homeserver and sees what the real adapter sends back', async () => {
    driver = createMatrixDriver();
    const config = await driver.start();
    expect(asChannelPlugin(matrixChannel).checkConfig(config, { platform: process.platform })).toEqual({ ok: true });
    harness = createAdapterHarness(asChannelPlugin(matrixChannel), config);
    await harness.adapter.start();

    const [alice, bob] = driver.ids.users;
    await driver.sendDirect(alice, 'hi from a DM');
    const [dm] = await harness.nextInbound();
    expect(dm).toMatchObject({ senderId: alice, peer: { kind: 'direct', id: alice }, text: 'hi from a DM', mentioned: false });

    await driver.sendGroup(bob, 'hello bot', true);
    const [group] = await harness.nextInbound();
    expect(group).toMatchObject({ senderId: bob, peer: { kind: 'group', id: driver.ids.group }, mentioned: true, text: 'OpenClaw: hello bot' });

    await driver.sendGroup(bob, 'just chatting', false);
    const [plain] = await harness.nextInbound();
    expect(plain).toMatchObject({ peer: { kind: 'group', id: driver.ids.group }, mentioned: false, text: 'just chatting' });

    await harness.adapter.send({ to: dm!.peer, text: 'reply one' });
    await harness.adapter.send({ to: group!.peer, text: 'reply <b>two</b>' });
    expect(await driver.waitForSent(alice, 1)).toEqual(['reply one']);
    expect(await driver.waitForSent(driver.ids.group, 1)).toEqual(['reply two']);
    expect(driver.sentTo(bob)).toEqual([]);
  });

  it('holds messages sent while the connection is dropped and delivers them after the reconnect', async () => {
    driver = createMatrixDriver();
    harness = createAdapterHarness(asChannelPlugin(matrixChannel), await driver.start());
    await harness.adapter.start();
    expect(driver.fault.kinds).toEqual(['drop', 'stall', '5xx']);
    await driver.fault.set('drop', true);
    await driver.sendDirect(driver.ids.users[2], 'sent during the outage');
    const [msg] = await harness.nextInbound(1, 20_000);
    expect(msg!.text).toBe('sent during the outage');
  }, 30_000);
});
