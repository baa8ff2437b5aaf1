// A channel whose "platform" is a small HTTP server on 127.0.0.1 that the
// adapter opens on start (its port lands in `<dataDir>/port`):
//   POST /inbound {id, text}  emits the message and answers once emit resolved
//   GET  /state               the message ids acknowledged so far
//   POST /fail                reports a dead connection through ctx.fail
//   POST /crash               exits the process
//   POST /remember {entries}  writes them to the account's state in the gateway store (ctx.state)
//   GET  /recall              what ctx.state holds (every key), or {none: true} without one
// describe() reports the bot name and how many messages came in. A send of the text "hang" never answers.
// Sends are appended to `<dataDir>/sent.jsonl`. QR login shows two codes, then links (writing
// `<dataDir>/creds.json`), or with `config.waitForever` waits until it is cancelled; logout removes the file.
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

class RateLimited extends Error {
  name = 'ChannelRateLimitError';
  retryAfterMs = 1500;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (body += c));
    req.on('end', () => resolve(body ? JSON.parse(body) : {}));
    req.on('error', reject);
  });
}

export default {
  id: 'procchat',
  register(api) {
    api.registerChannel({
      id: 'procchat',
      label: 'Process Chat',
      capabilities: { textLimit: 1000, format: 'plain', media: false, threads: false, livenessMs: 60000, qrLogin: true },
      async login(account, ctx, events) {
        events.onQr('qr-1');
        if (account.config.waitForever) {
          await new Promise((_resolve, reject) => events.signal.addEventListener('abort', () => reject(new Error('login cancelled')), { once: true }));
        }
        events.onQr('qr-2');
        mkdirSync(ctx.dataDir, { recursive: true });
        writeFileSync(join(ctx.dataDir, 'creds.json'), JSON.stringify({ account: account.id }));
        return { linkedAs: `procchat:${account.id}` };
      },
      async logout(_account, ctx) {
        rmSync(join(ctx.dataDir, 'creds.json'), { force: true });
      },
      create(account, ctx) {
        const acked = [];
        let server;
        let n = 0;
        const reply = (res, status, json) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(json));
        };
        const handle = async (req, res) => {
          if (req.method === 'GET' && req.url === '/state') return reply(res, 200, { acked, aborted: ctx.signal.aborted });
          if (req.method === 'POST' && req.url === '/crash') process.exit(5);
          if (req.method === 'POST' && req.url === '/remember') {
            await ctx.state.set((await readBody(req)).entries);
            return reply(res, 200, { remembered: true });
          }
          if (req.method === 'GET' && req.url === '/recall') return reply(res, 200, ctx.state ? Object.fromEntries(await ctx.state.list('')) : { none: true });
          if (req.method === 'POST' && req.url === '/fail') {
            ctx.fail(new Error('socket closed by the platform'));
            return reply(res, 200, { failed: true });
          }
          if (req.method === 'POST' && req.url === '/inbound') {
            const { id, text } = await readBody(req);
            ctx.heartbeat();
            await ctx.emit({
              channel: ctx.channel,
              accountId: ctx.accountId,
              messageId: id,
              senderId: 'u:1',
              peer: { kind: 'direct', id: 'u:1' },
              text,
              timestampMs: Date.now(),
            });
            // Acknowledge the platform only after the gateway queued the message.
            acked.push(id);
            return reply(res, 200, { acked: id });
          }
          reply(res, 404, {});
        };
        return {
          async start() {
            if (!account.config.token) throw new Error('token is missing');
            mkdirSync(ctx.dataDir, { recursive: true });
            server = createServer((req, res) => handle(req, res).catch((err) => reply(res, 500, { error: String(err?.message ?? err) })));
            await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
            writeFileSync(join(ctx.dataDir, 'port'), String(server.address().port));
            ctx.log.info('listening', { account: account.id });
            ctx.heartbeat();
          },
          async stop() {
            if (!server) return;
            const closed = new Promise((resolve) => server.close(() => resolve()));
            server.closeAllConnections();
            await closed;
          },
          async send(msg) {
            if (msg.text === 'slow down') throw new RateLimited('too many messages');
            if (msg.text === 'hang') return new Promise(() => {});
            appendFileSync(join(ctx.dataDir, 'sent.jsonl'), `${JSON.stringify(msg)}\n`);
            return { messageId: `s${++n}` };
          },
          describe() {
            return { botName: 'procbot', inbound: acked.length };
          },
          async sendTyping(to) {
            appendFileSync(join(ctx.dataDir, 'sent.jsonl'), `${JSON.stringify({ typing: to })}\n`);
          },
        };
      },
    });
  },
};
