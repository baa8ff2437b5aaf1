// Nostr end to end with an instant model: people send NIP-17 gift-wrapped DMs with nostr-tools to
// two real relays on loopback (@nostr-relay/core, on a thread of their own); the real gateway (its
// own process) reads both relays, de-duplicates, unwraps, runs the turn and publishes a
// gift-wrapped reply to both. We time from publishing the DM until a relay passes the reply on to
// its addressee. Baseline in the same run: a bare echo bot with nostr-tools on a thread of its own
// doing the same platform work (subscribe on both relays, verify, de-duplicate, unwrap, wrap the
// answer, publish it to both). See bench/nostr-threads.mjs.
//
//   node scripts/build-node.mjs && node bench/nostr.mjs [--quick]        → bench/results/nostr.json
import { once } from 'node:events';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AbstractRelay } from 'nostr-tools/abstract-relay';
import { wrapEvent } from 'nostr-tools/nip17';
import * as nip19 from 'nostr-tools/nip19';
import { generateSecretKey, getPublicKey } from 'nostr-tools/pure';
import { Relay, useWebSocketImplementation } from 'nostr-tools/relay';
import WebSocket from 'ws';
import { USERS, loadTs, runAsScript, runChannelBench, waitByChanges } from './channel-bench.mjs';
import { ROOT } from './lib.mjs';

useWebSocketImplementation(WebSocket);

const person = () => {
  const secretKey = generateSecretKey();
  return { secretKey, pubkey: getPublicKey(secretKey) };
};

/** A thread of bench/nostr-threads.mjs; resolves with its first message and a way to stop it. */
async function startThread(data) {
  const worker = new Worker(new URL('./nostr-threads.mjs', import.meta.url), { workerData: data });
  const [first] = await once(worker, 'message');
  return {
    first,
    async close() {
      worker.postMessage('close');
      await once(worker, 'exit');
    },
  };
}

async function startRelays() {
  await loadTs({ 'nostr-relay': 'test-support/nostr-relay/relay.ts' });
  const thread = await startThread({ role: 'relays', module: pathToFileURL(join(ROOT, 'out/bench/nostr-relay.mjs')).href });
  return { urls: thread.first, close: thread.close };
}

async function startNostr() {
  const relays = await startRelays();
  const bot = person();
  const people = new Map(Array.from({ length: USERS }, person).map((p) => [p.pubkey, p]));
  // People publish over connections they keep, as a client does.
  const outbox = await Promise.all(relays.urls.map((url) => Relay.connect(url)));
  // Their phones: a subscription per relay to wraps addressed to them, each counted once (the relay checked it).
  const counts = new Map();
  const seen = new Set();
  const wake = new Set();
  const inbox = await Promise.all(
    relays.urls.map(async (url) => {
      const relay = new AbstractRelay(url, { verifyEvent: () => true, websocketImplementation: WebSocket });
      await relay.connect();
      await new Promise((oneose) =>
        relay.subscribe([{ kinds: [1059], '#p': [...people.keys()] }], {
          oneose,
          onevent(event) {
            if (seen.has(event.id)) return;
            seen.add(event.id);
            const to = event.tags.find((t) => t[0] === 'p')?.[1];
            counts.set(to, (counts.get(to) ?? 0) + 1);
            for (const w of wake) w();
          },
        }),
      );
      return relay;
    }),
  );
  const nextReply = (ms) =>
    new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wake.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      wake.add(done);
    });
  return {
    bot,
    relays: relays.urls,
    users: [...people.keys()],
    async send(user, text) {
      const event = wrapEvent(people.get(user).secretKey, { publicKey: bot.pubkey }, text);
      await Promise.all(outbox.map((r) => r.publish(event)));
    },
    replies: (user) => counts.get(user) ?? 0,
    waitFor: waitByChanges(nextReply),
    channelConfig: async () => ({ privateKey: nip19.nsecEncode(bot.secretKey), relays: relays.urls }),
    async close() {
      for (const r of [...outbox, ...inbox]) r.close();
      await relays.close();
    },
  };
}

/** The floor: see bench/nostr-threads.mjs. */
async function echoBot({ bot, relays }) {
  const thread = await startThread({ role: 'echo', secretKey: [...bot.secretKey], pubkey: bot.pubkey, relays });
  return thread.close;
}

export const runNostrBench = (opts) => runChannelBench({ id: 'nostr', start: startNostr, echoBot }, opts);

await runAsScript(import.meta.url, 'nostr', runNostrBench);
