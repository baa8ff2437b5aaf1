import { describe, expect, it } from 'vitest';
import type { Binding } from './config-schema.js';
import type { InboundMessage } from './inbound.js';
import { resolveAgentRoute, type RouteMatchTier } from './routing.js';

function message(overrides: Partial<InboundMessage> = {}): InboundMessage {
  return {
    channel: 'discord',
    accountId: 'default',
    messageId: 'm1',
    senderId: 'u1',
    peer: { kind: 'channel', id: 'c1' },
    text: 'hi',
    timestampMs: 0,
    ...overrides,
  };
}

const bind = (agentId: string, match: Binding['match'], session?: Binding['session']): Binding => ({ agentId, match, ...(session ? { session } : {}) });

const agents = { ids: ['main', 'peer', 'parent', 'wild', 'roles', 'guild', 'team', 'account', 'channel', 'first', 'second'], defaultAgentId: 'main' };

// One binding per tier, all matching the same Discord thread message in a guild.
const threadMsg = message({
  peer: { kind: 'channel', id: 'thread-1' },
  parentPeer: { kind: 'channel', id: 'c1' },
  threadId: 'thread-1',
  guildId: 'g1',
  memberRoleIds: ['r1', 'r2'],
  teamId: 't1',
  accountId: 'bot2',
});
const tierBindings: Record<Exclude<RouteMatchTier, 'default'>, Binding> = {
  peer: bind('peer', { channel: 'discord', accountId: '*', peer: { kind: 'channel', id: 'thread-1' } }),
  'parent-peer': bind('parent', { channel: 'discord', accountId: '*', peer: { kind: 'channel', id: 'c1' } }),
  'peer-wildcard': bind('wild', { channel: 'discord', accountId: '*', peer: { kind: 'channel', id: '*' } }),
  'guild-roles': bind('roles', { channel: 'discord', accountId: '*', guildId: 'g1', roles: ['r2'] }),
  guild: bind('guild', { channel: 'discord', accountId: '*', guildId: 'g1' }),
  team: bind('team', { channel: 'discord', accountId: '*', teamId: 't1' }),
  account: bind('account', { channel: 'discord', accountId: 'bot2' }),
  channel: bind('channel', { channel: 'discord', accountId: '*' }),
};
const tiers = Object.keys(tierBindings) as Exclude<RouteMatchTier, 'default'>[];

describe('resolveAgentRoute: tier precedence', () => {
  // Each row removes the tiers above it: the highest remaining tier wins over every lower one,
  // whatever order the bindings are listed in.
  it.each(tiers.map((tier, i) => [tier, tiers.slice(i)] as const))('%s beats every lower tier', (tier, remaining) => {
    for (const bindings of [remaining.map((t) => tierBindings[t]), remaining.map((t) => tierBindings[t]).reverse()]) {
      const route = resolveAgentRoute({ msg: threadMsg, bindings, agents });
      expect(route.matchedBy).toBe(tier);
      expect(route.binding).toBe(tierBindings[tier]);
      expect(route.agentId).toBe(tierBindings[tier].agentId);
    }
  });

  it('falls back to the default agent when nothing matches', () => {
    const route = resolveAgentRoute({ msg: threadMsg, bindings: [bind('peer', { channel: 'telegram', accountId: '*' })], agents });
    expect(route).toEqual({ agentId: 'main', matchedBy: 'default', skipped: [] });
  });

  it('falls back with no bindings at all, normalising the default id', () => {
    expect(resolveAgentRoute({ msg: message(), bindings: [], agents: { ids: ['Ops'], defaultAgentId: 'Ops' } })).toEqual({
      agentId: 'ops',
      matchedBy: 'default',
      skipped: [],
    });
  });
});

describe('resolveAgentRoute: matching rules', () => {
  const route = (msg: InboundMessage, bindings: Binding[]) => {
    const r = resolveAgentRoute({ msg, bindings, agents });
    return [r.matchedBy, r.agentId];
  };

  it.each<[string, InboundMessage, Binding[], [RouteMatchTier, string]]>([
    // channel
    ['channel must match', message({ channel: 'slack' }), [bind('channel', { channel: 'discord', accountId: '*' })], ['default', 'main']],
    ['channel compares case-insensitively', message(), [bind('channel', { channel: 'Discord', accountId: '*' })], ['channel', 'channel']],
    // accountId
    ['no accountId matches the default account', message(), [bind('channel', { channel: 'discord' })], ['channel', 'channel']],
    ['no accountId does not match another account', message({ accountId: 'bot2' }), [bind('channel', { channel: 'discord' })], ['default', 'main']],
    ['accountId * matches any account', message({ accountId: 'bot2' }), [bind('channel', { channel: 'discord', accountId: '*' })], ['channel', 'channel']],
    ['accountId default is an account binding', message(), [bind('account', { channel: 'discord', accountId: 'default' })], ['account', 'account']],
    ['account binding for another account does not match', message(), [bind('account', { channel: 'discord', accountId: 'bot2' })], ['default', 'main']],
    ['account ids compare case-insensitively', message({ accountId: 'Bot2' }), [bind('account', { channel: 'discord', accountId: 'bot2' })], ['account', 'account']],
    [
      'account tier beats a channel binding listed first',
      message({ accountId: 'bot2' }),
      [bind('channel', { channel: 'discord', accountId: '*' }), bind('account', { channel: 'discord', accountId: 'bot2' })],
      ['account', 'account'],
    ],
    [
      'peer binding is restricted by its accountId too',
      message({ accountId: 'bot2' }),
      [bind('peer', { channel: 'discord', accountId: 'bot1', peer: { kind: 'channel', id: 'c1' } })],
      ['default', 'main'],
    ],
    [
      'peer binding without accountId only matches the default account',
      message({ accountId: 'bot2' }),
      [bind('peer', { channel: 'discord', peer: { kind: 'channel', id: 'c1' } })],
      ['default', 'main'],
    ],
    // peers
    ['exact peer', message(), [bind('peer', { channel: 'discord', peer: { kind: 'channel', id: 'c1' } })], ['peer', 'peer']],
    ['peer kind must match', message(), [bind('peer', { channel: 'discord', peer: { kind: 'group', id: 'c1' } })], ['default', 'main']],
    ['peer id compares case-insensitively', message({ channel: 'slack', peer: { kind: 'channel', id: 'C0ABC' } }), [bind('peer', { channel: 'slack', peer: { kind: 'channel', id: 'c0abc' } })], ['peer', 'peer']],
    ['Telegram group id with minus', message({ channel: 'telegram', peer: { kind: 'group', id: '-100123' } }), [bind('peer', { channel: 'telegram', peer: { kind: 'group', id: '-100123' } })], ['peer', 'peer']],
    ['direct peer', message({ channel: 'telegram', peer: { kind: 'direct', id: '42' } }), [bind('peer', { channel: 'telegram', peer: { kind: 'direct', id: '42' } })], ['peer', 'peer']],
    ['wildcard matches any peer of its kind', message({ peer: { kind: 'channel', id: 'zzz' } }), [bind('wild', { channel: 'discord', peer: { kind: 'channel', id: '*' } })], ['peer-wildcard', 'wild']],
    ['wildcard of another kind does not match', message(), [bind('wild', { channel: 'discord', peer: { kind: 'direct', id: '*' } })], ['default', 'main']],
    [
      'direct wildcard catches DMs, groups fall through',
      message({ channel: 'telegram', peer: { kind: 'group', id: '-1' } }),
      [bind('wild', { channel: 'telegram', peer: { kind: 'direct', id: '*' } }), bind('channel', { channel: 'telegram' })],
      ['channel', 'channel'],
    ],
    // parent peer
    [
      'thread inherits the parent binding',
      message({ peer: { kind: 'channel', id: 't9' }, parentPeer: { kind: 'channel', id: 'c1' } }),
      [bind('parent', { channel: 'discord', peer: { kind: 'channel', id: 'c1' } })],
      ['parent-peer', 'parent'],
    ],
    [
      'exact thread binding beats its parent binding listed first',
      message({ peer: { kind: 'channel', id: 't9' }, parentPeer: { kind: 'channel', id: 'c1' } }),
      [bind('parent', { channel: 'discord', peer: { kind: 'channel', id: 'c1' } }), bind('peer', { channel: 'discord', peer: { kind: 'channel', id: 't9' } })],
      ['peer', 'peer'],
    ],
    [
      'no parentPeer, no inheritance',
      message({ peer: { kind: 'channel', id: 't9' } }),
      [bind('parent', { channel: 'discord', peer: { kind: 'channel', id: 'c1' } })],
      ['default', 'main'],
    ],
    // guilds and roles
    ['guild', message({ guildId: 'g1' }), [bind('guild', { channel: 'discord', guildId: 'g1' })], ['guild', 'guild']],
    ['other guild', message({ guildId: 'g2' }), [bind('guild', { channel: 'discord', guildId: 'g1' })], ['default', 'main']],
    ['guild binding needs a guild on the message', message(), [bind('guild', { channel: 'discord', guildId: 'g1' })], ['default', 'main']],
    ['roles intersect', message({ guildId: 'g1', memberRoleIds: ['r1', 'r5'] }), [bind('roles', { channel: 'discord', guildId: 'g1', roles: ['r5', 'r9'] })], ['guild-roles', 'roles']],
    ['roles disjoint', message({ guildId: 'g1', memberRoleIds: ['r1'] }), [bind('roles', { channel: 'discord', guildId: 'g1', roles: ['r9'] })], ['default', 'main']],
    ['roles without member roles', message({ guildId: 'g1' }), [bind('roles', { channel: 'discord', guildId: 'g1', roles: ['r9'] })], ['default', 'main']],
    ['roles in the wrong guild', message({ guildId: 'g2', memberRoleIds: ['r9'] }), [bind('roles', { channel: 'discord', guildId: 'g1', roles: ['r9'] })], ['default', 'main']],
    ['empty roles is a plain guild binding', message({ guildId: 'g1' }), [bind('guild', { channel: 'discord', guildId: 'g1', roles: [] })], ['guild', 'guild']],
    ['roles without guildId compete as guild-roles', message({ guildId: 'gx', memberRoleIds: ['r9'] }), [bind('roles', { channel: 'discord', roles: ['r9'] })], ['guild-roles', 'roles']],
    [
      'guild+roles beats guild listed first',
      message({ guildId: 'g1', memberRoleIds: ['r1'] }),
      [bind('guild', { channel: 'discord', guildId: 'g1' }), bind('roles', { channel: 'discord', guildId: 'g1', roles: ['r1'] })],
      ['guild-roles', 'roles'],
    ],
    [
      'role mismatch falls through to the guild binding',
      message({ guildId: 'g1', memberRoleIds: ['r1'] }),
      [bind('roles', { channel: 'discord', guildId: 'g1', roles: ['r9'] }), bind('guild', { channel: 'discord', guildId: 'g1' })],
      ['guild', 'guild'],
    ],
    [
      'peer binding with a guild requires both',
      message({ guildId: 'g2' }),
      [bind('peer', { channel: 'discord', guildId: 'g1', peer: { kind: 'channel', id: 'c1' } })],
      ['default', 'main'],
    ],
    // team
    ['team', message({ channel: 'slack', teamId: 'T1' }), [bind('team', { channel: 'slack', teamId: 't1' })], ['team', 'team']],
    ['other team', message({ channel: 'slack', teamId: 'T2' }), [bind('team', { channel: 'slack', teamId: 'T1' })], ['default', 'main']],
  ])('%s', (_name, msg, bindings, expected) => {
    expect(route(msg, bindings)).toEqual(expected);
  });

  it.each<[string, InboundMessage, Binding[]]>([
    ['peer', message(), [bind('first', { channel: 'discord', peer: { kind: 'channel', id: 'c1' } }), bind('second', { channel: 'discord', peer: { kind: 'channel', id: 'c1' } })]],
    ['peer-wildcard', message(), [bind('first', { channel: 'discord', peer: { kind: 'channel', id: '*' } }), bind('second', { channel: 'discord', peer: { kind: 'channel', id: '*' } })]],
    ['guild', message({ guildId: 'g1' }), [bind('first', { channel: 'discord', guildId: 'g1' }), bind('second', { channel: 'discord', guildId: 'g1' })]],
    ['account', message(), [bind('first', { channel: 'discord', accountId: 'default' }), bind('second', { channel: 'discord', accountId: 'default' })]],
    ['channel', message(), [bind('first', { channel: 'discord' }), bind('second', { channel: 'discord', accountId: '*' })]],
  ])('within the %s tier the first binding in the list wins', (tier, msg, bindings) => {
    expect(route(msg, bindings)).toEqual([tier, 'first']);
    expect(route(msg, [...bindings].reverse())).toEqual([tier, 'second']);
  });

  it('returns the winning binding so its session overrides can be applied', () => {
    const winner = bind('peer', { channel: 'discord', peer: { kind: 'channel', id: 'c1' } }, { groupScope: 'main' });
    expect(resolveAgentRoute({ msg: message(), bindings: [winner], agents }).binding).toBe(winner);
  });
});

describe('resolveAgentRoute: agent ids', () => {
  it('normalises binding and configured agent ids', () => {
    const route = resolveAgentRoute({
      msg: message(),
      bindings: [bind(' Sales Team ', { channel: 'discord' })],
      agents: { ids: ['sales_team'], defaultAgentId: 'main' },
    });
    expect(route).toMatchObject({ agentId: 'sales-team', matchedBy: 'channel', skipped: [] });
  });

  it('skips a binding to an unknown agent and reports it', () => {
    const bindings = [
      bind('ghost', { channel: 'discord', peer: { kind: 'channel', id: 'c1' } }),
      bind('Phantom', { channel: 'discord', guildId: 'g1' }),
      bind('channel', { channel: 'discord' }),
    ];
    expect(resolveAgentRoute({ msg: message({ guildId: 'g1' }), bindings, agents })).toEqual({
      agentId: 'channel',
      matchedBy: 'channel',
      binding: bindings[2],
      skipped: [
        { agentId: 'ghost', reason: 'unknown-agent', bindingIndex: 0 },
        { agentId: 'phantom', reason: 'unknown-agent', bindingIndex: 1 },
      ],
    });
  });

  it('an unknown agent in a tier lets the next binding of the same tier win', () => {
    const bindings = [bind('ghost', { channel: 'discord' }), bind('second', { channel: 'discord' })];
    expect(resolveAgentRoute({ msg: message(), bindings, agents })).toMatchObject({ agentId: 'second', matchedBy: 'channel', skipped: [{ agentId: 'ghost' }] });
  });

  it('falls back to the default with every matching binding reported once', () => {
    // Matches as exact peer and as parent peer; reported once.
    const msg = message({ peer: { kind: 'channel', id: 'c1' }, parentPeer: { kind: 'channel', id: 'c1' } });
    const route = resolveAgentRoute({ msg, bindings: [bind('ghost', { channel: 'discord', peer: { kind: 'channel', id: 'c1' } })], agents });
    expect(route).toEqual({ agentId: 'main', matchedBy: 'default', skipped: [{ agentId: 'ghost', reason: 'unknown-agent', bindingIndex: 0 }] });
  });

  it('does not report unknown agents whose bindings do not match the message', () => {
    const route = resolveAgentRoute({ msg: message(), bindings: [bind('ghost', { channel: 'telegram' })], agents });
    expect(route.skipped).toEqual([]);
  });
});
