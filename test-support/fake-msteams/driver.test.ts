import { afterEach, describe, expect, it } from 'vitest';
import { msteamsChannel } from '../../extensions/msteams/src/index.js';
import { createAdapterHarness, type AdapterHarness } from '../channel-harness.js';
import { asChannelPlugin } from '../channel-plugin.js';
import { createMsTeamsDriver } from './driver.js';

describe('Teams test driver', () => {
  const driver = createMsTeamsDriver();
  let h: AdapterHarness | undefined;
  afterEach(async () => {
    await h?.close();
    await driver.close();
  });

  it('plays users, the channel and faults against the real adapter', async () => {
    const config = await driver.start();
    h = createAdapterHarness(asChannelPlugin(msteamsChannel), config);
    const [ann, bob] = driver.ids.users;
    // The connector holds what users write until the endpoint is up.
    await driver.sendDirect(ann, 'hi');
    await driver.sendGroup(bob, 'hello channel', true);
    const arrived = h.nextInbound(2);
    await h.adapter.start();
    const [dm, group] = await arrived;
    expect(dm).toMatchObject({ senderId: ann, peer: { kind: 'direct', id: ann }, text: 'hi' });
    expect(group).toMatchObject({ senderId: bob, peer: { kind: 'group', id: driver.ids.group }, mentioned: true, text: 'hello channel' });

    await h.adapter.send({ to: dm.peer, text: 'reply 1' });
    await h.adapter.send({ to: group.peer, threadId: group.threadId, text: 'reply 2' });
    expect(await driver.waitForSent(ann, 1)).toEqual(['reply 1']);
    expect(await driver.waitForSent(driver.ids.group, 1)).toEqual(['reply 2']);
    expect(driver.sentTo(bob)).toEqual([]);

    expect(driver.fault.kinds).toEqual(['drop', 'stall', '5xx']);
    await driver.fault.set('5xx', true);
    await expect(h.adapter.send({ to: dm.peer, text: 'x' })).rejects.toThrow(/503/);
    await driver.fault.set('5xx', false);
    await driver.fault.set('drop', true);
    await expect(h.adapter.send({ to: dm.peer, text: 'cut' })).rejects.toThrow();
    await h.adapter.send({ to: dm.peer, text: 'after drop' });
    expect(driver.sentTo(ann)).toEqual(['reply 1', 'after drop']);
  });
});
