import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_DEFAULT_SCOPES } from '../../src-shared/protocol/index.js';
import { echoScript } from '../../test-support/fake-model-script.js';
import { FakeOpenAIServer } from '../../test-support/fake-openai.js';
import { generateDeviceKeys, runCli, spawnGateway } from '../../test-support/gateway.js';
import { postgresUnavailableReason, startTestPostgres, type TestPostgres } from '../../test-support/postgres.js';
import { makeTempState, type TempState } from '../../test-support/state-dir.js';
import { GatewayClient } from './gateway-client.js';

const TOKEN = 'storage-migrate-token-0123456789';

/**
 * `openclaw storage migrate --from sqlite --to postgres` on a populated install: every table copied with its
 * count verified, refused while the gateway runs or when the destination holds data, and afterwards the
 * gateway on PostgreSQL has the same sessions and transcripts.
 */
describe.skipIf(postgresUnavailableReason())('openclaw storage migrate', () => {
  let pg: TestPostgres;
  let model: FakeOpenAIServer;
  let s: TempState;
  const base = () => ({
    gateway: { auth: { mode: 'token', token: TOKEN } },
    models: { providers: { local: { baseUrl: `${model.baseUrl}/v1`, apiKey: 'x', api: 'openai-completions', models: [{ id: 'echo', contextWindow: 100_000, maxTokens: 500 }] } } },
    agents: { defaults: { model: { primary: 'local/echo' } } },
  });

  beforeAll(async () => {
    pg = await startTestPostgres();
    await pg.createDatabase('moved');
    model = new FakeOpenAIServer({ script: echoScript });
    await model.start();
    s = makeTempState(base());
  }, 120_000);
  afterAll(async () => {
    s?.cleanup();
    await model?.close();
    await pg?.stop();
  });

  const connect = (port: number) => GatewayClient.connect({ url: `ws://127.0.0.1:${port}`, token: TOKEN, device: generateDeviceKeys(), scopes: [...CLI_DEFAULT_SCOPES] });
  const history = async (c: GatewayClient, sessionKey: string) =>
    (await c.call('chat.history', { sessionKey, limit: 100 })).messages.map((m) => `${m.role}:${(m.content as { type: string; text?: string }[]).find((b) => b.type === 'text')?.text}`);

  it('copies a populated SQLite install into an empty PostgreSQL, and the gateway carries on there', async () => {
    // A used install: two conversations, a paired operator device.
    const first = await spawnGateway(s.env, ['--port', '0']);
    const c = await connect(first.port);
    for (const [i, key] of ['agent:main:alpha', 'agent:main:beta', 'agent:main:alpha'].entries()) {
      const { runId } = await c.call('chat.send', { sessionKey: key, message: `note ${i}`, idempotencyKey: `k${i}` });
      await c.call('agent.wait', { runId, timeoutMs: 20_000 });
    }
    const before = { alpha: await history(c, 'agent:main:alpha'), beta: await history(c, 'agent:main:beta'), sessions: (await c.call('sessions.list', {})).sessions.length };
    expect(before.alpha).toEqual(['user:note 0', 'assistant:note 0', 'user:note 2', 'assistant:note 2']);

    // While the gateway runs, nothing is copied.
    const busy = await runCli(['storage', 'migrate', '--to-url', pg.url('moved')], s.env);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toMatch(/a gateway is running on this state \(pid \d+\); stop it first/);
    c.close();
    first.child.kill('SIGTERM');
    await first.exited;

    const moved = await runCli(['storage', 'migrate', '--from', 'sqlite', '--to', 'postgres', '--to-url', pg.url('moved'), '--json'], s.env);
    expect(moved.code, moved.stderr + moved.stdout).toBe(0);
    const report = JSON.parse(moved.stdout) as { ok: boolean; tables: { table: string; source: number; destination: number }[] };
    expect(report.ok).toBe(true);
    const count = (t: string) => report.tables.find((x) => x.table === t);
    expect(count('sessions')).toEqual({ table: 'sessions', source: 2, destination: 2 });
    expect(count('transcript')).toEqual({ table: 'transcript', source: 6, destination: 6 });
    expect(count('inbound_queue')?.destination).toBe(3);
    expect(count('devices')?.destination).toBeGreaterThanOrEqual(1);

    // A second copy into the same database would mix two installs: refused, naming what is there.
    const again = await runCli(['storage', 'migrate', '--to-url', pg.url('moved')], s.env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/nothing was changed in sqlite: the destination already holds data \(.*sessions: 2 rows/);

    // The gateway on PostgreSQL: the same conversations, and new turns go on after the copied ones.
    s.writeConfig({ ...base(), storage: { backend: 'postgres', postgres: { url: pg.url('moved') } }, logging: { file: s.logFile } });
    const second = await spawnGateway(s.env, ['--port', '0']);
    try {
      const c2 = await connect(second.port);
      expect(await history(c2, 'agent:main:alpha')).toEqual(before.alpha);
      expect(await history(c2, 'agent:main:beta')).toEqual(before.beta);
      expect((await c2.call('sessions.list', {})).sessions.length).toBe(before.sessions);
      const status = await c2.call('status', {});
      expect(status.host?.storePath).toMatch(/^postgres:\/\//);
      const { runId } = await c2.call('chat.send', { sessionKey: 'agent:main:beta', message: 'after the move', idempotencyKey: 'k-after' });
      expect((await c2.call('agent.wait', { runId, timeoutMs: 20_000 })).status).toBe('ok');
      expect((await history(c2, 'agent:main:beta')).slice(-2)).toEqual(['user:after the move', 'assistant:after the move']);
      c2.close();
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  }, 120_000);

  it('names what is wrong: an unknown backend, and no PostgreSQL to copy to', async () => {
    const t = makeTempState(base());
    try {
      const bad = await runCli(['storage', 'migrate', '--to', 'mysql'], t.env);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('unknown storage backend "mysql": use sqlite or postgres');
      const nowhere = await runCli(['storage', 'migrate'], t.env);
      expect(nowhere.code).toBe(2);
      expect(nowhere.stderr).toContain('no PostgreSQL to copy to: set storage.postgres.url');
    } finally {
      t.cleanup();
    }
  });
});
