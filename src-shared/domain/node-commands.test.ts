import { describe, expect, it } from 'vitest';
import { approvalScopeFor, decideNodeCommand, effectiveNodeCommands, isHostNodeCommand, resolveNodePlatform } from './node-commands.js';

describe('node command policy', () => {
  it.each([
    ['linux', undefined, 'linux'],
    ['darwin', undefined, 'macos'],
    ['macOS 15', undefined, 'macos'],
    ['win32', undefined, 'windows'],
    ['iOS 19', 'iPhone', 'ios'],
    ['', 'iPad', 'ios'],
    ['watchOS', undefined, 'watchos'],
    ['Android', undefined, 'android'],
    ['web', 'android', 'web'],
    ['plan9', undefined, 'unknown'],
    [undefined, undefined, 'unknown'],
  ])('platform %j / %j → %s', (platform, family, want) => expect(resolveNodePlatform(platform, family)).toBe(want));

  const base = { declared: ['system.notify', 'device.info', 'system.run', 'location.get'], approved: ['system.notify', 'device.info', 'system.run'], platform: 'linux' };
  it.each([
    // The observed upstream behaviour: system.notify is allowed for linux, device.info is not.
    [{ ...base, command: 'system.notify' }, true, undefined],
    [{ ...base, command: 'device.info' }, false, 'platform'],
    [{ ...base, command: 'device.info', allow: ['device.info'] }, true, undefined],
    [{ ...base, command: 'system.notify', deny: ['system.notify'] }, false, 'denied'],
    [{ ...base, command: 'device.info', allow: ['device.info'], deny: ['device.info'] }, false, 'denied'],
    // Host commands pass the ceiling on any platform and are gated by approval alone.
    [{ ...base, command: 'system.run' }, true, undefined],
    [{ ...base, command: 'system.run', approved: [] }, false, 'not-approved'],
    [{ ...base, command: 'camera.snap' }, false, 'not-declared'],
    [{ ...base, command: 'location.get', platform: 'android' }, false, 'not-approved'],
    [{ ...base, command: 'location.get', platform: 'android', approved: ['location.get'] }, true, undefined],
    [{ ...base, command: 'system.notify', platform: 'plan9' }, false, 'platform'],
  ] as const)('%j → allowed %s (%s)', (facts, allowed, reason) => {
    const d = decideNodeCommand(facts);
    expect(d.allowed).toBe(allowed);
    if (!d.allowed) expect(d.reason).toBe(reason);
  });

  it('names the fix in its messages', () => {
    expect(decideNodeCommand({ ...base, command: 'device.info' })).toMatchObject({ message: expect.stringContaining('gateway.nodes.allowCommands') });
    expect(decideNodeCommand({ ...base, approved: [], command: 'system.notify' })).toMatchObject({ message: expect.stringContaining('openclaw nodes approve') });
  });

  it('lists the effective commands in declared order', () => {
    expect(effectiveNodeCommands(base)).toEqual(['system.notify', 'system.run']);
  });

  it('classifies host commands exactly (no substring matches)', () => {
    for (const c of ['system.run', 'system.run.prepare', 'system.which', 'system.execApprovals.get', 'system.execApprovals.set', 'browser.proxy', 'fs.listDir', 'fs.read']) {
      expect(isHostNodeCommand(c)).toBe(true);
      expect(approvalScopeFor(c)).toBe('operator.admin');
    }
    for (const c of ['system.runner', 'xsystem.run', 'system.notify', 'browser.proxyx', 'fsx.read', 'camera.snap']) {
      expect(isHostNodeCommand(c)).toBe(false);
      expect(approvalScopeFor(c)).toBe('operator.write');
    }
  });
});
