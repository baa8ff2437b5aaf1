// Threads of their own for bench/nostr.mjs. NIP-17 costs several elliptic-curve operations per
// message (a wrap is tens of milliseconds of pure-JS crypto on this machine), so whatever shares a
// thread with the simulated people, who wrap every DM they send, is slowed by them:
//  - role 'relays': two real Nostr relays (test-support/nostr-relay), which check every signature;
//    posts their URLs.
//  - role 'echo': the echo bot, on its own thread as the gateway is in its own process (one
//    subscription per relay, each gift wrap opened once, the answer wrapped and published to every
//    relay); posts 'ready'.
// Both stop on 'close'.
import { parentPort, workerData } from 'node:worker_threads';
import { unwrapEvent, wrapEvent } from 'nostr-tools/nip17';
import { Relay, useWebSocketImplementation } from 'nostr-tools/relay';
import WebSocket from 'ws';

async function startRelays() {
  const { startTestRelay } = await import(workerData.module);
  const relays = [await startTestRelay(), await startTestRelay()];
  parentPort.postMessage(relays.map((r) => r.url));
  return () => Promise.all(relays.map((r) => r.close()));
}

async function startEchoBot() {
  useWebSocketImplementation(WebSocket);
  const secretKey = Uint8Array.from(workerData.secretKey);
  const relays = await Promise.all(workerData.relays.map((url) => Relay.connect(url)));
  const seen = new Set();
  const onevent = (event) => {
    if (seen.has(event.id)) return;
    seen.add(event.id);
    const rumor = unwrapEvent(event, secretKey);
    const reply = wrapEvent(secretKey, { publicKey: rumor.pubkey }, `echo: ${rumor.content}`);
    for (const relay of relays) relay.publish(reply).catch(() => undefined);
  };
  const subs = relays.map((relay) => relay.subscribe([{ kinds: [1059], '#p': [workerData.pubkey] }], { onevent }));
  parentPort.postMessage('ready');
  return () => {
    for (const sub of subs) sub.close();
    for (const relay of relays) relay.close();
  };
}

const stop = workerData.role === 'relays' ? await startRelays() : await startEchoBot();
parentPort.on('message', async (msg) => {
  if (msg !== 'close') return;
  await stop();
  parentPort.close();
});
