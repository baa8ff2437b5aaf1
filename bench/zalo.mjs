// Zalo end to end with an instant model: users' messages wait on the fake Zalo Bot API until the bot
// long-polls them (`getUpdates`, one update per call, as Zalo hands them out); the real gateway (its
// own process) polls, runs the turn and answers with `sendMessage`. Baseline in the same run: a bare
// echo bot on the same HTTP API (the same calls the plugin makes, with fetch), nothing else.
//
//   node scripts/build-node.mjs && node bench/zalo.mjs [--quick]         → bench/results/zalo.json
import { USERS, keyCounter, loadTs, runAsScript, runChannelBench, waitByChanges } from './channel-bench.mjs';

async function startZalo() {
  const { 'fake-zalo': { FakeZalo } } = await loadTs({ 'fake-zalo': 'test-support/fake-zalo/fake-zalo.ts' });
  const fake = new FakeZalo();
  await fake.start();
  const users = new Map(Array.from({ length: USERS }, (_, i) => [`51000000000000001${String(i).padStart(2, '0')}`, `User${i}`]));
  const replies = keyCounter(() => fake.sent, (s) => s.chatId);
  return {
    fake,
    users: [...users.keys()],
    send: async (user, text) => fake.userMessage({ id: user, name: users.get(user) }, text),
    replies,
    waitFor: waitByChanges((left) => fake.waitForSent(fake.sent.length + 1, left)),
    channelConfig: async () => ({ botToken: fake.token, apiRoot: fake.baseUrl, pollTimeoutSeconds: 1 }),
    close: () => fake.close(),
  };
}

/** The floor: long-poll `getUpdates` and answer each text with `sendMessage`, without waiting for the answer to poll again. */
function echoBot({ fake }) {
  const call = (method, body) => fetch(`${fake.baseUrl}/bot${fake.token}/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json());
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      const { ok, result } = await call('getUpdates', { timeout: '1' }).catch(() => ({}));
      if (ok && result?.event_name === 'message.text.received') void call('sendMessage', { chat_id: result.message.chat.id, text: `echo: ${result.message.text}` });
    }
  })();
  return async () => {
    stop = true;
    await loop;
  };
}

export const runZaloBench = (opts) => runChannelBench({ id: 'zalo', start: startZalo, echoBot }, opts);

await runAsScript(import.meta.url, 'zalo', runZaloBench);
