import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfigPaths } from './paths.js';

const home = path.resolve('/home/u');
const j = (...parts: string[]) => path.join(home, ...parts);

describe('resolveConfigPaths', () => {
  it.each([
    ['defaults', {}, {}, { stateDir: j('.openclaw'), configPath: j('.openclaw', 'openclaw.json') }],
    ['--profile', { profile: 'work' }, {}, { stateDir: j('.openclaw-work'), configPath: j('.openclaw-work', 'openclaw.json'), profile: 'work' }],
    ['OPENCLAW_PROFILE', {}, { OPENCLAW_PROFILE: 'dev' }, { stateDir: j('.openclaw-dev'), configPath: j('.openclaw-dev', 'openclaw.json'), profile: 'dev' }],
    ['--profile beats OPENCLAW_PROFILE', { profile: 'a' }, { OPENCLAW_PROFILE: 'b' }, { stateDir: j('.openclaw-a'), configPath: j('.openclaw-a', 'openclaw.json'), profile: 'a' }],
    [
      'OPENCLAW_STATE_DIR beats profile',
      { profile: 'a' },
      { OPENCLAW_STATE_DIR: path.resolve('/srv/state') },
      { stateDir: path.resolve('/srv/state'), configPath: path.join(path.resolve('/srv/state'), 'openclaw.json'), profile: 'a' },
    ],
    ['OPENCLAW_STATE_DIR with ~', {}, { OPENCLAW_STATE_DIR: '~/st' }, { stateDir: j('st'), configPath: j('st', 'openclaw.json') }],
    [
      'OPENCLAW_CONFIG_PATH wins for the file only',
      {},
      { OPENCLAW_CONFIG_PATH: path.resolve('/etc/oc.json5') },
      { stateDir: j('.openclaw'), configPath: path.resolve('/etc/oc.json5') },
    ],
    [
      'OPENCLAW_HOME replaces the home dir',
      {},
      { OPENCLAW_HOME: path.resolve('/alt') },
      { stateDir: path.join(path.resolve('/alt'), '.openclaw'), configPath: path.join(path.resolve('/alt'), '.openclaw', 'openclaw.json') },
    ],
    ['empty env values are ignored', {}, { OPENCLAW_STATE_DIR: '', OPENCLAW_PROFILE: ' ' }, { stateDir: j('.openclaw'), configPath: j('.openclaw', 'openclaw.json') }],
  ])('%s', (_name, opts, env, expected) => {
    const result = resolveConfigPaths({ ...opts, env, homeDir: home });
    const { legacyConfigPath: _legacy, ...rest } = result;
    expect(rest).toEqual(expected);
  });

  it('points at the legacy clawdbot config under the (possibly replaced) home', () => {
    expect(resolveConfigPaths({ env: {}, homeDir: home }).legacyConfigPath).toBe(j('.clawdbot', 'openclaw.json'));
    expect(resolveConfigPaths({ env: { OPENCLAW_HOME: path.resolve('/alt') }, homeDir: home }).legacyConfigPath).toBe(
      path.join(path.resolve('/alt'), '.clawdbot', 'openclaw.json'),
    );
  });

  it.each(['Work', '-x', 'a/b', '../etc', 'x'.repeat(65), 'a b'])('rejects profile %j', (profile) => {
    expect(() => resolveConfigPaths({ profile, env: {}, homeDir: home })).toThrow(`invalid profile name "${profile}"`);
  });
});
