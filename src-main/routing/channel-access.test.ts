import { afterEach, describe, expect, it } from 'vitest';
import type { InboundMessage, OutboundReply } from '../../src-shared/domain/inbound.js';
import type { OpenClawConfig } from '../../src-shared/domain/config-schema.js';
import { resolveConfig } from '../config/resolve.js';
import { createLogger } from '../logging/index.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { createChannelAccess } from './channel-access.js';

const stores: ReturnType<typeof openSqliteStore>[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

function setup(channels: OpenClawConfig['channels'], extra: Partial<OpenClawConfig> = {}) {
  const store = openSqliteStore(':memory:');
  stores.push(store);
  let cfg = resolveConfig({ channels, ...extra } as OpenClawConfig, {});
  let now = 1_000_000;
  const notices: OutboundReply[] = [];
  const events: { event: string; payload: Record<string, unknown> }[] = [];
  const released: InboundMessage[] = [];
  const owners: string[] = [];
  const access = createChannelAccess({
    store,
    config: () => cfg,
    log: createLogger('test/access'),
    notify: async (r) => void notices.push(r),
    emit: (event, payload) => events.push({ event, payload: payload as Record<string, unknown> }),
    reingest: (m) => released.push(m),
    // As the bundled plugins' manifests say.
    channelInfo: (channel) => ({ label: channel === 'whatsapp' ? 'WhatsApp' : channel === 'telegram' ? 'Telegram' : channel, personalNumber: channel === 'whatsapp' || channel === 'imessage' }),
    seedOwner: async (entry) => {
      owners.push(entry);
      cfg = resolveConfig({ channels, ...extra, commands: { ownerAllowFrom: [entry] } } as OpenClawConfig, {});
    },
    now: () => now,
  });
  return { access, store, notices, events, released, owners, tick: (ms: number) => (now += ms) };
}

let n = 0;
const dm = (senderId: string, text = 'hi', over: Partial<InboundMessage> = {}): InboundMessage => ({
  channel: 'telegram',
  accountId: 'default',
  messageId: String(++n),
  senderId,
  senderName: `User ${senderId}`,
  peer: { kind: 'direct', id: senderId },
  text,
  timestampMs: 0,
  ...over,
});

describe('DM pairing', () => {
  it('an unknown sender gets one code, their messages are held, and approval releases them', async () => {
    const { access, notices, events, released, owners } = setup({ telegram: { botToken: 'x' } });
    expect(await access.gate(dm('42', 'first'))).toBe('drop');
    expect(await access.gate(dm('42', 'second'))).toBe('drop');
    // One reply per new request, not per message.
    expect(notices).toHaveLength(1);
    const code = /Pairing code: ([A-HJ-NP-Z2-9]{8})/.exec(notices[0]!.text)![1]!;
    expect(notices[0]!.text).toContain(`openclaw pairing approve telegram ${code}`);
    expect(notices[0]!.text).toContain('Your Telegram user id: 42');
    expect(notices[0]!.to).toEqual({ kind: 'direct', id: '42' });
    expect(events.find((e) => e.event === 'pairing')?.payload).toMatchObject({ type: 'requested', code, id: '42', channel: 'telegram' });

    const list = await access.list({ channel: 'telegram' });
    expect(list).toEqual([expect.objectContaining({ id: '42', code, accountId: 'default', meta: { name: 'User 42', heldMessages: 2 } })]);

    const approved = await access.approve({ channel: 'telegram', code: code.toLowerCase(), notify: true });
    expect(approved).toMatchObject({ senderId: '42', released: 2 });
    expect(released.map((m) => m.text)).toEqual(['first', 'second']);
    expect(notices.at(-1)!.text).toMatch(/access approved/);
    expect(owners).toEqual(['telegram:42']);
    expect(await access.list()).toEqual([]);
    // From now on the sender is let through.
    expect(await access.gate(dm('42', 'third'))).toBe('allow');
  });

  it('at most three requests are pending per account; the fourth stranger gets nothing', async () => {
    const { access, notices } = setup({ telegram: { botToken: 'x' } });
    for (const id of ['1', '2', '3', '4']) expect(await access.gate(dm(id))).toBe('drop');
    expect(notices.map((x) => x.to.id)).toEqual(['1', '2', '3']);
    expect((await access.list()).map((r) => r.id)).toEqual(['1', '2', '3']);
  });

  it('codes expire after an hour; a new message then starts a new request', async () => {
    const { access, notices, tick } = setup({ telegram: { botToken: 'x' } });
    await access.gate(dm('7'));
    const first = (await access.list())[0]!.code;
    tick(60 * 60 * 1000 + 1);
    expect(await access.list()).toEqual([]);
    await expect(access.approve({ channel: 'telegram', code: first })).rejects.toThrow(/no pending telegram pairing request with code/);
    await access.gate(dm('7'));
    expect(notices).toHaveLength(2);
    expect((await access.list())[0]!.code).not.toBe(first);
  });

  it('dismiss drops the request and its held messages', async () => {
    const { access, released } = setup({ telegram: { botToken: 'x' } });
    await access.gate(dm('9'));
    const { code } = (await access.list())[0]!;
    expect(await access.dismiss({ channel: 'telegram', code })).toMatchObject({ id: '9', dismissed: true });
    expect(await access.list()).toEqual([]);
    expect(released).toEqual([]);
    await expect(access.dismiss({ channel: 'telegram', code })).rejects.toThrow(/no pending/);
  });

  it('a code approves only on its own channel and account', async () => {
    const { access } = setup({ telegram: { botToken: 'x' }, discord: { token: 'y' } });
    await access.gate(dm('5'));
    const { code } = (await access.list())[0]!;
    await expect(access.approve({ channel: 'discord', code })).rejects.toThrow(/no pending discord/);
    await expect(access.approve({ channel: 'telegram', code, accountId: 'other' })).rejects.toThrow(/no pending/);
  });

  it('groups never get codes; personal-number channels default to allowlist (no codes to contacts)', async () => {
    const { access, notices } = setup({ telegram: { botToken: 'x' }, whatsapp: {} });
    expect(await access.gate(dm('5', 'hey @bot', { peer: { kind: 'group', id: '-100' }, mentioned: true }))).toBe('drop');
    expect(await access.gate(dm('+15550001', 'hi', { channel: 'whatsapp', peer: { kind: 'direct', id: '+15550001' } }))).toBe('drop');
    expect(notices).toEqual([]);
    // The owner's note-to-self still reaches the assistant.
    expect(await access.gate(dm('+15559999', 'note', { channel: 'whatsapp', peer: { kind: 'direct', id: '+15559999' }, fromOwner: true }))).toBe('allow');
  });
});

describe('outbound policy', () => {
  it('send may reach allowlisted and paired people, not strangers', async () => {
    const { access } = setup({ telegram: { botToken: 'x', allowFrom: ['1'] } });
    expect(await access.canSendTo('telegram', 'default', { kind: 'direct', id: '1' })).toBe(true);
    expect(await access.canSendTo('telegram', 'default', { kind: 'direct', id: '2' })).toBe(false);
    await access.gate(dm('2'));
    await access.approve({ channel: 'telegram', code: (await access.list())[0]!.code });
    expect(await access.canSendTo('telegram', 'default', { kind: 'direct', id: '2' })).toBe(true);
  });
});
