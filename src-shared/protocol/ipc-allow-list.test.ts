import { describe, expect, it } from 'vitest';
import { IPC_CHANNELS } from './ipc.js';
import { isAllowedMethod, isOpenClawChannel, isValidEventName } from './ipc-allow-list.js';

describe('isAllowedMethod', () => {
  it.each([
    'health',
    'status',
    'config.get',
    'config.patch',
    'logs.tail',
    'system-presence',
    'sessions.list',
    'chat.send',
    'chat.history',
    'agent',
    'agent.wait',
    'send',
    'channels.status',
    'device.pair.list',
    'node.list',
    'node.pair.approve',
    'exec.approval.resolve',
    'models.list',
    'desktop.update.get',
    'desktop.update.restart',
  ])('allows %s', (m) => expect(isAllowedMethod(m)).toBe(true));

  it.each([
    'connect',
    'healthz',
    'status.secret',
    'sender',
    'agentx',
    'config.',
    'config',
    'node.invoke.result',
    'node.pending.pull',
    'node.event',
    'desktop.update',
    'desktop.quit',
    '',
    '__proto__',
    ' health',
    'health\n',
    'a'.repeat(200),
  ])('refuses %j', (m) => expect(isAllowedMethod(m)).toBe(false));

  it('refuses non-strings', () => {
    for (const m of [undefined, null, 1, {}, ['health']]) expect(isAllowedMethod(m)).toBe(false);
  });
});

describe('isOpenClawChannel', () => {
  it('accepts only openclaw: channels', () => {
    for (const c of Object.values(IPC_CHANNELS)) expect(isOpenClawChannel(c)).toBe(true);
    expect(isOpenClawChannel('openclaw:')).toBe(false);
    expect(isOpenClawChannel('ELECTRON_BROWSER_REQUIRE')).toBe(false);
    expect(isOpenClawChannel('other:call')).toBe(false);
    expect(isOpenClawChannel(42)).toBe(false);
  });
});

describe('isValidEventName', () => {
  it('accepts event names and the wildcard', () => {
    for (const e of ['*', 'health', 'tick', 'exec.approval.requested', 'session.message']) expect(isValidEventName(e)).toBe(true);
    for (const e of ['', '**', 'a b', 7, undefined]) expect(isValidEventName(e)).toBe(false);
  });
});
