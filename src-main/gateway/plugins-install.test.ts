/**
 * A third-party plugin, end to end: the example folder is packed with `npm pack`, installed with
 * `openclaw plugins install <tgz>` into a running gateway's home, and then used as a user would: the agent
 * calls its tool (through the fake model's scripted tool call), a client calls its namespaced method, and
 * `config set` enforces its settings schema. Also tried: a bad archive and a clashing id are refused
 * before anything is put in place; disable and uninstall take it away.
 */
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClient } from '../cli/gateway-client.js';
import { generateDeviceKeys } from '../nodes/device-keys.js';
import { endsWithToolResult, lastUserText } from '../../test-support/fake-model-script.js';
import { FakeOpenAIServer } from '../../test-support/fake-openai.js';
import { runCli, spawnGateway, type SpawnedGateway } from '../../test-support/gateway.js';
import { fixtureDir } from '../../test-support/plugin-fixtures/index.js';
import { makeTempState, type TempState } from '../../test-support/state-dir.js';

const token = 'plugins-install-token-0123456789';
let fake: FakeOpenAIServer;
let s: TempState;
let gw: SpawnedGateway;
let client: GatewayClient;
let tgz: string;
let packDir: string;
let relay: RelayFake;

/** A small chat server the plugin's channel talks to: long-polled updates, posted replies, a bearer token. */
interface RelayFake {
  url: string;
  token: string;
  say(from: string, text: string): void;
  nextSent(): Promise<{ to: string; text: string }>;
  close(): Promise<void>;
}

async function startRelay(): Promise<RelayFake> {
  const token = 'relay-token-12345';
  const inbox: { id: number; from: string; text: string }[] = [];
  const sent: { to: string; text: string }[] = [];
  const pollers = new Set<() => void>();
  const sentWaiters: ((m: { to: string; text: string }) => void)[] = [];
  let nextId = 1;
  const server = createServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${token}`) return void res.writeHead(401).end();
    const url = new URL(req.url ?? '/', 'http://relay');
    const json = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (url.pathname === '/hello') return json({ ok: true });
    if (url.pathname === '/updates') {
      const since = Number(url.searchParams.get('since') ?? 0);
      const answer = () => json({ messages: inbox.filter((m) => m.id > since) });
      if (inbox.some((m) => m.id > since)) return answer();
      // Long poll: answer when something arrives, or empty after a while.
      const done = () => {
        pollers.delete(done);
        clearTimeout(timer);
        answer();
      };
      const timer = setTimeout(done, 1000);
      pollers.add(done);
      return;
    }
    if (url.pathname === '/send' && req.method === 'POST') {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const m = JSON.parse(body) as { to: string; text: string };
        sent.push(m);
        sentWaiters.shift()?.(m);
        json({ id: sent.length });
      });
      return;
    }
    res.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    say(from, text) {
      inbox.push({ id: nextId++, from, text });
      for (const p of [...pollers]) p();
    },
    nextSent: () => new Promise((resolve) => sentWaiters.push(resolve)),
    close: () => new Promise((resolve) => {
      for (const p of [...pollers]) p();
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
const cli = (args: string[]) => runCli(args, { ...s.env, OPENCLAW_GATEWAY_PORT: String(gw.port), OPENCLAW_GATEWAY_TOKEN: token });

beforeAll(async () => {
  fake = new FakeOpenAIServer({
    // Asked about the weather, the model calls the plugin's tool, then answers with what it returned.
    script: (req) => {
      if (endsWithToolResult(req)) {
        const last = req.messages.at(-1) as { content?: unknown };
        return { text: `Forecast says: ${typeof last.content === 'string' ? last.content : JSON.stringify(last.content)}` };
      }
      return /weather in (\w+)/i.test(lastUserText(req)) ? { toolCalls: [{ name: 'weather_forecast', input: { city: /weather in (\w+)/i.exec(lastUserText(req))![1] } }] } : { text: 'ok' };
    },
  });
  await fake.start();
  relay = await startRelay();
  s = makeTempState({
    gateway: { auth: { mode: 'token', token }, reload: { debounceMs: 20 } },
    models: { providers: { local: { baseUrl: `${fake.baseUrl}/v1`, apiKey: 'x', api: 'openai-completions', models: [{ id: 'echo', contextWindow: 100_000, maxTokens: 500 }] } } },
    agents: { defaults: { model: { primary: 'local/echo' } } },
  });
  gw = await spawnGateway(s.env, ['--port', '0']);
  client = await GatewayClient.connect({ url: `ws://127.0.0.1:${gw.port}`, token, device: generateDeviceKeys(), scopes: ['operator.read', 'operator.write', 'operator.admin'] });
  // Packed exactly as its author would publish it.
  packDir = mkdtempSync(join(tmpdir(), 'openclaw-pack-'));
  cpSync(fixtureDir('weather'), join(packDir, 'src'), { recursive: true });
  const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', packDir], { cwd: join(packDir, 'src'), encoding: 'utf8' }).trim().split('\n').at(-1)!;
  tgz = join(packDir, name);
}, 60_000);

afterAll(async () => {
  client?.close();
  gw?.child.kill('SIGTERM');
  await gw?.exited;
  await fake?.close();
  await relay?.close();
  s?.cleanup();
  rmSync(packDir, { recursive: true, force: true });
});

describe('installing a third-party plugin into a running gateway', () => {
  it('installs the packed archive, and the running gateway loads it out of process', async () => {
    const r = await cli(['plugins', 'install', tgz]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Installed weather 1\.2\.0 in .*extensions\/weather/);
    expect(r.stdout).toMatch(/The gateway sees it: enabled/);
    const list = await cli(['plugins', 'list', '--json']);
    const weather = (JSON.parse(list.stdout) as { plugins: Array<Record<string, unknown>> }).plugins.find((p) => p.id === 'weather');
    expect(weather).toMatchObject({ source: 'installed', enabled: true, isolation: 'process', version: '1.2.0', kind: ['skill', 'channel'] });
    expect(['loaded', 'not-loaded']).toContain(weather!.state);
  });

  it('the agent calls the plugin tool', async () => {
    const { runId } = await client.call<{ runId: string }>('chat.send', { sessionKey: 'agent:main:main', message: 'what is the weather in Oslo?', idempotencyKey: 'w1' });
    const done = await client.call<{ status: string; text?: string }>('agent.wait', { runId, timeoutMs: 20_000 }, { timeoutMs: 25_000 });
    expect(done.status).toBe('ok');
    const history = await client.call<{ messages: Array<{ role: string; content: unknown }> }>('chat.history', { sessionKey: 'agent:main:main', limit: 10 });
    expect(JSON.stringify(history.messages)).toContain('Oslo: snow, -3°C');
    expect((await client.call<{ plugins: Array<{ id: string; state: string }> }>('plugins.list', {})).plugins.find((p) => p.id === 'weather')?.state).toBe('loaded');
  });

  it('a client calls its namespaced method, with params checked by its schema', async () => {
    await expect(client.call('weather.forecast', { city: 'Lisbon' })).resolves.toEqual({ text: 'Lisbon: sun, 19°C' });
    await expect(client.call('weather.forecast', { town: 'Lisbon' })).rejects.toThrow(/weather\.forecast|city|town/);
    const viaCli = await cli(['gateway', 'call', 'weather.forecast', '--params', '{"city":"Tokyo"}', '--json']);
    expect(viaCli.code, viaCli.stderr).toBe(0);
    expect(viaCli.stdout).toContain('Tokyo: rain, 12°C');
  });

  it('config set is checked by the plugin schemas', async () => {
    const bad = await cli(['config', 'set', 'channels.relaychat.token', 'short']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/channels\.relaychat\.token/);
    const wrongType = await cli(['config', 'set', 'channels.relaychat', '{ token: "long-enough-token", room: 5 }']);
    expect(wrongType.code).not.toBe(0);
    expect(wrongType.stderr).toMatch(/channels\.relaychat\.room/);
    const ok = await cli(['config', 'set', 'channels.relaychat', '{ token: "long-enough-token", room: "lobby", enabled: false }']);
    expect(ok.code, ok.stderr).toBe(0);
    const badUnits = await cli(['config', 'set', 'plugins.entries.weather.config.units', 'kelvin']);
    expect(badUnits.code).not.toBe(0);
    expect(badUnits.stderr).toMatch(/plugins\.entries\.weather\.config\.units/);
    const snap = await client.call<{ hash: string }>('config.get', {});
    await expect(client.call('config.patch', { raw: JSON.stringify({ plugins: { entries: { weather: { config: { colour: 'red' } } } } }), baseHash: snap.hash })).rejects.toThrow(/plugins\.entries\.weather\.config/);
    const good = await cli(['config', 'set', 'plugins.entries.weather.config.units', 'imperial']);
    expect(good.code, good.stderr).toBe(0);
    const unknownChannel = await cli(['config', 'set', 'channels.nochat.token', 'abc']);
    expect(unknownChannel.code).not.toBe(0);
    expect(unknownChannel.stderr).toMatch(/no plugin provides channel "nochat"/);
  });

  it('its channel talks to the platform: a Relay Chat user is answered by the agent', async () => {
    // The channel runs in the plugin's own process, like its tool and method.
    const channel = await cli(['config', 'set', 'channels.relaychat', JSON.stringify({ token: relay.token, apiRoot: relay.url, dmPolicy: 'open', allowFrom: ['*'] })]);
    expect(channel.code, channel.stderr).toBe(0);
    relay.say('ana', 'what is the weather in Tokyo?');
    const reply = await relay.nextSent();
    expect(reply).toEqual({ to: 'ana', text: expect.stringContaining('Tokyo: rain, 54°F') });
    const status = await client.call<any>('channels.status', {});
    expect(status.channelOrder).toContain('relaychat');
    expect(status.channelAccounts.relaychat[0]).toMatchObject({ connected: true });
    expect((await client.call<any>('plugins.info', { id: 'weather' })).plugin.isolation).toBe('process');
  });

  it('refuses a clashing id and a broken archive before anything is put in place', async () => {
    const again = await cli(['plugins', 'install', tgz]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/already installed|--force/);
    const broken = join(packDir, 'broken.tgz');
    execFileSync('sh', ['-c', `printf 'not a tarball' > ${JSON.stringify(broken)}`]);
    const r = await cli(['plugins', 'install', broken]);
    expect(r.code).not.toBe(0);
    expect(readdirSync(join(s.stateDir, 'extensions')).filter((d) => !d.startsWith('.'))).toEqual(['weather']);
  });

  it('disable takes its tool and method away at once; uninstall removes it', async () => {
    const off = await cli(['plugins', 'disable', 'weather']);
    expect(off.code, off.stderr).toBe(0);
    await expect(client.call('weather.forecast', { city: 'Oslo' })).rejects.toThrow(/unknown method/);
    const on = await cli(['plugins', 'enable', 'weather']);
    expect(on.code, on.stderr).toBe(0);
    await expect(client.call('weather.forecast', { city: 'Oslo' })).resolves.toEqual({ text: 'Oslo: snow, 27°F' });
    const gone = await cli(['plugins', 'uninstall', 'weather']);
    expect(gone.code, gone.stderr).toBe(0);
    expect(existsSync(join(s.stateDir, 'extensions', 'weather'))).toBe(false);
    await expect(client.call('weather.forecast', { city: 'Oslo' })).rejects.toThrow(/unknown method/);
  });
});
