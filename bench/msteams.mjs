// Microsoft Teams end to end with an instant model: the fake Bot Connector posts a signed activity
// to the real gateway's messaging endpoint (its own process), which verifies the JWT, queues the
// message, runs the turn and replies through the Bot Connector REST API; we time from posting the
// activity to the reply reaching the fake. Baseline in the same run: a bare echo bot on the same
// fake doing the same platform work (verify the JWT against the same keys, reply with the SDK's
// ConnectorClient) and nothing else: the platform + SDK floor.
//
//   node scripts/build-node.mjs && node bench/msteams.mjs [--quick]     → bench/results/msteams.json
import { once } from 'node:events';
import { createServer } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConnectorClient, MessageFactory } from '@microsoft/agents-hosting';
import { build } from 'esbuild';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { buildBenchFixtures } from './build-fixtures.mjs';
import { ROOT, connect, freePort, percentile, rssBytes, spawnGateway, tempState } from './lib.mjs';

const round = (n, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
const USERS = Array.from({ length: 8 }, (_, i) => `29:${3001 + i}`);

async function loadFakeTeams() {
  await build({
    entryPoints: { 'fake-msteams': join(ROOT, 'test-support/fake-msteams/fake-teams.ts') },
    outdir: join(ROOT, 'out/bench'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outExtension: { '.js': '.mjs' },
    logLevel: 'warning',
  });
  return import(pathToFileURL(join(ROOT, 'out/bench/fake-msteams.mjs')).href);
}

/** Closed loop per user: post a DM, wait for the reply in their chat, repeat. One signed token serves every post, as the connector reuses its own. */
async function drive(fake, durationMs) {
  const token = await fake.signToken();
  const lat = [];
  let n = 0;
  const end = performance.now() + durationMs;
  const t0 = performance.now();
  // Replies per conversation, counted once as they arrive.
  const counts = new Map();
  let scanned = 0;
  const replies = (user) => {
    for (; scanned < fake.posted.length; scanned++) {
      const p = fake.posted[scanned];
      if (p.type === 'message') counts.set(p.conversation, (counts.get(p.conversation) ?? 0) + 1);
    }
    return counts.get(fake.personalConversation(user)) ?? 0;
  };
  await Promise.all(
    USERS.map(async (user) => {
      let seen = replies(user);
      while (performance.now() < end) {
        const s0 = performance.now();
        const res = await fake.postActivity(fake.dmActivity(user, `m${n}`), { token });
        if (res.status !== 200) throw new Error(`endpoint answered ${res.status}`);
        await fake.until(() => (replies(user) > seen ? true : undefined), 30_000, 'a reply');
        seen = replies(user);
        lat.push(performance.now() - s0);
        n++;
      }
    }),
  );
  lat.sort((a, b) => a - b);
  const secs = (performance.now() - t0) / 1000;
  return { messages: n, messagesPerSec: round(n / secs, 1), p50Ms: round(percentile(lat, 50)), p99Ms: round(percentile(lat, 99)) };
}

/** The floor: verify each activity's JWT, answer 200, echo it back through the SDK's ConnectorClient. */
async function echoBot(fake, config) {
  const meta = await (await fetch(config.openIdMetadataUrl)).json();
  const keys = createRemoteJWKSet(new URL(meta.jwks_uri));
  const tokenRes = await fetch(`${config.authorityHost}/botframework.com/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: config.appId, client_secret: config.appPassword, scope: 'https://api.botframework.com/.default' }),
  });
  const { access_token: botToken } = await tokenRes.json();
  const server = createServer(async (req, res) => {
    const parts = [];
    for await (const p of req) parts.push(p);
    try {
      const activity = JSON.parse(Buffer.concat(parts).toString('utf8'));
      const { payload } = await jwtVerify((req.headers.authorization ?? '').slice(7), keys, { issuer: 'https://api.botframework.com', audience: config.appId });
      if (payload.serviceUrl !== activity.serviceUrl) throw new Error('serviceUrl');
      res.writeHead(200).end();
      await ConnectorClient.createClientWithToken(activity.serviceUrl, botToken).sendToConversation(activity.conversation.id, MessageFactory.text(`echo: ${activity.text}`));
    } catch {
      if (!res.headersSent) res.writeHead(401).end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  fake.setWebhook(`http://127.0.0.1:${server.address().port}/api/messages`);
  return () => new Promise((r) => server.close(r));
}

export async function runMsTeamsBench({ quick = false } = {}) {
  const { fake: fakeModel } = await buildBenchFixtures();
  const { startFakeTeams } = await loadFakeTeams();
  const model = new fakeModel.FakeOpenAIServer({ script: () => ({ text: 'ok' }) });
  await model.start();
  const durationMs = quick ? 3000 : 10_000;
  const out = { benchmark: 'msteams', when: new Date().toISOString(), quick, users: USERS.length };

  {
    const fake = await startFakeTeams();
    const stop = await echoBot(fake, fake.adapterConfig({ port: 0 }));
    await drive(fake, 500);
    out.echoBotBaseline = await drive(fake, durationMs);
    await stop();
    await fake.close();
  }

  {
    const fake = await startFakeTeams();
    const webhookPort = await freePort();
    fake.setWebhook(`http://127.0.0.1:${webhookPort}/api/messages`);
    const s = tempState();
    writeFileSync(
      join(s.stateDir, 'openclaw.json'),
      JSON.stringify({
        gateway: { auth: { mode: 'token', token: s.token } },
        logging: { file: join(s.dir, 'gateway.log'), level: 'warn' },
        models: { providers: { fake: { baseUrl: `${model.baseUrl}/v1`, apiKey: 'x', api: 'openai-completions', models: [{ id: 'instant' }] } } },
        agents: { defaults: { model: { primary: 'fake/instant' } } },
        session: { dmScope: 'per-channel-peer' },
        channels: { msteams: { ...fake.adapterConfig({ port: webhookPort }), dmPolicy: 'open', allowFrom: ['*'] } },
      }),
    );
    const port = await freePort();
    const child = spawnGateway(s.env, port);
    const c = await connect(`ws://127.0.0.1:${port}`, s.token, { retryUntil: Date.now() + 20_000 });
    for (;;) {
      const st = await c.call('channels.status');
      if (st.ok && st.payload.channelAccounts.msteams?.[0]?.connected) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await drive(fake, 1000);
    out.gateway = await drive(fake, durationMs);
    out.gateway.rssMiBAfter = (() => {
      const r = rssBytes(child.pid);
      return r === null ? null : round(r / 1048576, 1);
    })();
    out.ratioToEchoBot = {
      messagesPerSec: round(out.gateway.messagesPerSec / out.echoBotBaseline.messagesPerSec, 3),
      p50: round(out.gateway.p50Ms / out.echoBotBaseline.p50Ms, 2),
      p99: round(out.gateway.p99Ms / out.echoBotBaseline.p99Ms, 2),
    };
    c.close();
    child.kill('SIGTERM');
    await once(child, 'exit');
    await fake.close();
    s.cleanup();
  }
  await model.close();
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await runMsTeamsBench({ quick: process.argv.includes('--quick') });
  const file = join(ROOT, 'bench', 'results', 'msteams.json');
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(`written to ${file}\n`);
}
