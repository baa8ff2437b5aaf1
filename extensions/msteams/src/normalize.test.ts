import { describe, expect, it } from 'vitest';
import { normalizeActivity, splitConversationId, threadConversationId } from './normalize.js';

const ctx = { channel: 'msteams', accountId: 'default', appId: 'app-1' };
const base = {
  type: 'message',
  id: '1700000000001',
  timestamp: '2026-12-01T10:00:00.000Z',
  serviceUrl: 'https://smba.trafficmanager.net/emea/',
  channelId: 'msteams',
  from: { id: '29:ann', name: 'Ann', aadObjectId: 'aad-ann' },
  recipient: { id: '28:app-1', name: 'OpenClaw' },
  conversation: { conversationType: 'personal', id: 'a:ann-dm', tenantId: 't-1' },
  text: 'hello',
};
const mention = { type: 'mention', mentioned: { id: '28:app-1', name: 'OpenClaw' }, text: '<at>OpenClaw</at>' };

describe('normalizeActivity', () => {
  it.each([
    ['personal chat', base, { peer: { kind: 'direct', id: '29:ann' }, text: 'hello', senderName: 'Ann', timestampMs: Date.parse(base.timestamp) }],
    [
      'channel root post mentioning the bot',
      { ...base, text: '<at>OpenClaw</at> deploy &lt;prod&gt;', entities: [mention], conversation: { conversationType: 'channel', isGroup: true, id: '19:c@thread.tacv2;messageid=1700000000001' } },
      { peer: { kind: 'group', id: '19:c@thread.tacv2' }, threadId: '1700000000001', parentPeer: { kind: 'group', id: '19:c@thread.tacv2' }, mentioned: true, text: 'deploy <prod>' },
    ],
    [
      'reply in a channel thread mentioning someone else',
      { ...base, id: '1700000000009', replyToId: '1700000000001', text: '<at>Bob</at> see above', entities: [{ type: 'mention', mentioned: { id: '29:bob', name: 'Bob' }, text: '<at>Bob</at>' }], conversation: { conversationType: 'channel', isGroup: true, id: '19:c@thread.tacv2;messageid=1700000000001' } },
      { peer: { kind: 'group', id: '19:c@thread.tacv2' }, threadId: '1700000000001', mentioned: false, text: '@Bob see above', replyToMessageId: '1700000000001' },
    ],
    ['group chat', { ...base, conversation: { conversationType: 'groupChat', isGroup: true, id: '19:g@thread.v2' } }, { peer: { kind: 'group', id: '19:g@thread.v2' }, mentioned: false }],
    [
      'a file, no text',
      { ...base, text: '', attachments: [{ contentType: 'application/vnd.microsoft.teams.file.download.info', name: 'a.pdf', content: { downloadUrl: 'https://x/a.pdf' } }, { contentType: 'text/html', content: '<p></p>' }] },
      { text: '', attachments: [{ kind: 'file', url: 'https://x/a.pdf', name: 'a.pdf' }] },
    ],
  ])('%s', (_name, activity, expected) => {
    const r = normalizeActivity(activity, ctx);
    expect(r.kind).toBe('message');
    if (r.kind === 'message') expect(r.msg).toMatchObject({ channel: 'msteams', senderId: '29:ann', messageId: activity.id, ...expected });
  });

  it('remembers the conversation without its thread suffix, with service URL and tenant', () => {
    const r = normalizeActivity({ ...base, conversation: { conversationType: 'channel', isGroup: true, id: '19:c@thread.tacv2;messageid=5' }, channelData: { tenant: { id: 't-2' } } }, ctx);
    expect(r).toMatchObject({ ref: { conversationId: '19:c@thread.tacv2', serviceUrl: base.serviceUrl, tenantId: 't-2' } });
  });

  it.each([
    ['conversationUpdate', { ...base, type: 'conversationUpdate' }, 'ignored'],
    ['invoke', { ...base, type: 'invoke', name: 'adaptiveCard/action' }, 'ignored'],
    ['a bot', { ...base, from: { id: '28:x', role: 'bot' } }, 'ignored'],
    ['only the mention', { ...base, text: '<at>OpenClaw</at>', entities: [mention] }, 'ignored'],
    ['no sender', { ...base, from: undefined }, 'invalid'],
    ['no serviceUrl', { ...base, serviceUrl: undefined }, 'invalid'],
    ['not an object', 'message', 'invalid'],
  ])('%s → %s', (_name, activity, kind) => {
    expect(normalizeActivity(activity, ctx).kind).toBe(kind);
  });

  it('splits and joins channel thread conversation ids', () => {
    expect(splitConversationId('19:c@thread.tacv2;messageid=123')).toEqual({ base: '19:c@thread.tacv2', threadId: '123' });
    expect(splitConversationId('a:dm')).toEqual({ base: 'a:dm' });
    expect(threadConversationId('19:c@thread.tacv2', '123')).toBe('19:c@thread.tacv2;messageid=123');
    expect(threadConversationId('a:dm')).toBe('a:dm');
  });
});
