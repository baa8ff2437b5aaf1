import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { echoScript } from '../../test-support/fake-model-script.js';
import { FakeOpenAIServer } from '../../test-support/fake-openai.js';
import { FakeTelegram } from '../../test-support/fake-telegram/fake-telegram.js';
import { freePort } from '../../test-support/free-port.js';
import { CLI_BIN, runCli, untilListening, type SpawnedGateway } from '../../test-support/gateway.js';

const PROFILES = ['a', 'b'] as const;

/**
 * Two instances on one host: `openclaw --profile a gateway` and `--profile b gateway` side by side, each
 * with its own state dir, config, lock, log file, token and Telegram bot; each answers its own bot only,
 * and `openclaw --profile b status` talks to b.
 */
describe('two profiles on one host', () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  let model: FakeOpenAIServer;
  const bots = new Map<string, FakeTelegram>();
  const gateways = new Map<string, SpawnedGateway & { configuredPort: number }>();

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'openclaw-profiles-'));
    // Only this home: no state dir, config or gateway address from the surrounding environment.
    env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OPENCLAW_')));
    Object.assign(env, { HOME: home, OPENCLAW_HOME: home });
    model = new FakeOpenAIServer({ script: echoScript });
    await model.start();
    for (const p of PROFILES) {
      const bot = await FakeTelegram.start({ token: `${p === 'a' ? 111 : 222}111:profile-${p}-token`, bot: { username: `profile_${p}_bot` } });
      bot.api.addUser({ id: 7001, first_name: 'Owner' });
      bots.set(p, bot);
      const stateDir = join(home, `.openclaw-${p}`);
      mkdirSync(stateDir, { recursive: true, mode: 0o700 });
      const port = await freePort();
      writeFileSync(
        join(stateDir, 'openclaw.json'),
        JSON.stringify({
          gateway: { port },
          logging: { file: join(stateDir, 'logs', `gateway-${p}.log`) },
          models: { providers: { local: { baseUrl: `${model.baseUrl}/v1`, apiKey: 'x', api: 'openai-completions', models: [{ id: 'echo', contextWindow: 100_000, maxTokens: 500 }] } } },
          agents: { defaults: { model: { primary: 'local/echo' } } },
          channels: { telegram: { botToken: bot.token, apiRoot: bot.apiRoot, dmPolicy: 'open', allowFrom: ['*'], livenessMs: 3000 } },
        }),
      );
      const g = await untilListening(spawn(process.execPath, [CLI_BIN, '--profile', p, 'gateway'], { env, stdio: ['ignore', 'pipe', 'pipe'] }));
      gateways.set(p, { ...g, configuredPort: port });
    }
  }, 120_000);
  afterAll(async () => {
    for (const g of gateways.values()) g.child.kill('SIGTERM');
    await Promise.all([...gateways.values()].map((g) => g.exited));
    for (const b of bots.values()) await b.close();
    await model?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('keeps each profile to its own port, state, token and log file', async () => {
    for (const p of PROFILES) {
      const g = gateways.get(p)!;
      expect(g.port).toBe(g.configuredPort);
      const stateDir = join(home, `.openclaw-${p}`);
      expect(existsSync(join(stateDir, 'state', 'openclaw.sqlite'))).toBe(true);
      expect(existsSync(join(stateDir, 'logs', `gateway-${p}.log`))).toBe(true);
    }
    expect(existsSync(join(home, '.openclaw'))).toBe(false);
    // Each generated its own token.
    const tokenOf = (p: string) => readFileSync(join(home, `.openclaw-${p}`, 'credentials', 'gateway.token'), 'utf8').trim();
    expect(tokenOf('a')).not.toBe(tokenOf('b'));
  });

  it('answers each bot from its own gateway only', async () => {
    for (const p of PROFILES) await bots.get(p)!.post({ chat: 7001, from: 7001, text: `hello ${p}` });
    for (const p of PROFILES) {
      const bot = bots.get(p)!;
      for (const deadline = Date.now() + 20_000; !bot.api.sent.length && Date.now() < deadline; ) await bot.changes.wait(deadline - Date.now());
      expect(bot.api.sent.map((m) => m.text)).toEqual([`hello ${p}`]);
    }
  });

  it('points the CLI at the profile it names', async () => {
    for (const p of PROFILES) {
      const r = await runCli(['--profile', p, 'status', '--json'], env);
      expect(r.code, r.stderr).toBe(0);
      expect((JSON.parse(r.stdout) as { gateway: { port: number } }).gateway.port).toBe(gateways.get(p)!.port);
    }
  });
});
