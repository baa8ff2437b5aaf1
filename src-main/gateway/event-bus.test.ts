import { describe, expect, it } from 'vitest';
import { createEventBus } from './event-bus.js';

describe('event bus', () => {
  it('publish reaches the WS side and in-process subscribers; publishLocal only the latter', () => {
    const bus = createEventBus();
    const ws: string[] = [];
    const local: string[] = [];
    bus.attachBroadcast((e) => ws.push(e));
    const off = bus.subscribe((e) => local.push(e));
    bus.publish('health', {});
    bus.publishLocal('tick', {});
    off();
    bus.publish('presence', {});
    expect(ws).toEqual(['health', 'presence']);
    expect(local).toEqual(['health', 'tick']);
  });

  it('the same function subscribed twice is two subscriptions, each undone on its own', () => {
    const bus = createEventBus();
    const seen: string[] = [];
    const fn = (e: string) => void seen.push(e);
    const a = bus.subscribe(fn);
    bus.subscribe(fn);
    a();
    bus.publish('x', null);
    expect(seen).toEqual(['x']);
  });
});
