/**
 * `openclaw plugins` with no gateway running: the CLI reads the same manifests and config the gateway would
 * and says what it would do (nothing is loaded), edits the config for enable/disable, and `doctor` exits 1
 * with the fix when a manifest is broken. Also tried: an unknown plugin id and a bad archive path.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../test-support/gateway.js';
import { fixtureDir } from '../../test-support/plugin-fixtures/index.js';
import { makeTempState, type TempState } from '../../test-support/state-dir.js';

let s: TempState | undefined;
afterEach(() => s?.cleanup());

function setup(): TempState {
  s = makeTempState({});
  const broken = join(s.dir, 'broken');
  mkdirSync(broken);
  writeFileSync(join(broken, 'openclaw.plugin.json'), '{ "id": "Not Valid!" }');
  s.writeConfig({ logging: { file: s.logFile }, plugins: { load: { paths: [fixtureDir('good'), fixtureDir('future-api'), broken] } } });
  // Nothing listens on this port: every command works on the files.
  return s;
}
const env = (t: TempState) => ({ ...t.env, OPENCLAW_GATEWAY_PORT: '9' });

describe('openclaw plugins without a gateway', () => {
  it('lists what the files say, with the reasons', async () => {
    const t = setup();
    const r = await runCli(['plugins', 'list', '--json'], env(t));
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { live: boolean; plugins: Array<{ id: string; state: string; error?: string }> };
    expect(out.live).toBe(false);
    expect(out.plugins.find((p) => p.id === 'good')).toMatchObject({ state: 'not-loaded' });
    expect(out.plugins.find((p) => p.id === 'future-api')).toMatchObject({ state: 'failed', error: expect.stringMatching(/v99/) });
    expect(out.plugins.find((p) => p.state === 'failed' && /id/.test(p.error ?? ''))).toBeDefined();
    const text = await runCli(['plugins', 'list'], env(t));
    expect(text.stdout).toMatch(/no gateway running/);
  });

  it('enable and disable write the config; an unknown id is refused', async () => {
    const t = setup();
    expect((await runCli(['plugins', 'disable', 'good'], env(t))).code).toBe(0);
    expect(JSON.parse(readFileSync(t.configPath, 'utf8')).plugins.entries.good.enabled).toBe(false);
    expect((await runCli(['plugins', 'enable', 'good'], env(t))).code).toBe(0);
    expect(JSON.parse(readFileSync(t.configPath, 'utf8')).plugins.entries.good.enabled).toBe(true);
    const unknown = await runCli(['plugins', 'enable', 'nope'], env(t));
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/unknown plugin "nope"/);
  });

  it('doctor names every problem with its fix and exits 1', async () => {
    const t = setup();
    const r = await runCli(['plugins', 'doctor'], env(t));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/future-api/);
    expect(r.stdout).toMatch(/fix: /);
  });

  it('install refuses what is not a plugin and leaves nothing behind', async () => {
    const t = setup();
    const notPlugin = join(t.dir, 'not-a-plugin');
    cpSync(fixtureDir('good'), notPlugin, { recursive: true });
    writeFileSync(join(notPlugin, 'openclaw.plugin.json'), '{}');
    const r = await runCli(['plugins', 'install', notPlugin], env(t));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/install failed: .*openclaw\.plugin\.json/);
    const missing = await runCli(['plugins', 'install', join(t.dir, 'missing.tgz')], env(t));
    expect(missing.code).not.toBe(0);
  });
});
