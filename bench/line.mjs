// LINE end to end with an instant model: the fake Messaging API signs each user's message event
// (HMAC-SHA256 of the body with the channel secret) and POSTs it to the real gateway's webhook
// endpoint (its own process), which verifies the signature, queues the message, runs the turn and
// answers with the event's reply token through `@line/bot-sdk`. Baseline in the same run: a bare
// echo bot doing the same platform work (the SDK's `validateSignature`, then `replyMessage`).
// Webhooks go out as they are made, one per user at a time, as LINE sends them concurrently.
//
//   node scripts/build-node.mjs && node bench/line.mjs [--quick]         → bench/results/line.json
import { createServer } from 'node:http';
import { messagingApi, validateSignature } from '@line/bot-sdk';
import { USERS, keyCounter, loadTs, runAsScript, runChannelBench, waitByChanges } from './channel-bench.mjs';
import { freePort } from './lib.mjs';

async function startLine() {
  const { 'fake-line': { FAKE_BOT_USER_ID, lineId, startFakeLine } } = await loadTs({ 'fake-line': 'test-support/fake-line/fake-line.ts' });
  const fake = await startFakeLine();
  const replies = keyCounter(() => fake.sent, (s) => s.peer);
  return {
    fake,
    users: Array.from({ length: USERS }, (_, i) => lineId('U', `user${i}`)),
    async send(user, text) {
      const status = await fake.postWebhook({ destination: FAKE_BOT_USER_ID, events: [{ ...fake.textEvent(user, text), deliveryContext: { isRedelivery: false } }] });
      if (status !== 200) throw new Error(`webhook answered ${status}`);
    },
    replies,
    waitFor: waitByChanges((left) => fake.waitForSent(fake.sent.length + 1, left)),
    async channelConfig() {
      const port = await freePort();
      fake.setWebhook(`http://127.0.0.1:${port}/line`);
      return fake.adapterConfig({ port });
    },
    close: () => fake.close(),
  };
}

/** The floor: check the signature, answer 200, reply with the event's reply token. */
async function echoBot({ fake }) {
  const client = new messagingApi.MessagingApiClient({ channelAccessToken: fake.accessToken, baseURL: fake.baseUrl });
  const server = createServer(async (req, res) => {
    const parts = [];
    for await (const p of req) parts.push(p);
    const body = Buffer.concat(parts);
    if (!validateSignature(body, fake.channelSecret, String(req.headers['x-line-signature'] ?? ''))) return void res.writeHead(401).end();
    res.writeHead(200).end();
    for (const event of JSON.parse(body.toString('utf8')).events) {
      if (event.type === 'message' && event.message.type === 'text') await client.replyMessage({ replyToken: event.replyToken, messages: [{ type: 'text', text: `echo: ${event.message.text}` }] });
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  fake.setWebhook(`http://127.0.0.1:${server.address().port}/line`);
  return () => new Promise((r) => server.close(r));
}

export const runLineBench = (opts) => runChannelBench({ id: 'line', start: startLine, echoBot }, opts);

await runAsScript(import.meta.url, 'line', runLineBench);
