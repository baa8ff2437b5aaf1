import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureDir, tempDir } from '../../test-support/plugin-fixtures/index.js';
import { runCommand, type CommandRunner } from './archive.js';
import { discoverPlugins } from './discovery.js';
import { INSTALL_RECORD_FILE, installPlugin, uninstallPlugin } from './install.js';
import { pluginDataDir } from './types.js';

const tmp = tempDir();
let goodTgz = '';
let n = 0;
beforeAll(() => {
  const out = join(tmp.dir, 'packed');
  mkdirSync(out);
  // npm pack on a local folder works offline and produces what the registry would serve.
  execFileSync('npm', ['pack', fixtureDir('good'), '--pack-destination', out, '--ignore-scripts', '--silent'], { stdio: 'pipe' });
  goodTgz = join(out, readdirSync(out)[0]!);
});
afterAll(() => tmp.cleanup());

function stateDir(): string {
  const dir = join(tmp.dir, `state-${++n}`);
  mkdirSync(dir);
  return dir;
}
const leftovers = (state: string) => readdirSync(join(state, 'extensions')).filter((f) => f.startsWith('.'));

describe('installPlugin', () => {
  it('installs from a folder, validated, with a record of where it came from', async () => {
    const state = stateDir();
    const result = await installPlugin({ stateDir: state, spec: fixtureDir('good'), bundledIds: [] });
    expect(result).toMatchObject({ ok: true, id: 'good', name: 'Good plugin', version: '1.0.0', from: 'folder', replaced: false, dependencies: 'none', dir: join(state, 'extensions', 'good') });
    expect(JSON.parse(readFileSync(join(state, 'extensions', 'good', INSTALL_RECORD_FILE), 'utf8'))).toMatchObject({ spec: fixtureDir('good'), from: 'folder' });
    expect(discoverPlugins({ stateDir: state }).candidates.map((c) => [c.id, c.source])).toEqual([['good', 'installed']]);
    expect(leftovers(state)).toEqual([]);
  });

  it('installs from an npm pack archive', async () => {
    const state = stateDir();
    const result = await installPlugin({ stateDir: state, spec: goodTgz, bundledIds: [] });
    expect(result).toMatchObject({ ok: true, id: 'good', from: 'archive', permissions: { env: ['GOOD_PLUGIN_TOKEN', 'OPENCLAW_GATEWAY_TOKEN'] } });
    expect(readdirSync(join(state, 'extensions', 'good')).sort()).toEqual([INSTALL_RECORD_FILE, 'index.js', 'openclaw.plugin.json', 'package.json']);
  });

  it('installs an npm package by name through npm pack, never running scripts', async () => {
    const calls: string[][] = [];
    const run: CommandRunner = async (file, args, opts) => {
      calls.push([file, ...args]);
      if (file === 'npm' && args[0] === 'pack') {
        cpSync(goodTgz, join(args[args.indexOf('--pack-destination') + 1]!, 'good-1.0.0.tgz'));
        return { code: 0, stdout: '[]', stderr: '' };
      }
      return runCommand(file, args, opts);
    };
    const result = await installPlugin({ stateDir: stateDir(), spec: '@acme/openclaw-good@^1.0.0', bundledIds: [], run });
    expect(result).toMatchObject({ ok: true, id: 'good', from: 'npm' });
    expect(calls[0]).toEqual(['npm', 'pack', '@acme/openclaw-good@^1.0.0', '--pack-destination', expect.any(String), '--json', '--ignore-scripts']);
  });

  it('installs dependencies without scripts when the package has some and ships none', async () => {
    const src = join(tmp.dir, 'with-deps');
    cpSync(fixtureDir('good'), src, { recursive: true });
    writeFileSync(join(src, 'package.json'), JSON.stringify({ name: 'with-deps', version: '1.0.0', type: 'module', dependencies: { 'left-pad': '^1.3.0' } }));
    const calls: { args: readonly string[]; cwd: string }[] = [];
    const run: CommandRunner = async (_file, args, opts) => {
      calls.push({ args, cwd: opts.cwd });
      return { code: 0, stdout: '', stderr: '' };
    };
    const state = stateDir();
    const result = await installPlugin({ stateDir: state, spec: src, bundledIds: [], run });
    expect(result).toMatchObject({ ok: true, dependencies: 'installed' });
    expect(calls).toEqual([{ args: ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], cwd: expect.stringContaining(join(state, 'extensions', '.install-')) }]);
  });

  it.each<[string, () => string, string[], string, RegExp]>([
    ['a bundled id', () => fixtureDir('good'), ['good'], 'bundled-id', /ships with OpenClaw/],
    ['an unsupported API version', () => fixtureDir('future-api'), [], 'unsupported-api', /written for plugin API v99/],
    ['a missing folder', () => './no/such/folder', [], 'not-found', /does not exist/],
    ['a spec that is nothing', () => 'Not A Package!', [], 'bad-spec', /not a folder, a \.tgz file or an npm package name/],
    ['a spec that looks like an option', () => '--registry=http://evil', [], 'bad-spec', /not a folder/],
  ])('refuses %s before placing anything', async (_what, spec, bundledIds, code, message) => {
    const state = stateDir();
    const result = await installPlugin({ stateDir: state, spec: spec(), bundledIds });
    expect(result).toEqual({ ok: false, code, error: expect.stringMatching(message) });
    expect(readdirSync(join(state, 'extensions'))).toEqual([]);
  });

  it('refuses an invalid manifest, naming the field', async () => {
    const src = join(tmp.dir, 'bad-manifest');
    mkdirSync(src);
    writeFileSync(join(src, 'openclaw.plugin.json'), JSON.stringify({ id: 'bad', main: 'index.js', kind: 'gadget' }));
    const result = await installPlugin({ stateDir: stateDir(), spec: src, bundledIds: [] });
    expect(result).toEqual({ ok: false, code: 'invalid-manifest', error: 'openclaw.plugin.json: kind: must be one of channel, skill, memory, storage, or a list of them' });
  });

  it('refuses to overwrite an installed plugin unless asked to replace it', async () => {
    const state = stateDir();
    await installPlugin({ stateDir: state, spec: fixtureDir('good'), bundledIds: [] });
    expect(await installPlugin({ stateDir: state, spec: goodTgz, bundledIds: [] })).toEqual({ ok: false, code: 'already-installed', error: expect.stringMatching(/already installed \(version 1\.0\.0\)/) });
    expect(await installPlugin({ stateDir: state, spec: goodTgz, bundledIds: [], replace: true })).toMatchObject({ ok: true, replaced: true, from: 'archive' });
    expect(leftovers(state)).toEqual([]);
  });

  it.each([
    ['an absolute path', (dir: string) => execFileSync('tar', ['-czPf', join(dir, 'a.tgz'), join(dir, 'payload', 'openclaw.plugin.json')]), /absolute path/],
    ['a path with ..', (dir: string) => execFileSync('tar', ['-czPf', join(dir, 'a.tgz'), '../payload/openclaw.plugin.json'], { cwd: join(dir, 'payload') }), /climbs out/],
    [
      'a symbolic link',
      (dir: string) => {
        symlinkSync('/etc/passwd', join(dir, 'payload', 'passwd'));
        execFileSync('tar', ['-czf', join(dir, 'a.tgz'), 'payload'], { cwd: dir });
      },
      /symbolic link: payload\/passwd/,
    ],
  ])('refuses an archive holding %s', async (_what, make, message) => {
    const dir = join(tmp.dir, `evil-${++n}`);
    cpSync(fixtureDir('good'), join(dir, 'payload'), { recursive: true });
    make(dir);
    const state = stateDir();
    const result = await installPlugin({ stateDir: state, spec: join(dir, 'a.tgz'), bundledIds: [] });
    expect(result).toEqual({ ok: false, code: 'unsafe-archive', error: expect.stringMatching(message) });
    expect(readdirSync(join(state, 'extensions'))).toEqual([]);
  });
});

describe('uninstallPlugin', () => {
  it('removes the plugin and keeps its data unless asked', async () => {
    const state = stateDir();
    await installPlugin({ stateDir: state, spec: fixtureDir('good'), bundledIds: [] });
    mkdirSync(pluginDataDir(state, 'good'), { recursive: true });
    expect(uninstallPlugin({ stateDir: state, id: 'good' })).toEqual({ ok: true, id: 'good', dir: join(state, 'extensions', 'good'), dataRemoved: false });
    expect(existsSync(join(state, 'extensions', 'good'))).toBe(false);
    expect(existsSync(pluginDataDir(state, 'good'))).toBe(true);
    await installPlugin({ stateDir: state, spec: fixtureDir('good'), bundledIds: [] });
    expect(uninstallPlugin({ stateDir: state, id: 'good', purgeData: true })).toMatchObject({ ok: true, dataRemoved: true });
    expect(existsSync(pluginDataDir(state, 'good'))).toBe(false);
  });

  it('says so when there is nothing to remove, and refuses ids that are paths', () => {
    const state = stateDir();
    expect(uninstallPlugin({ stateDir: state, id: 'nope' })).toMatchObject({ ok: false, code: 'not-installed' });
    expect(uninstallPlugin({ stateDir: state, id: '../state-1' })).toMatchObject({ ok: false, code: 'bad-id' });
  });
});
