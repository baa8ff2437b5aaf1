import { describe, expect, it } from 'vitest';
import { buildChildEnv, permissionFlags } from './child-env.js';
import { CrashWindow, restartDelay } from './restart-policy.js';

describe('child environment', () => {
  const parentEnv = { PATH: '/bin', LANG: 'C', OPENCLAW_GATEWAY_TOKEN: 'secret', OPENCLAW_STATE_DIR: '/s', AWS_SECRET_ACCESS_KEY: 'x', WEATHER_KEY: 'w', NODE_OPTIONS: '--require evil', HTTPS_PROXY: 'http://proxy' };

  it('passes only the allow-list plus declared variables, and never OPENCLAW_*', () => {
    const { env, refused } = buildChildEnv({ parentEnv, dataDir: '/data/p', permissions: { env: ['WEATHER_KEY', 'OPENCLAW_GATEWAY_TOKEN', 'NODE_OPTIONS'] }, platform: 'linux' });
    expect(env).toEqual({ PATH: '/bin', LANG: 'C', WEATHER_KEY: 'w', HOME: '/data/p', TMPDIR: '/data/p/tmp', TMP: '/data/p/tmp', TEMP: '/data/p/tmp' });
    expect(refused).toEqual(['OPENCLAW_GATEWAY_TOKEN', 'NODE_OPTIONS']);
  });

  it('adds proxy variables only for plugins that declare network access, and extras last', () => {
    expect(buildChildEnv({ parentEnv, dataDir: '/d', permissions: { network: ['api.example.com'] } }).env.HTTPS_PROXY).toBe('http://proxy');
    expect(buildChildEnv({ parentEnv, dataDir: '/d', extra: { ELECTRON_RUN_AS_NODE: '1' } }).env.ELECTRON_RUN_AS_NODE).toBe('1');
  });

  it('builds permission flags: read own folders, write the data folder, processes only when declared', () => {
    const flags = permissionFlags({ nodeMajor: 20, childEntry: '/app/out/plugin-child.mjs', rootDir: '/ext/p', dataDir: '/state/plugins/p', permissions: { filesystem: { read: ['~/notes'] } }, homeDir: '/home/u' });
    expect(flags).toEqual([
      '--experimental-permission',
      '--disable-warning=ExperimentalWarning',
      '--allow-fs-read=/app/out',
      '--allow-fs-read=/ext/p',
      '--allow-fs-read=/state/plugins/p',
      '--allow-fs-read=/home/u/notes',
      '--allow-fs-write=/state/plugins/p',
    ]);
    expect(permissionFlags({ nodeMajor: 22, childEntry: '/a/c.mjs', rootDir: '/r', dataDir: '/d', permissions: { processes: ['ffmpeg'] } })).toEqual(expect.arrayContaining(['--permission', '--allow-child-process']));
  });
});

describe('restart policy', () => {
  it('doubles the delay up to the cap, with ±20 % jitter', () => {
    const policy = { initialMs: 500, maxMs: 30_000 };
    expect([1, 2, 3, 10].map((n) => restartDelay(n, policy, () => 0.5))).toEqual([500, 1000, 2000, 30_000]);
    expect(restartDelay(1, policy, () => 0)).toBe(400);
    expect(restartDelay(1, policy, () => 1)).toBe(600);
  });

  it('counts crashes inside the window only', () => {
    const w = new CrashWindow(1000);
    expect([w.record(0), w.record(500), w.record(999), w.record(1600)]).toEqual([1, 2, 3, 2]);
  });
});
