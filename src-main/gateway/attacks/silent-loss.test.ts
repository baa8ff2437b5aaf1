/**
 * Attack: make the gateway lose state silently. Tried, each against a spawned gateway:
 * - the config file truncated to empty while running (it used to reload to defaults: providers, tool policy and
 *   the log file gone);
 * - the SQLite database deleted while running (health stayed OK and new turns went into a deleted file);
 * - the database locked exclusively by another process (the client got "see the gateway log" and the log said nothing).
 * Expected: the last good config keeps running and health says why; the store notices, refuses new work with a
 * clear error, turns health red and saves what it still holds; every storage failure is logged once with its cause.
 */
import fs from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { GatewayClient } from '../../cli/gateway-client.js';
import { generateDeviceKeys } from '../../nodes/device-keys.js';
import { echoScript } from '../../../test-support/fake-model-script.js';
import { FakeOpenAIServer } from '../../../test-support/fake-openai.js';
import { spawnGateway, type SpawnedGateway } from '../../../test-support/gateway.js';
import { logOffset, waitForLogLine } from '../../../test-support/log-wait.js';
import { makeTempState, type TempState } from '../../../test-support/state-dir.js';

const token = 'silent-loss-token-0123456789';
let fake: FakeOpenAIServer;
let s: TempState;
let gw: SpawnedGateway | undefined;
let client: GatewayClient | undefined;

const config = () => ({
  gateway: { auth: { mode: 'token', token }, reload: { debounceMs: 20 } },
  models: { providers: { local: { baseUrl: `${fake.baseUrl}/v1`, apiKey: 'x', api: 'openai-completions', models: [{ id: 'echo', contextWindow: 100_000, maxTokens: 500 }] } } },
  agents: { defaults: { model: { primary: 'local/echo' } } },
});

async function start(): Promise<GatewayClient> {
  s = makeTempState(config());
  gw = await spawnGateway(s.env, ['--port', '0']);
  client = await GatewayClient.connect({ url: `ws://127.0.0.1:${gw.port}`, token, device: generateDeviceKeys(), scopes: ['operator.read', 'operator.write', 'operator.admin'] });
  return client;
}

async function turn(c: GatewayClient, text: string): Promise<string> {
  const { runId } = await c.call<{ runId: string }>('chat.send', { sessionKey: 'agent:main:main', message: text, idempotencyKey: `k-${text}` });
  const done = await c.call<{ status: string }>('agent.wait', { runId, timeoutMs: 20_000 }, { timeoutMs: 25_000 });
  return done.status;
}

const nextHealth = (c: GatewayClient, pred: (h: any) => boolean) =>
  new Promise<any>((resolve) => {
    const off = c.on((event, payload: any) => {
      if (event === 'health' && pred(payload)) {
        off();
        resolve(payload);
      }
    });
  });

beforeAll(async () => {
  fake = new FakeOpenAIServer({ script: echoScript });
  await fake.start();
});
afterAll(async () => {
  await fake.close();
});
afterEach(async () => {
  client?.close();
  gw?.child.kill('SIGKILL');
  await gw?.exited;
  s?.cleanup();
});

describe('no silent resets, no silent loss', () => {
  it('a config file truncated to empty keeps the last good config running and says so', async () => {
    const c = await start();
    expect(await turn(c, 'before')).toBe('ok');
    const invalid = nextHealth(c, (h) => h.configReload.hotReloadStatus === 'invalid');
    const from = logOffset(s.logFile);
    fs.writeFileSync(s.configPath, '');
    const h = await invalid;
    expect(h.ok).toBe(false);
    expect(h.configReload.lastError).toMatch(/the file is empty; restore it/);
    // Still the configured provider (not a default), and the configured log file still gets the lines.
    expect(await turn(c, 'after')).toBe('ok');
    expect((fake.requests.at(-1)?.body as { model?: string } | undefined)?.model).toBe('echo');
    await waitForLogLine(s.logFile, /config reload skipped \(invalid config\)/, 5000, from);
  });

  it('a database deleted while running turns health red, refuses new work clearly and keeps the data', async () => {
    const c = await start();
    expect(await turn(c, 'remember me')).toBe('ok');
    const dbFile = join(s.stateDir, 'state', 'openclaw.sqlite');
    const red = nextHealth(c, (h) => h.storage?.ok === false);
    fs.rmSync(dbFile);
    const h = await red;
    expect(h.ok).toBe(false);
    expect(h.storage.error).toMatch(/was deleted while the gateway was running/);
    await expect(c.call('chat.send', { sessionKey: 'agent:main:main', message: 'into the void', idempotencyKey: 'void' })).rejects.toThrow(
      /storage unavailable: the database file .* was deleted/,
    );
    expect(fs.existsSync(dbFile)).toBe(false);
    await waitForLogLine(s.logFile, /saved the data of the lost database file/);
    const copyPath = (await c.call<any>('health', {})).storage.recoveredCopy;
    const copy = new Database(copyPath, { readonly: true });
    const texts = copy.prepare('SELECT content_json FROM transcript').all() as Array<{ content_json: string }>;
    copy.close();
    expect(texts.map((t) => t.content_json).join('\n')).toContain('remember me');
    await waitForLogLine(s.logFile, /storage lost its database file/);
  });

  it('a database locked by another process is logged once with its cause and the client is told why', async () => {
    const c = await start();
    expect(await turn(c, 'warm')).toBe('ok');
    const other = new Database(join(s.stateDir, 'state', 'openclaw.sqlite'));
    other.exec('BEGIN IMMEDIATE');
    try {
      // Waits out the store's busy timeout (5 s), then fails with words a person can act on.
      await expect(c.call('chat.send', { sessionKey: 'agent:main:main', message: 'locked out', idempotencyKey: 'locked' }, { timeoutMs: 15_000 })).rejects.toThrow(
        /storage unavailable: the database is locked by another process/,
      );
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    const line = await waitForLogLine(s.logFile, /"storage failure"/);
    expect(JSON.stringify(line)).toMatch(/SQLITE_BUSY/);
    expect((await c.call<any>('health', {})).storage).toMatchObject({ ok: false });
    expect(await turn(c, 'after the lock')).toBe('ok');
  }, 30_000);
});
