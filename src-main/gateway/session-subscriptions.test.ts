import { describe, expect, it } from 'vitest';
import { createSessionSubscriptions, subscribedBroadcast, type EventTarget } from './session-subscriptions.js';

function target(connId: string) {
  const got: { event: string; payload: any }[] = [];
  const t: EventTarget = { connId, sendEvent: (event, payload) => void got.push({ event, payload }) };
  return { t, got };
}

describe('session subscriptions', () => {
  it('session.message goes to the watchers of its session only; other events to everyone', () => {
    const subs = createSessionSubscriptions();
    const a = target('a');
    const b = target('b');
    const send = subscribedBroadcast(subs, () => [a.t, b.t]);
    subs.watchMessages('a', 'agent:main:main');
    send('session.message', { sessionKey: 'agent:main:main', message: {} });
    send('session.message', { sessionKey: 'agent:main:other', message: {} });
    send('tick', { ts: 1 });
    expect(a.got.map((g) => [g.event, g.payload.sessionKey])).toEqual([
      ['session.message', 'agent:main:main'],
      ['tick', undefined],
    ]);
    expect(b.got.map((g) => g.event)).toEqual(['tick']);
  });

  it('list watchers hear of a message in any session as sessions.changed (phase message)', () => {
    const subs = createSessionSubscriptions();
    const a = target('a');
    subs.watchList('a');
    subscribedBroadcast(subs, () => [a.t])('session.message', { sessionKey: 'agent:work:x', agentId: 'work', message: {} });
    expect(a.got).toEqual([{ event: 'sessions.changed', payload: { sessionKey: 'agent:work:x', agentId: 'work', reason: 'message', phase: 'message', ts: expect.any(Number) } }]);
  });

  it('unwatching and a closed connection end the watches', () => {
    const subs = createSessionSubscriptions();
    subs.watchMessages('a', 'k1');
    subs.watchMessages('a', 'k2');
    subs.watchMessages('b', 'k1');
    subs.watchList('a');
    expect(subs.counts()).toEqual({ listWatchers: 1, messageWatches: 3 });
    subs.unwatchMessages('b', 'k1');
    expect(subs.wants('b', 'session.message', { sessionKey: 'k1' })).toBe(false);
    subs.forget('a');
    expect(subs.counts()).toEqual({ listWatchers: 0, messageWatches: 0 });
    expect(subs.wants('a', 'session.message', { sessionKey: 'k2' })).toBe(false);
  });
});
