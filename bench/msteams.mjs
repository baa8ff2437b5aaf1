// Microsoft Teams end to end with an instant model: the fake Bot Connector posts a signed activity
// to the real gateway's messaging endpoint (its own process), which verifies the JWT, queues the
// message, runs the turn and replies through the Bot Connector REST API; we time from posting the
// activity to the reply reaching the fake. Baseline in the same run: a bare echo bot on the same
// fake doing the same platform work (verify the JWT against the same keys, reply with the SDK's
// ConnectorClient) and nothing else: the platform + SDK floor.
//
//   node scripts/build-node.mjs && node bench/msteams.mjs [--quick]     → bench/results/msteams.json
import { createServer } from 'node:http';
import { ConnectorClient, MessageFactory } from '@microsoft/agents-hosting';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { USERS, keyCounter, loadTs, runAsScript, runChannelBench } from './channel-bench.mjs';
import { freePort } from './lib.mjs';

/** Personal chats with the bot; one signed token serves every post, as the connector reuses its own. */
async function startTeams() {
  const { 'fake-msteams': { startFakeTeams } } = await loadTs({ 'fake-msteams': 'test-support/fake-msteams/fake-teams.ts' });
  const fake = await startFakeTeams();
  const token = await fake.signToken();
  const replies = keyCounter(() => fake.posted, (p) => (p.type === 'message' ? p.conversation : undefined));
  return {
    fake,
    users: Array.from({ length: USERS }, (_, i) => `29:${3001 + i}`),
    async send(user, text) {
      const res = await fake.postActivity(fake.dmActivity(user, text), { token });
      if (res.status !== 200) throw new Error(`endpoint answered ${res.status}`);
    },
    replies: (user) => replies(fake.personalConversation(user)),
    waitFor: (_user, check, timeoutMs) => fake.until(() => (check() ? true : undefined), timeoutMs, 'a reply'),
    async channelConfig() {
      const port = await freePort();
      fake.setWebhook(`http://127.0.0.1:${port}/api/messages`);
      return fake.adapterConfig({ port });
    },
    close: () => fake.close(),
  };
}

/** The floor: verify each activity's JWT, answer 200, echo it back through the SDK's ConnectorClient. */
async function echoBot({ fake }) {
  const config = fake.adapterConfig({ port: 0 });
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

export const runMsTeamsBench = (opts) => runChannelBench({ id: 'msteams', start: startTeams, echoBot }, opts);

await runAsScript(import.meta.url, 'msteams', runMsTeamsBench);
