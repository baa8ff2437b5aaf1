import { describe, expect, it } from 'vitest';
import type { SessionConfig } from './config-schema.js';
import type { InboundMessage } from './inbound.js';
import {
  buildAgentPeerSessionKey,
  buildMainSessionKey,
  isMainSessionKey,
  normalizeSessionKey,
  parseSessionKey,
  resolveLinkedIdentity,
  resolveSessionKeyForInbound,
  type AgentPeerSessionKeyParams,
  type ParsedSessionKey,
} from './session-key.js';

const dm = (id: string) => ({ kind: 'direct' as const, id });
const group = (id: string) => ({ kind: 'group' as const, id });
const channel = (id: string) => ({ kind: 'channel' as const, id });

function message(overrides: Partial<InboundMessage>): InboundMessage {
  return {
    channel: 'telegram',
    accountId: 'default',
    messageId: 'm1',
    senderId: '123',
    peer: dm('123'),
    text: 'hi',
    timestampMs: 0,
    ...overrides,
  };
}

describe('buildMainSessionKey', () => {
  it.each<[{ agentId: string; mainKey?: string }, string]>([
    [{ agentId: 'main' }, 'agent:main:main'],
    [{ agentId: 'Work' }, 'agent:work:main'],
    [{ agentId: 'main', mainKey: 'Home' }, 'agent:main:home'],
    [{ agentId: 'main', mainKey: '  ' }, 'agent:main:main'],
    [{ agentId: '' }, 'agent:main:main'],
    [{ agentId: 'My Agent' }, 'agent:my-agent:main'],
  ])('%j → %s', (params, expected) => {
    expect(buildMainSessionKey(params)).toBe(expected);
  });
});

describe('buildAgentPeerSessionKey', () => {
  const base = { agentId: 'main', channel: 'telegram', peer: dm('123'), dmScope: 'main' } satisfies AgentPeerSessionKeyParams;

  it.each<[string, Partial<AgentPeerSessionKeyParams>, string]>([
    // DM scopes
    ['dmScope main', {}, 'agent:main:main'],
    ['dmScope main with a custom mainKey', { mainKey: 'home' }, 'agent:main:home'],
    ['dmScope per-peer', { dmScope: 'per-peer' }, 'agent:main:direct:123'],
    ['dmScope per-channel-peer (compat 11)', { dmScope: 'per-channel-peer' }, 'agent:main:telegram:direct:123'],
    ['dmScope per-account-channel-peer, default account', { dmScope: 'per-account-channel-peer' }, 'agent:main:telegram:default:direct:123'],
    ['dmScope per-account-channel-peer, named account', { dmScope: 'per-account-channel-peer', accountId: 'Work' }, 'agent:main:telegram:work:direct:123'],
    ['per-channel-peer ignores the account', { dmScope: 'per-channel-peer', accountId: 'work' }, 'agent:main:telegram:direct:123'],
    // groups and channels
    ['Telegram group (compat 11)', { peer: group('-1001234567890') }, 'agent:main:telegram:group:-1001234567890'],
    ['group key does not depend on dmScope', { peer: group('-100'), dmScope: 'per-peer' }, 'agent:main:telegram:group:-100'],
    ['groupScope per-group', { peer: group('-100'), groupScope: 'per-group' }, 'agent:main:telegram:group:-100'],
    ['groupScope main collapses', { peer: group('-100'), groupScope: 'main' }, 'agent:main:main'],
    ['groupScope main collapses a channel too', { channel: 'discord', peer: channel('1'), groupScope: 'main', mainKey: 'home' }, 'agent:main:home'],
    ['Discord channel', { channel: 'discord', peer: channel('123456') }, 'agent:main:discord:channel:123456'],
    // threads and topics (reference examples)
    ['Telegram forum topic', { peer: group('-1001234567890'), topicId: '42' }, 'agent:main:telegram:group:-1001234567890:topic:42'],
    ['Discord thread', { channel: 'discord', peer: channel('123456'), threadId: '987654' }, 'agent:main:discord:channel:123456:thread:987654'],
    ['topic before thread', { peer: group('g'), topicId: '1', threadId: '2' }, 'agent:main:telegram:group:g:topic:1:thread:2'],
    ['thread on a per-peer DM', { dmScope: 'per-channel-peer', channel: 'slack', peer: dm('U1'), threadId: '1700.1' }, 'agent:main:slack:direct:u1:thread:1700.1'],
    ['thread dropped when the DM collapses to main', { threadId: '9' }, 'agent:main:main'],
    ['topic dropped when the group collapses to main', { peer: group('g'), groupScope: 'main', topicId: '9' }, 'agent:main:main'],
    ['blank thread id adds nothing', { peer: group('g'), threadId: '  ' }, 'agent:main:telegram:group:g'],
    // normalisation
    ['lowercases agent, channel and peer', { agentId: 'Work', channel: 'Slack', peer: channel('C0ABC'), threadId: 'T1' }, 'agent:work:slack:channel:c0abc:thread:t1'],
    ['sanitises the agent id', { agentId: 'Sales Team!', dmScope: 'per-peer' }, 'agent:sales-team:direct:123'],
    ['trims peer ids', { dmScope: 'per-peer', peer: dm('  42 ') }, 'agent:main:direct:42'],
    ['keeps Matrix-style peer ids', { channel: 'matrix', peer: group('!Room:Example.org') }, 'agent:main:matrix:group:!room:example.org'],
    ['inner whitespace in a peer id becomes -', { peer: group('a b\tc') }, 'agent:main:telegram:group:a-b-c'],
    ['missing channel → unknown', { channel: '', peer: group('g') }, 'agent:main:unknown:group:g'],
    ['missing group id → unknown', { peer: group(' ') }, 'agent:main:telegram:group:unknown'],
    ['missing channel on a DM → unknown', { channel: ' ', dmScope: 'per-channel-peer' }, 'agent:main:unknown:direct:123'],
    ['missing account → default', { dmScope: 'per-account-channel-peer', accountId: '' }, 'agent:main:telegram:default:direct:123'],
    ['DM without a peer id goes to main', { dmScope: 'per-channel-peer', peer: dm('') }, 'agent:main:main'],
    // global
    ['scope global', { scope: 'global', dmScope: 'per-peer' }, 'global'],
    ['scope global for groups', { scope: 'global', peer: group('g') }, 'global'],
    ['scope per-sender is the normal path', { scope: 'per-sender', dmScope: 'per-peer' }, 'agent:main:direct:123'],
  ])('%s', (_name, overrides, expected) => {
    expect(buildAgentPeerSessionKey({ ...base, ...overrides })).toBe(expected);
  });

  describe('identity links', () => {
    const identityLinks = { alice: ['telegram:123', 'Discord:U-9'], Bob: ['555'] };
    it.each<[string, Partial<AgentPeerSessionKeyParams>, string]>([
      ['channel-prefixed entry, per-peer', { dmScope: 'per-peer' }, 'agent:main:direct:alice'],
      ['channel-prefixed entry, per-channel-peer', { dmScope: 'per-channel-peer' }, 'agent:main:telegram:direct:alice'],
      ['channel-prefixed entry, per-account-channel-peer', { dmScope: 'per-account-channel-peer', accountId: 'work' }, 'agent:main:telegram:work:direct:alice'],
      ['prefix is case-insensitive', { dmScope: 'per-peer', channel: 'discord', peer: dm('u-9') }, 'agent:main:direct:alice'],
      ['same id on another channel does not match a prefixed entry', { dmScope: 'per-peer', channel: 'discord', peer: dm('123') }, 'agent:main:direct:123'],
      ['bare entry matches on any channel', { dmScope: 'per-channel-peer', channel: 'whatsapp', peer: dm('555') }, 'agent:main:whatsapp:direct:bob'],
      ['bare entry on telegram', { dmScope: 'per-peer', peer: dm('555') }, 'agent:main:direct:bob'],
      ['unlinked peer unchanged', { dmScope: 'per-peer', peer: dm('999') }, 'agent:main:direct:999'],
      ['not applied when dmScope is main', { dmScope: 'main' }, 'agent:main:main'],
      ['not applied to groups', { dmScope: 'per-peer', peer: group('555') }, 'agent:main:telegram:group:555'],
    ])('%s', (_name, overrides, expected) => {
      expect(buildAgentPeerSessionKey({ ...base, identityLinks, ...overrides })).toBe(expected);
    });

    it('first canonical entry wins when two list the same peer', () => {
      expect(resolveLinkedIdentity({ identityLinks: { first: ['1'], second: ['telegram:1'] }, channel: 'telegram', peerId: '1' })).toBe('first');
    });

    it('ignores blank canonical names and non-array values', () => {
      const links = { ' ': ['1'], broken: 'nope' as unknown as string[] };
      expect(resolveLinkedIdentity({ identityLinks: links, channel: 'telegram', peerId: '1' })).toBeUndefined();
    });
  });
});

describe('resolveSessionKeyForInbound', () => {
  const session = (s: SessionConfig): SessionConfig => s;
  it.each<[string, Parameters<typeof resolveSessionKeyForInbound>[0], string]>([
    ['no session config: a DM from someone else gets its own session', { msg: message({}), agentId: 'main', session: undefined }, 'agent:main:telegram:direct:123'],
    ["no session config: the owner's DM → main", { msg: message({}), agentId: 'main', session: undefined, fromOwner: true }, 'agent:main:main'],
    ['dmScope main in the config: every DM → main (compat 11)', { msg: message({}), agentId: 'main', session: session({ dmScope: 'main' }) }, 'agent:main:main'],
    ['per-channel-peer (compat 11)', { msg: message({}), agentId: 'main', session: session({ dmScope: 'per-channel-peer' }) }, 'agent:main:telegram:direct:123'],
    ['Telegram group (compat 11)', { msg: message({ peer: group('-1001234567890') }), agentId: 'main', session: undefined }, 'agent:main:telegram:group:-1001234567890'],
    ['forum topic', { msg: message({ peer: group('-1001234567890'), topicId: '42' }), agentId: 'main', session: undefined }, 'agent:main:telegram:group:-1001234567890:topic:42'],
    ['Discord thread', { msg: message({ channel: 'discord', peer: channel('123456'), threadId: '987654' }), agentId: 'main', session: undefined }, 'agent:main:discord:channel:123456:thread:987654'],
    ['account from the message', { msg: message({ accountId: 'work' }), agentId: 'ops', session: session({ dmScope: 'per-account-channel-peer' }) }, 'agent:ops:telegram:work:direct:123'],
    ['binding dmScope overrides config', { msg: message({}), agentId: 'main', session: session({ dmScope: 'main' }), bindingSession: { dmScope: 'per-peer' } }, 'agent:main:direct:123'],
    ['binding groupScope overrides config', { msg: message({ peer: group('g') }), agentId: 'main', session: session({ groupScope: 'per-group' }), bindingSession: { groupScope: 'main' } }, 'agent:main:main'],
    ['binding session without a field keeps config', { msg: message({}), agentId: 'main', session: session({ dmScope: 'per-peer' }), bindingSession: {} }, 'agent:main:direct:123'],
    ['mainKey and identity links from config', { msg: message({}), agentId: 'main', session: session({ mainKey: 'home', identityLinks: { me: ['telegram:123'] }, dmScope: 'per-peer' }) }, 'agent:main:direct:me'],
    ['custom mainKey', { msg: message({}), agentId: 'main', session: session({ mainKey: 'home' }), fromOwner: true }, 'agent:main:home'],
    ['global scope', { msg: message({ peer: group('g') }), agentId: 'main', session: session({ scope: 'global' }) }, 'global'],
  ])('%s', (_name, params, expected) => {
    expect(resolveSessionKeyForInbound(params)).toBe(expected);
  });
});

describe('parseSessionKey', () => {
  it.each<[string, ParsedSessionKey]>([
    ['agent:main:main', { agentId: 'main', rest: 'main', kind: 'main' }],
    ['agent:main:work', { agentId: 'main', rest: 'work', kind: 'other' }],
    ['agent:main:direct:123', { agentId: 'main', rest: 'direct:123', kind: 'direct', peerId: '123' }],
    ['agent:main:telegram:direct:123', { agentId: 'main', rest: 'telegram:direct:123', kind: 'direct', channel: 'telegram', peerId: '123' }],
    ['agent:main:telegram:dm:123', { agentId: 'main', rest: 'telegram:dm:123', kind: 'direct', channel: 'telegram', peerId: '123' }],
    ['agent:main:telegram:work:direct:123', { agentId: 'main', rest: 'telegram:work:direct:123', kind: 'direct', channel: 'telegram', accountId: 'work', peerId: '123' }],
    ['agent:main:telegram:group:-1001234567890', { agentId: 'main', rest: 'telegram:group:-1001234567890', kind: 'group', channel: 'telegram', peerId: '-1001234567890' }],
    [
      'agent:main:telegram:group:-1001234567890:topic:42',
      { agentId: 'main', rest: 'telegram:group:-1001234567890:topic:42', kind: 'group', channel: 'telegram', peerId: '-1001234567890', topicId: '42' },
    ],
    [
      'agent:main:discord:channel:123456:thread:987654',
      { agentId: 'main', rest: 'discord:channel:123456:thread:987654', kind: 'channel', channel: 'discord', peerId: '123456', threadId: '987654' },
    ],
    [
      'agent:main:telegram:group:g:topic:1:thread:2',
      { agentId: 'main', rest: 'telegram:group:g:topic:1:thread:2', kind: 'group', channel: 'telegram', peerId: 'g', topicId: '1', threadId: '2' },
    ],
    ['agent:main:matrix:group:!room:example.org', { agentId: 'main', rest: 'matrix:group:!room:example.org', kind: 'group', channel: 'matrix', peerId: '!room:example.org' }],
    ['agent:main:subagent:abc:def', { agentId: 'main', rest: 'subagent:abc:def', kind: 'subagent' }],
    ['agent:main:cron:nightly', { agentId: 'main', rest: 'cron:nightly', kind: 'other' }],
    ['agent:main:main:thread:9', { agentId: 'main', rest: 'main:thread:9', kind: 'main', threadId: '9' }],
    ['agent:main:x:constructor:1', { agentId: 'main', rest: 'x:constructor:1', kind: 'other' }],
    ['  Agent:Work:Main ', { agentId: 'work', rest: 'main', kind: 'main' }],
  ])('%s', (key, expected) => {
    expect(parseSessionKey(key)).toEqual(expected);
  });

  it('uses mainKey to recognise the main session', () => {
    expect(parseSessionKey('agent:main:home', { mainKey: 'Home' })?.kind).toBe('main');
    expect(parseSessionKey('agent:main:main', { mainKey: 'home' })?.kind).toBe('other');
  });

  it.each(['', 'global', 'main', 'agent', 'agent:', 'agent:main', 'agent:main:', 'agent::main', 'agent:main::x', 'session:main:main', 'telegram:direct:123'])(
    'rejects %j',
    (key) => {
      expect(parseSessionKey(key)).toBeUndefined();
    },
  );
});

describe('parseSessionKey(buildAgentPeerSessionKey(x)) round trip', () => {
  it.each<[AgentPeerSessionKeyParams, Partial<ParsedSessionKey>]>([
    [{ agentId: 'Ops', channel: 'telegram', peer: dm('123'), dmScope: 'main' }, { agentId: 'ops', kind: 'main' }],
    [{ agentId: 'ops', channel: 'telegram', peer: dm('123'), dmScope: 'per-peer' }, { agentId: 'ops', kind: 'direct', peerId: '123' }],
    [{ agentId: 'ops', channel: 'Telegram', peer: dm('123'), dmScope: 'per-channel-peer' }, { kind: 'direct', channel: 'telegram', peerId: '123' }],
    [
      { agentId: 'ops', channel: 'telegram', accountId: 'Work', peer: dm('123'), dmScope: 'per-account-channel-peer' },
      { kind: 'direct', channel: 'telegram', accountId: 'work', peerId: '123' },
    ],
    [{ agentId: 'ops', channel: 'telegram', peer: group('-100'), dmScope: 'main', topicId: '42' }, { kind: 'group', channel: 'telegram', peerId: '-100', topicId: '42' }],
    [{ agentId: 'ops', channel: 'discord', peer: channel('1'), dmScope: 'main', threadId: '2' }, { kind: 'channel', channel: 'discord', peerId: '1', threadId: '2' }],
    [{ agentId: 'ops', channel: 'slack', peer: dm('U1'), dmScope: 'per-channel-peer', threadId: '3' }, { kind: 'direct', channel: 'slack', peerId: 'u1', threadId: '3' }],
    [{ agentId: 'ops', channel: 'matrix', peer: group('!r:host'), dmScope: 'main', threadId: '$e' }, { kind: 'group', channel: 'matrix', peerId: '!r:host', threadId: '$e' }],
    [{ agentId: 'ops', channel: 'telegram', peer: dm('123'), dmScope: 'per-peer', identityLinks: { Alice: ['123'] } }, { kind: 'direct', peerId: 'alice' }],
  ])('%j', (params, expected) => {
    const key = buildAgentPeerSessionKey(params);
    const parsed = parseSessionKey(key);
    expect(parsed).toMatchObject({ ...expected, rest: key.split(':').slice(2).join(':') });
    expect(normalizeSessionKey(key, 'main')).toBe(key);
  });
});

describe('isMainSessionKey', () => {
  it.each<[string, boolean]>([
    ['agent:main:main', true],
    ['agent:work:main', true],
    ['AGENT:Main:MAIN', true],
    ['global', true],
    ['agent:main:direct:123', false],
    ['agent:main:telegram:group:-100', false],
    ['agent:main:main:thread:1', false],
    ['agent:main:work', false],
    ['agent:main:subagent:x', false],
    ['main', false],
    ['', false],
  ])('%s → %s', (key, expected) => {
    expect(isMainSessionKey(key)).toBe(expected);
  });

  it('honours a custom mainKey', () => {
    expect(isMainSessionKey('agent:main:home', { mainKey: 'home' })).toBe(true);
    expect(isMainSessionKey('agent:main:main', { mainKey: 'home' })).toBe(false);
  });
});

describe('normalizeSessionKey', () => {
  it.each<[string, string, string | undefined]>([
    ['main', 'main', 'agent:main:main'],
    ['main', 'Work', 'agent:work:main'],
    [' MAIN ', 'main', 'agent:main:main'],
    ['agent:Work:Main', 'main', 'agent:work:main'],
    ['agent:my_agent:main', 'main', 'agent:my-agent:main'],
    ['agent:main:telegram:direct:123', 'work', 'agent:main:telegram:direct:123'],
    ['work', 'main', 'agent:main:work'],
    ['telegram:group:-100', 'ops', 'agent:ops:telegram:group:-100'],
    ['global', 'main', 'global'],
    ['agent:*:explicit:model-run-1', 'main', 'agent:*:explicit:model-run-1'],
    // rejected
    ['', 'main', undefined],
    ['   ', 'main', undefined],
    ['agent:main:my session', 'main', undefined],
    ['agent:main:a\tb', 'main', undefined],
    ['agent:main:a\u0000b', 'main', undefined],
    ['agent:main:a\u007fb', 'main', undefined],
    ['agent:main', 'main', undefined],
    ['agent:', 'main', undefined],
    ['agent', 'main', undefined],
    ['agent::main', 'main', undefined],
    ['a::b', 'main', undefined],
    [':main', 'main', undefined],
    ['main:', 'main', undefined],
  ])('%j (default %s) → %j', (input, defaultAgentId, expected) => {
    expect(normalizeSessionKey(input, defaultAgentId)).toBe(expected);
  });

  it('accepts 512 characters and rejects 513', () => {
    const prefix = 'agent:main:';
    expect(normalizeSessionKey(prefix + 'x'.repeat(512 - prefix.length), 'main')).toHaveLength(512);
    expect(normalizeSessionKey(prefix + 'x'.repeat(513 - prefix.length), 'main')).toBeUndefined();
  });
});
