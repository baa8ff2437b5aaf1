import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { fixtureDir } from '../../test-support/plugin-fixtures/index.js';
import { attributeToPlugin, installPluginFaultTrap } from './fault-trap.js';

const roots = new Map([['tool-throws', fixtureDir('tool-throws')]]);

async function pluginError(): Promise<Error> {
  const mod = (await import('../../test-support/plugin-fixtures/tool-throws/index.js' as string)) as { makeError(): Error };
  return mod.makeError();
}

describe('fault trap', () => {
  it('attributes an error to the plugin whose folder is in its stack', async () => {
    expect(attributeToPlugin(await pluginError(), roots)).toBe('tool-throws');
    expect(attributeToPlugin(new Error('gateway bug'), roots)).toBeUndefined();
    expect(attributeToPlugin('a string', roots)).toBeUndefined();
  });

  it('marks the plugin and swallows its stray errors; rethrows the gateway\'s own', async () => {
    const target = new EventEmitter();
    const faults: [string, string][] = [];
    const remove = installPluginFaultTrap({ roots: () => roots, onFault: (id, _err, kind) => faults.push([id, kind]), target });
    const err = await pluginError();
    target.emit('unhandledRejection', err);
    target.emit('uncaughtException', err);
    expect(faults).toEqual([
      ['tool-throws', 'unhandledRejection'],
      ['tool-throws', 'uncaughtException'],
    ]);
    const own = new Error('gateway bug');
    expect(() => target.emit('unhandledRejection', own)).toThrow(own);
    remove();
    expect(target.listenerCount('uncaughtException') + target.listenerCount('unhandledRejection')).toBe(0);
  });
});
