import { describe, expect, it } from 'vitest';
import { channelLabels, describeInstall, permissionsNote, readPermissions } from './plugin-details.js';

describe('readPermissions', () => {
  it('lists the declared kinds of access, leaving out the empty ones', () => {
    const manifest = {
      id: 'weather',
      permissions: { network: ['api.weather.example'], filesystem: { read: ['~/maps'], write: [] }, env: ['WEATHER_KEY'] },
    };
    expect(readPermissions(manifest)).toEqual([
      { label: 'Network hosts', items: ['api.weather.example'] },
      { label: 'Reads files', items: ['~/maps'] },
      { label: 'Environment variables', items: ['WEATHER_KEY'] },
    ]);
  });

  it('is empty for a manifest without permissions, or no manifest at all', () => {
    expect(readPermissions({ id: 'x' })).toEqual([]);
    expect(readPermissions(null)).toEqual([]);
    expect(readPermissions({ permissions: { network: 'not-a-list' } })).toEqual([]);
  });
});

describe('permissionsNote', () => {
  it('says whether the declarations are enforced', () => {
    expect(permissionsNote({ id: 'x', isolation: 'process' }, 2)).toBe('It runs in its own process, limited to these.');
    expect(permissionsNote({ id: 'x', isolation: 'inprocess' }, 2)).toContain('plugins.entries.x.isolation to "process"');
  });
});

describe('channelLabels', () => {
  it("uses the manifest's labels and falls back to the id", () => {
    const manifest = { channelInfo: { mattermost: { label: 'Mattermost' } } };
    expect(channelLabels(manifest, ['mattermost', 'other'])).toEqual([
      { id: 'mattermost', label: 'Mattermost' },
      { id: 'other', label: 'other' },
    ]);
    expect(channelLabels(undefined, [])).toEqual([]);
  });
});

describe('describeInstall', () => {
  it('reads the install record', () => {
    const text = describeInstall({ source: 'installed' }, { spec: 'openclaw-plugin-weather@1.2.0', from: 'npm', installedAt: '2026-01-02T03:04:05.000Z' });
    expect(text).toMatch(/^Installed from npm package openclaw-plugin-weather@1\.2\.0 on .+\.$/);
    expect(describeInstall({ source: 'installed' }, { spec: './weather.tgz', from: 'archive' })).toBe('Installed from archive ./weather.tgz.');
  });

  it('explains the source when there is no record', () => {
    expect(describeInstall({ source: 'bundled' }, undefined)).toBe('Comes with OpenClaw.');
    expect(describeInstall({ source: 'path' }, undefined)).toContain('plugins.load.paths');
    expect(describeInstall({ source: 'installed' }, { broken: true })).toContain('no install record');
  });
});
