import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureDir, tempDir } from '../../test-support/plugin-fixtures/index.js';
import { formatManifestProblem, parsePluginManifest, readCandidate, readPluginManifest } from './manifest.js';

const dirs: { cleanup(): void }[] = [];
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));

function pluginFolder(manifest: unknown, files: Record<string, string> = { 'index.js': '' }): string {
  const t = tempDir();
  dirs.push(t);
  writeFileSync(join(t.dir, 'openclaw.plugin.json'), typeof manifest === 'string' ? manifest : JSON.stringify(manifest));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(t.dir, name, '..'), { recursive: true });
    writeFileSync(join(t.dir, name), text);
  }
  return t.dir;
}

function problemOf(manifest: unknown, files?: Record<string, string>) {
  const r = readPluginManifest(pluginFolder(manifest, files));
  if (r.ok) throw new Error('expected a problem');
  return r.problem;
}

describe('readPluginManifest', () => {
  it('reads a valid manifest, resolves main and defaults the kind', () => {
    const r = readPluginManifest(fixtureDir('good'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.manifest.id).toBe('good');
    expect(r.kinds).toEqual(['skill']);
    expect(r.entry).toBe(join(fixtureDir('good'), 'index.js'));
  });

  it('takes the entry from package.json openclaw.extensions when the manifest has no main', () => {
    const r = readPluginManifest(fixtureDir('package-entry'));
    expect(r.ok && r.entry).toBe(join(fixtureDir('package-entry'), 'dist', 'entry.js'));
  });

  it('defaults kind to channel when channels are listed', () => {
    const dir = pluginFolder({ id: 'c', main: 'index.js', channels: ['c'] });
    const r = readPluginManifest(dir);
    expect(r.ok && r.kinds).toEqual(['channel']);
  });

  it.each([
    ['not JSON', '{ nope', '', /not valid JSON/],
    ['an array', '[]', '', /must be a JSON object/],
    ['no id', { main: 'index.js' }, 'id', /is required/],
    ['a bad id', { id: 'Bad.Id', main: 'index.js' }, 'id', /lowercase letters/],
    ['a bad kind', { id: 'x', main: 'index.js', kind: 'widget' }, 'kind', /one of channel, skill, memory, storage/],
    ['a non-boolean critical', { id: 'x', main: 'index.js', critical: 'yes' }, 'critical', /true or false/],
    ['a bad apiVersion', { id: 'x', main: 'index.js', apiVersion: 0 }, 'apiVersion', /integer >= 1/],
    ['channels without the channel kind', { id: 'x', main: 'index.js', kind: 'skill', channels: ['a'] }, 'kind', /does not include "channel"/],
    ['the channel kind without channels', { id: 'x', main: 'index.js', kind: 'channel' }, 'channels', /needs the list/],
    ['channelInfo for an unlisted channel', { id: 'x', main: 'index.js', channels: ['a'], channelInfo: { b: { label: 'B', capabilities: { textLimit: 1, format: 'plain', media: false, threads: false, livenessMs: 1000 } } } }, 'channelInfo.b', /not listed in channels/],
    ['an unknown capability key', { id: 'x', main: 'index.js', channels: ['a'], channelInfo: { a: { label: 'A', capabilities: { textLimit: 1, format: 'plain', media: false, threads: false, livenessMs: 1000, colour: true } } } }, 'channelInfo.a.capabilities.colour', /unknown key/],
    ['a bad group pattern', { id: 'x', main: 'index.js', channels: ['a'], channelInfo: { a: { label: 'A', capabilities: { textLimit: 1, format: 'plain', media: false, threads: false, livenessMs: 1000 }, targetRules: { groupIdPattern: '(' } } } }, 'channelInfo.a.targetRules.groupIdPattern', /regular expression/],
    ['an absolute main', { id: 'x', main: '/etc/passwd' }, 'main', /relative/],
    ['a main outside the folder', { id: 'x', main: '../x.js' }, 'main', /inside the plugin folder/],
    ['no entry at all', { id: 'x' }, 'main', /no entry file/],
  ])('names the field for %s', (_what, manifest, field, message) => {
    const p = problemOf(manifest);
    expect(p.field).toBe(field);
    expect(p.message).toMatch(message);
    expect(p.file).toMatch(/openclaw\.plugin\.json$/);
  });

  it('rejects several package.json entries with the file and field named', () => {
    const p = problemOf({ id: 'x' }, { 'package.json': JSON.stringify({ openclaw: { extensions: ['a.js', 'b.js'] } }) });
    expect(p.file).toMatch(/package\.json$/);
    expect(p.field).toBe('openclaw.extensions');
    expect(formatManifestProblem(p)).toMatch(/package\.json: openclaw\.extensions: lists several entries/);
  });

  it('reports a missing manifest', () => {
    const t = tempDir();
    dirs.push(t);
    const r = readPluginManifest(t.dir);
    expect(!r.ok && r.problem.message).toMatch(/no openclaw\.plugin\.json/);
  });

  it('warns about unknown keys but accepts the manifest', () => {
    const r = parsePluginManifest(JSON.stringify({ id: 'x', main: 'i.js', uiHints: {} }), '/tmp/x');
    expect(r.ok).toBe(true);
    expect(r.warnings).toEqual([expect.stringMatching(/unknown key "uiHints"/)]);
  });

  it('keeps the id of an invalid manifest for reporting', () => {
    const c = readCandidate(pluginFolder({ id: 'named', main: 'i.js', kind: 'nope' }), 'installed');
    expect(c.id).toBe('named');
    expect(c.problem?.field).toBe('kind');
  });
});
