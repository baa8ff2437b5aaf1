import { describe, expect, it } from 'vitest';
import { formatUptime, summarizeHealth } from './health-summary.js';

describe('summarizeHealth', () => {
  it('reads ok, reload status and ts from health', () => {
    const s = summarizeHealth({ health: { ok: true, ts: 99, configReload: { hotReloadStatus: 'ok' } }, now: 0 });
    expect(s).toEqual({ ok: true, uptimeMs: undefined, version: undefined, configReload: 'ok', checkedAt: 99, noModel: undefined, cluster: undefined });
  });

  it('ages the health uptime by the time since it arrived', () => {
    expect(summarizeHealth({ health: { uptimeMs: 1000 }, healthAt: 5000, now: 7000 }).uptimeMs).toBe(3000);
  });

  it('takes uptime and version from status, then from hello (aged)', () => {
    expect(summarizeHealth({ health: { ok: true }, status: { uptimeMs: 5000, version: '1.2.3' }, now: 0 })).toMatchObject({
      uptimeMs: 5000,
      version: '1.2.3',
    });
    expect(
      summarizeHealth({ health: { ok: false }, hello: { server: { version: '0.1.0' }, snapshot: { uptimeMs: 1000 } }, helloAt: 10_000, now: 12_500 }),
    ).toMatchObject({ ok: false, uptimeMs: 3500, version: '0.1.0' });
  });

  it('describes the gateway reload status with its mode or last error', () => {
    const reload = (configReload: unknown) => summarizeHealth({ health: { configReload }, now: 0 }).configReload;
    expect(reload({ hotReloadStatus: 'ok', mode: 'hybrid', appliedHash: 'h' })).toBe('ok (hybrid)');
    expect(reload({ hotReloadStatus: 'invalid', mode: 'hybrid', lastError: 'gateway.port: expected number' })).toBe('invalid: gateway.port: expected number');
  });

  it('describes an older nested reload status object', () => {
    expect(summarizeHealth({ health: { configReload: { hotReloadStatus: { state: 'invalid', error: 'gateway.port: expected number' } } }, now: 0 }).configReload).toBe(
      'invalid: gateway.port: expected number',
    );
  });

  it('tolerates junk', () => {
    expect(summarizeHealth({ health: null, status: 'x', now: 0 })).toEqual({
      ok: undefined,
      uptimeMs: undefined,
      version: undefined,
      configReload: undefined,
      checkedAt: undefined,
      noModel: undefined,
    });
  });

  it('says when no model is set up, with the fix from health.models', () => {
    const models = { ok: false, agents: [{ agentId: 'main', models: [], usable: [] }], problems: ['agent "main": no model is set up, so the agent cannot answer. Add one: …'] };
    expect(summarizeHealth({ health: { ok: true, models }, now: 0 }).noModel).toMatch(/no model is set up/);
    expect(summarizeHealth({ health: { ok: true, models: { ...models, ok: true, problems: [] } }, now: 0 }).noModel).toBeUndefined();
  });
});

describe('formatUptime', () => {
  it.each([
    [undefined, '—'],
    [999, '0s'],
    [42_000, '42s'],
    [62_000, '1m 2s'],
    [3_720_000, '1h 2m'],
    [93_784_000, '1d 2h 3m'],
  ])('%j → %s', (ms, text) => expect(formatUptime(ms)).toBe(text));

  it('says the role and the peers where gateways share a database', () => {
    const cluster = { instanceId: 'a', role: 'standby', live: true, peers: [{ instanceId: 'b', host: 'db-b', port: 18789, pid: 42, role: 'primary', alive: true, seenAgoMs: 400 }] };
    expect(summarizeHealth({ health: { ok: true, cluster }, now: 0 }).cluster).toBe(
      'standby (serves clients and turns; takes the channels over if the primary goes) · peer db-b:18789 (pid 42) primary, seen 0.4 s ago',
    );
    const alone = { ...cluster, role: 'primary', live: false, peers: [{ ...cluster.peers[0]!, alive: false }] };
    expect(summarizeHealth({ health: { cluster: alone }, now: 0 }).cluster).toBe(
      'primary (runs the chat channels) · peer db-b:18789 (pid 42) gone, seen 0.4 s ago · not in touch with the database: another gateway may take over',
    );
  });
});
