// Telegram end to end with an instant model: a user's message goes into the fake Bot API, the real
// gateway (its own process) long-polls it with grammY, queues it, runs the turn and sends the reply
// back; we time from posting the update to the reply reaching the fake server. Baseline in the same
// run: a bare grammY echo bot polling the same fake server (the platform + SDK floor).
//
//   node scripts/build-node.mjs && node bench/telegram.mjs [--quick]    → bench/results/telegram.json
import { Api } from 'grammy';
import { USERS, keyCounter, loadTs, runAsScript, runChannelBench } from './channel-bench.mjs';

async function startTelegram() {
  const { 'fake-telegram': { FakeTelegram } } = await loadTs({ 'fake-telegram': 'test-support/fake-telegram/fake-telegram.ts' });
  const fake = await FakeTelegram.start();
  const users = Array.from({ length: USERS }, (_, i) => 2001 + i);
  for (const id of users) fake.api.addUser({ id, first_name: `User${id}` });
  const replies = keyCounter(() => fake.api.sent, (s) => s.chatId);
  return {
    fake,
    users,
    send: (user, text) => fake.post({ chat: user, from: user, text }),
    replies: (user) => replies(String(user)),
    waitFor: (_user, check, timeoutMs) => fake.waitUntil(() => (check() ? true : undefined), timeoutMs, 'a reply'),
    channelConfig: async () => ({ botToken: fake.token, apiRoot: fake.apiRoot }),
    close: () => fake.close(),
  };
}

/** The floor: poll getUpdates and echo each message back, nothing else. */
function echoBot({ fake }) {
  const api = new Api(fake.token, { apiRoot: fake.apiRoot });
  let stop = false;
  let offset = 0;
  const loop = (async () => {
    while (!stop) {
      const updates = await api.getUpdates({ offset, timeout: 1 }).catch(() => []);
      for (const u of updates) {
        offset = u.update_id + 1;
        if (u.message) await api.sendMessage(u.message.chat.id, `echo: ${u.message.text}`);
      }
    }
  })();
  return async () => {
    stop = true;
    await loop;
  };
}

export const runTelegramBench = (opts) => runChannelBench({ id: 'telegram', start: startTelegram, echoBot }, opts);

await runAsScript(import.meta.url, 'telegram', runTelegramBench);
