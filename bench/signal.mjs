// Signal end to end with an instant model: contacts write to the linked account on a fake
// signal-cli HTTP daemon; the real gateway (its own process) reads the `receive` events from the
// daemon's event stream, runs the turn and answers with a JSON-RPC `send`. Baseline in the same run:
// a bare echo bot speaking the same daemon API (server-sent events in, JSON-RPC `send` out).
//
//   node scripts/build-node.mjs && node bench/signal.mjs [--quick]       → bench/results/signal.json
import { randomUUID } from 'node:crypto';
import { USERS, keyCounter, loadTs, runAsScript, runChannelBench } from './channel-bench.mjs';

async function startSignal() {
  const { 'fake-signal': { FakeSignalCli } } = await loadTs({ 'fake-signal': 'test-support/fake-signal/fake-signal-cli.ts' });
  const fake = await new FakeSignalCli().listen();
  // The fake comes with three contacts; the rest are added the same way.
  while (fake.humans.length < USERS) fake.humans.push({ number: `+1555000${String(200 + fake.humans.length).padStart(4, '0')}`, uuid: randomUUID(), name: `User${fake.humans.length}` });
  const replies = keyCounter(() => fake.sent, (s) => s.recipient);
  return {
    fake,
    users: fake.humans.map((h) => h.number),
    send: async (user, text) => void fake.say({ from: user, text }),
    replies,
    waitFor: (_user, check, timeoutMs) => fake.waitUntil(check, 'a reply', timeoutMs),
    channelConfig: async () => ({ httpUrl: fake.httpUrl, account: fake.account }),
    close: () => fake.close(),
  };
}

/** The floor: read the event stream, answer each data message with a JSON-RPC `send`. */
async function echoBot({ fake }) {
  const abort = new AbortController();
  const rpc = (method, params) =>
    fetch(`${fake.httpUrl}/api/v1/rpc`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: randomUUID(), method, params: { ...params, account: fake.account } }) }).then((r) => r.json());
  const res = await fetch(`${fake.httpUrl}/api/v1/events`, { signal: abort.signal });
  const reading = (async () => {
    let buffer = '';
    for await (const chunk of res.body.pipeThrough(new TextDecoderStream())) {
      buffer += chunk;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block.split('\n').find((l) => l.startsWith('data:'));
        const envelope = data && JSON.parse(data.slice(5)).envelope;
        if (envelope?.dataMessage?.message) void rpc('send', { recipient: [envelope.sourceNumber], message: `echo: ${envelope.dataMessage.message}` });
      }
    }
  })().catch(() => undefined);
  return async () => {
    abort.abort();
    await reading;
  };
}

export const runSignalBench = (opts) => runChannelBench({ id: 'signal', start: startSignal, echoBot }, opts);

await runAsScript(import.meta.url, 'signal', runSignalBench);
