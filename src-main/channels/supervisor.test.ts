import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ChannelAuthError, type ChannelContext, type ChannelPlugin } from '../../src-shared/domain/channel.js';
import { createLogger } from '../logging/index.js';
import { AccountSupervisor, type AccountStatus } from './supervisor.js';

/**
 * A scripted platform connection: each `create` is one connection attempt
 * whose fate the test decides. The supervisor is the unit under test.
 */
function scriptedPlugin(script: { startFails?: (attempt: number) => Error | undefined; livenessMs?: number } = {}) {
  const attempts: { ctx: ChannelContext; stopped: boolean; beat: NodeJS.Timeout | undefined }[] = [];
  const plugin: ChannelPlugin = {
    id: 'scripted',
    label: 'Scripted',
    capabilities: { textLimit: 100, format: 'plain', media: false, threads: false, livenessMs: script.livenessMs ?? 60_000 },
    checkConfig: () => ({ ok: true }),
    create(ctx) {
      const a = { ctx, stopped: false, beat: undefined as NodeJS.Timeout | undefined };
      const n = attempts.push(a);
      return {
        async start() {
          const err = script.startFails?.(n);
          if (err) throw err;
        },
        async stop() {
          a.stopped = true;
          clearInterval(a.beat);
        },
        async send() {
          return { messageId: `m${n}` };
        },
      };
    },
  };
  return { plugin, attempts };
}

const dirs: string[] = [];
const sups: AccountSupervisor[] = [];
afterEach(async () => {
  await Promise.all(sups.splice(0).map((s) => s.stop()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function supervise(plugin: ChannelPlugin, config: Record<string, unknown> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'openclaw-sup-'));
  dirs.push(dataDir);
  const changes: AccountStatus[] = [];
  const waiters: (() => void)[] = [];
  const sup = new AccountSupervisor({
    plugin,
    account: { channel: plugin.id, accountId: 'default', enabled: true, config },
    dataDir,
    log: createLogger('test/supervisor'),
    ingest: () => undefined,
    backoff: { initialMs: 20, maxMs: 80 },
    onChange: (s) => {
      changes.push(s);
      waiters.splice(0).forEach((w) => w());
    },
  });
  sups.push(sup);
  const until = (pred: (s: AccountStatus) => boolean, what: string, timeoutMs = 5000) =>
    new Promise<AccountStatus>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timed out waiting for ${what}; last: ${JSON.stringify(sup.status())}`)), timeoutMs);
      const check = () => {
        const s = sup.status();
        if (pred(s)) {
          clearTimeout(t);
          resolve(s);
        } else waiters.push(check);
      };
      check();
    });
  return { sup, changes, until };
}

describe('AccountSupervisor', () => {
  it('restarts a connection that dies on its own, and counts it', async () => {
    const { plugin, attempts } = scriptedPlugin();
    const { sup, until } = supervise(plugin);
    sup.start();
    await until((s) => s.state === 'running', 'first connect');
    attempts[0]!.ctx.fail(new Error('socket closed by peer'));
    const down = await until((s) => s.state === 'backoff', 'backoff');
    expect(down).toMatchObject({ connected: false, running: false, restarts: 1, lastError: 'socket closed by peer' });
    await until((s) => s.state === 'running' && attempts.length === 2, 'reconnect');
    expect(attempts[0]!.stopped).toBe(true);
  });

  it('notices a wedged connection by silence (no heartbeat within the liveness bound), not by an exception', async () => {
    const { plugin, attempts } = scriptedPlugin();
    const { sup, until } = supervise(plugin, { livenessMs: 300 });
    sup.start();
    await until((s) => s.state === 'running', 'connect');
    // The first connection heartbeats for a while, then goes silent without any error.
    const a = attempts[0]!;
    a.beat = setInterval(() => a.ctx.heartbeat(), 50);
    await new Promise<void>((resolve) => setTimeout(resolve, 200)).then(() => clearInterval(a.beat));
    const s = await until((x) => x.restarts === 1, 'liveness restart');
    expect(s.lastError).toMatch(/no sign of life from Scripted/);
    await until((x) => x.state === 'running' && attempts.length === 2, 'reconnect');
  });

  it('backs off exponentially, capped, while the platform keeps failing, then recovers', async () => {
    const { plugin, attempts } = scriptedPlugin({ startFails: (n) => (n <= 4 ? new Error(`502 from platform (attempt ${n})`) : undefined) });
    const { sup, until, changes } = supervise(plugin);
    sup.start();
    await until((s) => s.state === 'running', 'recovery');
    expect(attempts).toHaveLength(5);
    const delays = changes.filter((c) => c.state === 'backoff').map((c) => c.nextRetryAt! - c.lastErrorAt!);
    expect(delays).toHaveLength(4);
    // 20, 40, 80, 80 ms (±20% jitter): growing, then capped.
    expect(delays[1]!).toBeGreaterThan(delays[0]! * 1.2);
    expect(Math.max(...delays)).toBeLessThanOrEqual(80 * 1.2 + 1);
    expect(sup.status().lastError).toBe('502 from platform (attempt 4)');
  });

  it('stops retrying when credentials are rejected, and says so', async () => {
    const { plugin, attempts } = scriptedPlugin({ startFails: () => new ChannelAuthError('the bot token was rejected (401); check channels.scripted.token') });
    const { sup, until } = supervise(plugin);
    sup.start();
    const s = await until((x) => x.state === 'failed', 'failed');
    expect(s).toMatchObject({ connected: false, lastError: expect.stringMatching(/401/) });
    expect(attempts).toHaveLength(1);
    await expect(sup.send({ to: { kind: 'direct', id: '1' }, text: 'x' }, 10)).rejects.toThrow(/not connected \(failed: the bot token was rejected/);
  });

  it('stop() during backoff ends the loop at once', async () => {
    const { plugin, attempts } = scriptedPlugin({ startFails: () => new Error('down') });
    const { sup, until } = supervise(plugin);
    sup.start();
    await until((s) => s.state === 'backoff', 'backoff');
    await sup.stop();
    const n = attempts.length;
    expect(sup.status().state).toBe('stopped');
    await new Promise((r) => setTimeout(r, 100));
    expect(attempts.length).toBe(n);
  });

  it('a send waits for a restarting account instead of failing', async () => {
    const { plugin, attempts } = scriptedPlugin();
    const { sup, until } = supervise(plugin);
    sup.start();
    await until((s) => s.state === 'running', 'connect');
    attempts[0]!.ctx.fail(new Error('dropped'));
    await until((s) => s.state === 'backoff', 'backoff');
    const res = await sup.send({ to: { kind: 'direct', id: '1' }, text: 'hi' }, 5000);
    expect(res.messageId).toBe('m2');
    expect(sup.status().lastOutboundAt).toBeGreaterThan(0);
  });
});
