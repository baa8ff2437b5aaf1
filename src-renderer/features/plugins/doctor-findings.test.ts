import { describe, expect, it } from 'vitest';
import { groupFindings, severityBadge, summarizeFindings, type PluginFinding } from './doctor-findings.js';

const finding = (severity: PluginFinding['severity'], code: string, pluginId?: string): PluginFinding => ({
  severity,
  code,
  ...(pluginId ? { pluginId } : {}),
  problem: `${code} problem`,
  fix: `${code} fix`,
});

describe('groupFindings', () => {
  it('puts general findings first, then plugins in list order, then unknown plugins by id; errors first within a group', () => {
    const groups = groupFindings(
      [finding('warning', 'a', 'good'), finding('info', 'b'), finding('error', 'c', 'zz-unknown'), finding('error', 'd', 'good'), finding('warning', 'e', 'broken'), finding('info', 'f', 'aa-unknown')],
      [
        { id: 'broken', name: 'Broken plugin' },
        { id: 'good', name: 'Good plugin' },
      ],
    );
    expect(groups.map((g) => [g.pluginId, g.title, g.findings.map((f) => f.code)])).toEqual([
      [undefined, 'All plugins', ['b']],
      ['broken', 'Broken plugin', ['e']],
      ['good', 'Good plugin', ['d', 'a']],
      ['aa-unknown', 'aa-unknown', ['f']],
      ['zz-unknown', 'zz-unknown', ['c']],
    ]);
  });

  it('is empty without findings', () => {
    expect(groupFindings([])).toEqual([]);
  });
});

describe('severityBadge and summarizeFindings', () => {
  it('maps severities to badges', () => {
    expect(severityBadge('error')).toEqual({ label: 'Error', tone: 'bad' });
    expect(severityBadge('warning')).toEqual({ label: 'Warning', tone: 'warn' });
    expect(severityBadge('info')).toEqual({ label: 'Info', tone: 'off' });
  });

  it('counts by severity', () => {
    expect(summarizeFindings([])).toBe('No problems found.');
    expect(summarizeFindings([finding('error', 'a'), finding('warning', 'b'), finding('warning', 'c'), finding('info', 'd')])).toBe('1 error, 2 warnings, 1 note');
  });
});
