import { describe, expect, it } from 'vitest';
import { isModeratorState, normalizeTwitchLine, normalizeWhisper, unescapeTag, type IrcLine } from './normalize.js';
import { checkTwitchConfig, resolveTwitchSettings } from './settings.js';

const ctx = { channel: 'twitch', accountId: 'default', botLogin: 'openclawbot', nextId: () => 'generated' };
const line = (params: string[], extra: Partial<IrcLine> = {}): IrcLine => ({ command: 'PRIVMSG', prefix: 'Ann!ann@ann.tmi.twitch.tv', params, tags: {}, ...extra });

describe('normalizeTwitchLine', () => {
  it.each([
    ['a room message', line(['#Stream', 'hello']), { peer: { kind: 'group', id: '#stream' }, senderId: 'ann', mentioned: false, messageId: 'generated' }],
    ['an @-mention', line(['#stream', 'hey @OpenClawBot!']), { mentioned: true }],
    ['a longer name is not a mention', line(['#stream', 'hey @openclawbot2']), { mentioned: false }],
    ['a reply to the bot', line(['#stream', 'sure'], { tags: { 'reply-parent-user-login': 'openclawbot', 'reply-parent-msg-id': 'p1' } }), { mentioned: true, replyToMessageId: 'p1' }],
    ['Twitch tags', line(['#stream', 'hi'], { tags: { id: 'abc-1', 'display-name': 'Ann\\sB', 'tmi-sent-ts': '1700000000000' } }), { messageId: 'abc-1', senderName: 'Ann B', timestampMs: 1_700_000_000_000 }],
    ['a /me action', line(['#stream', '\u0001ACTION waves\u0001']), { text: 'waves' }],
    ['a private message', line(['openclawbot', 'psst']), { peer: { kind: 'direct', id: 'ann' }, text: 'psst' }],
    ['a whisper', line(['openclawbot', 'psst'], { command: 'WHISPER' }), { peer: { kind: 'direct', id: 'ann' } }],
  ])('%s', (_name, l, expected) => {
    const r = normalizeTwitchLine(l, ctx);
    expect(r.kind).toBe('message');
    if (r.kind === 'message') expect(r.msg).toMatchObject({ channel: 'twitch', accountId: 'default', senderId: 'ann', ...expected });
  });

  it.each([
    ['the bot itself', line(['#stream', 'x'], { prefix: 'openclawbot!openclawbot@x' })],
    ['a private message for someone else', line(['bob', 'x'])],
    ['a notice', { command: 'NOTICE', prefix: 'tmi.twitch.tv', params: ['#stream', 'x'] }],
    ['an empty line', line(['#stream', '   '])],
    ['no sender', line(['#stream', 'x'], { prefix: null })],
  ])('ignores %s', (_name, l) => {
    expect(normalizeTwitchLine(l, ctx).kind).toBe('ignored');
  });

  it('unescapes IRCv3 tag values', () => {
    expect(unescapeTag('a\\sb\\:c\\\\d')).toBe('a b;c\\d');
    expect(unescapeTag(undefined)).toBeUndefined();
  });
});

describe('normalizeWhisper', () => {
  const wctx = { channel: 'twitch', accountId: 'default', botUserId: '900', nextId: () => 'generated' };
  const event = { from_user_id: '1', from_user_login: 'Ann', from_user_name: 'Ann B', to_user_id: '900', whisper_id: 'w1', whisper: { text: 'psst' } };
  it('is a direct message from the sender, by login, with the id for the reply', () => {
    expect(normalizeWhisper(event, wctx)).toMatchObject({
      kind: 'message',
      fromUserId: '1',
      msg: { senderId: 'ann', senderName: 'Ann B', peer: { kind: 'direct', id: 'ann' }, text: 'psst', messageId: 'w1' },
    });
  });
  it.each([
    ['for another user', { ...event, to_user_id: '901' }],
    ['from the bot', { ...event, from_user_id: '900' }],
    ['without text', { ...event, whisper: { text: ' ' } }],
    ['without a sender', { ...event, from_user_login: undefined }],
  ])('ignores a whisper %s', (_n, e) => {
    expect(normalizeWhisper(e, wctx).kind).toBe('ignored');
  });
});

describe('isModeratorState', () => {
  it.each([
    [{ mod: '1' }, true],
    [{ mod: '0', badges: 'broadcaster/1,premium/1' }, true],
    [{ badges: 'moderator/1' }, true],
    [{ mod: '0', badges: 'subscriber/12' }, false],
    [{}, false],
  ])('%o → %s', (tags, expected) => {
    expect(isModeratorState(tags)).toBe(expected);
  });
});

describe('Twitch settings', () => {
  it('needs a token and says where it comes from', () => {
    expect(checkTwitchConfig({})).toMatch(/accessToken/);
    expect(checkTwitchConfig({ accessToken: 'x', channels: ['no spaces allowed'] })).toMatch(/channels/);
    expect(checkTwitchConfig({ accessToken: 'x', chatUrl: 'http://x' })).toMatch(/chatUrl/);
    expect(checkTwitchConfig({ accessToken: 'x', helixUrl: 'ftp://x' })).toMatch(/helixUrl/);
    expect(checkTwitchConfig({ accessToken: 'x', eventSubUrl: 'http://x' })).toMatch(/eventSubUrl/);
    expect(checkTwitchConfig({ accessToken: 'x', whispers: 'yes' })).toMatch(/whispers/);
    expect(checkTwitchConfig({ accessToken: 'oauth:x', channels: ['#Stream', 'other'] })).toBeUndefined();
  });
  it('serves Helix from the API root override', () => {
    expect(resolveTwitchSettings({ accessToken: 'x', apiRoot: 'http://127.0.0.1:9/' }, 60_000)).toMatchObject({ idRoot: 'http://127.0.0.1:9', helixUrl: 'http://127.0.0.1:9/helix' });
  });
  it('applies defaults', () => {
    expect(resolveTwitchSettings({ accessToken: 'oauth:abc', channels: ['#Stream', 'stream'] }, 60_000)).toEqual({
      accessToken: 'abc',
      username: undefined,
      channels: ['#stream'],
      chat: { server: 'irc-ws.chat.twitch.tv', port: 443, secure: true },
      idRoot: 'https://id.twitch.tv',
      helixUrl: 'https://api.twitch.tv/helix',
      eventSubUrl: 'wss://eventsub.wss.twitch.tv/ws',
      whispers: true,
      livenessMs: 60_000,
    });
  });
});
