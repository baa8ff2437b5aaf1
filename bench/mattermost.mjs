// Mattermost end to end with an instant model: users post in their direct channels with the bot on
// the fake Mattermost server; the real gateway (its own process) reads the `posted` events from the
// WebSocket, runs the turn and answers with Client4's createPost. Baseline in the same run: a bare
// echo bot with the same libraries (`ws` for the WebSocket API, `@mattermost/client` for REST).
//
//   node scripts/build-node.mjs && node bench/mattermost.mjs [--quick]   → bench/results/mattermost.json
import mattermost from '@mattermost/client';
import WebSocket from 'ws';
import { USERS, keyCounter, loadTs, runAsScript, runChannelBench } from './channel-bench.mjs';

async function startMattermost() {
  const { 'fake-mattermost': { FakeMattermost, mattermostId } } = await loadTs({ 'fake-mattermost': 'test-support/fake-mattermost/fake-mattermost.ts' });
  const fake = await FakeMattermost.start();
  // The fake comes with three people; the rest join the team the same way.
  while (fake.humans.length < USERS) {
    const user = { id: mattermostId(), username: `user${fake.humans.length}` };
    fake.users.set(user.id, user);
    fake.humans.push(user);
    fake.town.members.push(user.id);
  }
  const dm = new Map(fake.humans.map((h) => [h.id, fake.directChannel(fake.bot.id, h.id).id]));
  const replies = keyCounter(() => fake.posts, (p) => (p.user_id === fake.bot.id ? p.channel_id : undefined));
  return {
    fake,
    users: fake.humans.map((h) => h.id),
    send: async (user, text) => void fake.say({ from: user, channelId: dm.get(user), text }),
    replies: (user) => replies(dm.get(user)),
    waitFor: (_user, check, timeoutMs) => fake.waitUntil(check, 'a reply', timeoutMs),
    channelConfig: async () => ({ serverUrl: fake.serverUrl, botToken: fake.token }),
    close: () => fake.close(),
  };
}

/** The floor: authenticate the WebSocket, answer every `posted` event of someone else with createPost. */
async function echoBot({ fake }) {
  const client = new mattermost.Client4();
  client.setUrl(fake.serverUrl);
  client.setToken(fake.token);
  const me = await client.getMe();
  const ws = new WebSocket(fake.serverUrl.replace(/^http/, 'ws') + '/api/v4/websocket');
  await new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify({ seq: 1, action: 'authentication_challenge', data: { token: fake.token } })));
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw));
      if (msg.event === 'hello') resolve();
      if (msg.event !== 'posted') return;
      const post = JSON.parse(msg.data.post);
      if (post.user_id !== me.id) void client.createPost({ channel_id: post.channel_id, message: `echo: ${post.message}` });
    });
  });
  return async () => ws.close();
}

export const runMattermostBench = (opts) => runChannelBench({ id: 'mattermost', start: startMattermost, echoBot }, opts);

await runAsScript(import.meta.url, 'mattermost', runMattermostBench);
