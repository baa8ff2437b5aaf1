import { cpSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureDir, tempDir } from '../../test-support/plugin-fixtures/index.js';
import { discoverPlugins } from './discovery.js';

const dirs: { cleanup(): void }[] = [];
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));

function roots() {
  const t = tempDir();
  dirs.push(t);
  const bundledDir = join(t.dir, 'app', 'extensions');
  const stateDir = join(t.dir, 'state');
  mkdirSync(bundledDir, { recursive: true });
  mkdirSync(join(stateDir, 'extensions'), { recursive: true });
  return { root: t.dir, bundledDir, stateDir };
}

describe('discoverPlugins', () => {
  it('finds plugins in root order with their source', () => {
    const r = roots();
    cpSync(fixtureDir('channel'), join(r.bundledDir, 'echochat'), { recursive: true });
    cpSync(fixtureDir('good'), join(r.stateDir, 'extensions', 'good'), { recursive: true });
    const result = discoverPlugins({ bundledDir: r.bundledDir, stateDir: r.stateDir, paths: [fixtureDir('tool-throws')] });
    expect(result.candidates.map((c) => [c.id, c.source])).toEqual([
      ['echochat', 'bundled'],
      ['good', 'installed'],
      ['tool-throws', 'path'],
    ]);
    expect(result.duplicates).toEqual([]);
  });

  it('keeps the first of two folders with the same id and reports the other', () => {
    const r = roots();
    cpSync(fixtureDir('good'), join(r.bundledDir, 'good'), { recursive: true });
    cpSync(fixtureDir('good'), join(r.stateDir, 'extensions', 'good-copy'), { recursive: true });
    const result = discoverPlugins({ bundledDir: r.bundledDir, stateDir: r.stateDir });
    expect(result.candidates.map((c) => c.source)).toEqual(['bundled']);
    expect(result.duplicates).toEqual([{ id: 'good', kept: { source: 'bundled', rootDir: join(r.bundledDir, 'good') }, ignored: { source: 'installed', rootDir: join(r.stateDir, 'extensions', 'good-copy') } }]);
  });

  it('treats a load path as a folder of plugins when it has no manifest itself', () => {
    const r = roots();
    const extra = join(r.root, 'extra');
    cpSync(fixtureDir('good'), join(extra, 'a'), { recursive: true });
    cpSync(fixtureDir('loops'), join(extra, 'b'), { recursive: true });
    expect(discoverPlugins({ paths: [extra] }).candidates.map((c) => c.id)).toEqual(['good', 'loops']);
  });

  it('reports folders without a usable manifest and missing load paths instead of skipping them', () => {
    const r = roots();
    mkdirSync(join(r.stateDir, 'extensions', 'half-installed'));
    const missing = join(r.root, 'nowhere');
    const result = discoverPlugins({ stateDir: r.stateDir, paths: [missing] });
    expect(result.candidates.map((c) => [c.id, c.problem?.message])).toEqual([
      ['half-installed', expect.stringMatching(/no openclaw\.plugin\.json/)],
      ['nowhere', 'folder not found (listed in plugins.load.paths)'],
    ]);
  });

  it('skips hidden folders (install staging), node_modules and files, and follows symlinked folders', () => {
    const r = roots();
    const ext = join(r.stateDir, 'extensions');
    mkdirSync(join(ext, '.install-abc'));
    mkdirSync(join(ext, 'node_modules'));
    writeFileSync(join(ext, 'README'), 'x');
    symlinkSync(fixtureDir('good'), join(ext, 'linked'));
    expect(discoverPlugins({ stateDir: r.stateDir }).candidates.map((c) => c.id)).toEqual(['good']);
  });

  it('expands ~ in load paths against the given home', () => {
    const r = roots();
    cpSync(fixtureDir('good'), join(r.root, 'mine'), { recursive: true });
    expect(discoverPlugins({ paths: ['~/mine'], homeDir: r.root }).candidates[0]?.rootDir).toBe(join(r.root, 'mine'));
  });
});
