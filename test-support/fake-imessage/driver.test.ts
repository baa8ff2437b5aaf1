import { afterEach, describe, expect, it } from 'vitest';
import { createAdapterHarness, type AdapterHarness } from '../channel-harness.js';
import { createIMessageDriver } from './driver.js';
import { createIMessageChannel } from '../../extensions/imessage/src/index.js';
import { asChannelPlugin } from '../channel-plugin.js';

describe('iMessage test driver', () => {
  const driver = createIMessageDriver();
  let h: AdapterHarness | undefined;
  afterEach(async () => {
    await h?.close();
    await driver.close();
  });

  it('plays users, the group and faults against the real adapter', async () => {
    const config = await driver.start();
    h = createAdapterHarness(asChannelPlugin(createIMessageChannel({ platform: 'darwin', killAfterMs: 1000 })), config);
    await h.adapter.start();
    const [ann, bob] = driver.ids.users;

    await driver.sendDirect(ann, 'hi');
    await driver.sendGroup(bob, 'hello group', true);
    const [dm, group] = await h.nextInbound(2);
    expect(dm).toMatchObject({ senderId: ann, peer: { kind: 'direct', id: ann }, text: 'hi' });
    expect(group).toMatchObject({ senderId: bob, peer: { kind: 'group', id: driver.ids.group }, text: '@openclaw hello group', mentioned: true });

    await h.adapter.send({ to: dm.peer, text: 'reply 1' });
    await h.adapter.send({ to: group.peer, text: 'reply 2' });
    expect(await driver.waitForSent(ann, 1)).toEqual(['reply 1']);
    expect(await driver.waitForSent(driver.ids.group, 1)).toEqual(['reply 2']);
    expect(driver.sentTo(bob)).toEqual([]);

    expect(driver.fault.kinds).toEqual(['drop', 'stall', '5xx']);
    await driver.fault.set('5xx', true);
    await expect(h.adapter.send({ to: dm.peer, text: 'x' })).rejects.toThrow(/Internal error/);
    await driver.fault.set('5xx', false);

    await driver.fault.set('drop', true);
    expect((await h.nextFailure()).message).toMatch(/imsg exited/);
  });
});
