import { expect, test, type Page } from '@playwright/test';
import { GatewayClient } from '../src-main/cli/gateway-client.js';
import { generateDeviceKeys } from '../src-main/nodes/device-keys.js';
import { CLI_DEFAULT_SCOPES } from '../src-shared/protocol/index.js';
import { FakeEmbeddingsServer } from '../test-support/fake-embeddings/fake-embeddings.js';
import { FakeTelegram } from '../test-support/fake-telegram/fake-telegram.js';
import { startFakeModel, type FakeModel } from './fake-model.js';
import { startGatewayProcess, type GatewayProcess } from './gateway-process.js';
import { layoutProblems, VIEWPORTS } from './layout-checks.js';
import { login, open, shot } from './ui.js';

// Deleting a session, or removing a sender approved through pairing, offers to forget what that person
// told the assistant, against a real gateway with the bundled memory-lancedb plugin (real LanceDB, the
// local embeddings server), a fake model and the fake Telegram Bot API. The box starts unchecked:
// unchecked keeps the memories, checked forgets exactly that person's, and everyone else's stay.

const REPLY = 'Noted.';
const ADA = { id: 4242, first_name: 'Ada' };
const BEN = { id: 5151, first_name: 'Ben' };
const ALICE = 'agent:main:direct:alice';
const BOB = 'agent:main:direct:bob';

let telegram: FakeTelegram;
let model: FakeModel;
let embeddings: FakeEmbeddingsServer;
let gateway: GatewayProcess;
let op: GatewayClient;
let n = 0;

test.describe.configure({ mode: 'serial' });

/** One message in a session from a client, resolved when its run has ended. */
async function say(sessionKey: string, message: string): Promise<void> {
  const idempotencyKey = `forget-e2e-${++n}`;
  const done = new Promise<void>((resolve) => {
    const off = op.on((event, payload) => {
      const p = payload as { runId?: string; state?: string };
      if (event !== 'chat' || p.runId !== idempotencyKey || p.state === 'delta') return;
      off();
      resolve();
    });
  });
  await op.call('chat.send', { sessionKey, message, idempotencyKey });
  await done;
}

/** Stores a memory the way the agent does: the `memory_store` tool, run in the person's session. */
async function remember(sessionKey: string, text: string): Promise<void> {
  const r = await op.call<{ result: { content: { text: string }[] } }>('tools.invoke', { tool: 'memory_store', sessionKey, args: { text } });
  expect(r.result.content[0]?.text).toMatch(/^Remembered/);
}

const memoriesOf = async (owner: string) => (await op.call<{ total: number }>('memory-lancedb.list', { owner })).total;

/** A stranger writes to the bot, the owner approves the code, and the held message is answered. */
async function pairOnTelegram(user: { id: number; first_name: string }): Promise<void> {
  await telegram.post({ chat: user.id, from: user.id, text: 'hello' });
  const code = await telegram.waitUntil(
    () => telegram.api.sentTo(user.id).map((m) => /Pairing code: (\S+)/.exec(m.text ?? '')?.[1]).find(Boolean),
    10_000,
    `${user.first_name}'s pairing code`,
  );
  await op.call('channels.pairing.approve', { channel: 'telegram', code });
  await telegram.waitUntil(() => (telegram.api.sentTo(user.id).some((m) => m.text === REPLY) ? true : undefined), 15_000, `the answer to ${user.first_name}`);
}

const sessionRow = (page: Page, key: string) => page.getByTestId('session-row').filter({ has: page.locator('code', { hasText: new RegExp(`^${key}$`) }) });

test.beforeAll(async () => {
  telegram = await FakeTelegram.start();
  telegram.api.addUser({ ...ADA });
  telegram.api.addUser({ ...BEN });
  model = await startFakeModel(REPLY, 0);
  embeddings = new FakeEmbeddingsServer();
  const embeddingsUrl = await embeddings.start();
  gateway = await startGatewayProcess({
    config: {
      models: { providers: { fake: { baseUrl: model.baseUrl, apiKey: 'x', api: 'openai-completions', models: [{ id: 'm' }] } } },
      agents: { defaults: { model: { primary: 'fake/m' } } },
      channels: { telegram: { botToken: telegram.token, apiRoot: telegram.apiRoot, dmPolicy: 'pairing' } },
      // The owner is someone else: otherwise the first approved sender would become the owner, whose DMs are the owner's own conversation.
      commands: { ownerAllowFrom: ['telegram:1'] },
      // A plugin's tool is run from outside a turn only where the owner names it.
      gateway: { tools: { allow: ['memory_store'] } },
      plugins: { slots: { memory: 'memory-lancedb' }, entries: { 'memory-lancedb': { config: { embedding: { baseUrl: embeddingsUrl, model: 'hash-256', timeoutMs: 2000 } } } } },
    },
  });
  op = await GatewayClient.connect({ url: `ws://127.0.0.1:${gateway.port}`, token: gateway.token, device: generateDeviceKeys(), scopes: [...CLI_DEFAULT_SCOPES] });
  await expect.poll(async () => (await op.call('plugins.list', {})).plugins.find((p) => p.id === 'memory-lancedb')?.state, { timeout: 20_000 }).toBe('loaded');

  await say(ALICE, 'hello');
  await say(`${ALICE}:thread:t2`, 'hello again');
  await say(BOB, 'hello');
  await remember(ALICE, 'Alice parks on level 3 of the north garage at work');
  await remember(`${ALICE}:thread:t2`, 'Alice prefers window seats on long flights');
  await remember(BOB, 'Bob is allergic to peanuts and hazelnuts');

  await pairOnTelegram(ADA);
  await pairOnTelegram(BEN);
  await remember(`agent:main:telegram:direct:${ADA.id}`, 'Ada takes her coffee black');
  await remember(`agent:main:telegram:direct:${BEN.id}`, 'Ben plays the cello on Sundays');
});

test.afterAll(async () => {
  op?.close();
  await gateway?.stop();
  await embeddings?.close();
  await model?.close();
  await telegram?.close();
});

test('deleting a session: unchecked keeps the person’s memories, checked forgets exactly theirs', async ({ page }) => {
  await login(page, gateway);
  await open(page, 'Sessions');

  // Alice's second conversation: the offer counts all of her memories, and starts unchecked.
  await sessionRow(page, `${ALICE}:thread:t2`).click();
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  const dialog = page.getByRole('alertdialog');
  const offer = dialog.getByRole('checkbox', { name: 'Also forget what alice told the assistant (2 memories)' });
  await expect(offer).toBeVisible();
  await expect(offer).not.toBeChecked();
  expect(await layoutProblems(page)).toEqual([]);
  await shot(page, 'session-delete-offer');
  await dialog.getByRole('button', { name: 'Yes, delete' }).click();
  await expect(page.getByTestId('sessions-notice')).toHaveText(`Deleted ${ALICE}:thread:t2.`);
  await expect(sessionRow(page, `${ALICE}:thread:t2`)).toHaveCount(0);
  expect(await memoriesOf('direct:alice')).toBe(2);

  // Her main conversation, with the box checked: hers go, Bob's stay.
  await sessionRow(page, ALICE).click();
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await page.getByRole('alertdialog').getByRole('checkbox', { name: /^Also forget what alice told the assistant/ }).check();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Yes, delete' }).click();
  await expect(page.getByTestId('sessions-notice')).toHaveText(`Deleted ${ALICE}. 2 memories were forgotten.`);
  expect(await memoriesOf('direct:alice')).toBe(0);
  expect(await memoriesOf('direct:bob')).toBe(1);
  expect(await memoriesOf(`direct:telegram:${ADA.id}`)).toBe(1);

  // A person with nothing remembered gets no offer at all.
  await op.call('memory-lancedb.forgetOwner', { owner: 'direct:bob' });
  await sessionRow(page, BOB).click();
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(page.getByRole('alertdialog')).toContainText('cannot be undone');
  await expect(page.getByRole('alertdialog').getByTestId('forget-memories')).toHaveCount(0);
  await page.getByRole('alertdialog').getByRole('button', { name: 'Cancel' }).click();
});

test('removing a paired sender: unchecked keeps their memories, checked forgets exactly theirs', async ({ page }) => {
  await login(page, gateway);
  await open(page, 'Pairing');
  const senders = page.getByTestId('paired-sender');
  await expect(senders).toHaveCount(2);
  const ben = senders.filter({ hasText: 'Ben' });
  const ada = senders.filter({ hasText: 'Ada' });
  await expect(ben.getByTestId('paired-memories')).toHaveText('1');
  await expect(ada.getByTestId('paired-memories')).toHaveText('1');

  // Ben, box left unchecked: off the list, his memory kept.
  await ben.getByRole('button', { name: /^Remove Ben/ }).click();
  const benOffer = page.getByRole('alertdialog').getByRole('checkbox', { name: `Also forget what Ben (${BEN.id}) told the assistant (1 memory)` });
  await expect(benOffer).not.toBeChecked();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Yes, remove' }).click();
  await expect(page.getByTestId('paired-notice')).toHaveText(`Removed Ben (${BEN.id}) on telegram; their next message asks for pairing again.`);
  await expect(senders).toHaveCount(1);
  expect(await memoriesOf(`direct:telegram:${BEN.id}`)).toBe(1);

  // Ada, box checked: her memory goes; Ben's stays.
  await ada.getByRole('button', { name: /^Remove Ada/ }).click();
  await page.getByRole('alertdialog').getByRole('checkbox', { name: /^Also forget what Ada/ }).check();
  for (const vp of VIEWPORTS) {
    await page.setViewportSize({ width: vp.width, height: vp.height });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      expect(await layoutProblems(page), `${vp.name} ${scheme}`).toEqual([]);
      await shot(page, `pairing-remove-offer-${vp.name}-${scheme}`);
    }
  }
  await page.getByRole('alertdialog').getByRole('button', { name: 'Yes, remove' }).click();
  await expect(page.getByTestId('paired-notice')).toHaveText(`Removed Ada (${ADA.id}) on telegram; their next message asks for pairing again. 1 memory was forgotten.`);
  await expect(senders).toHaveCount(0);
  expect(await memoriesOf(`direct:telegram:${ADA.id}`)).toBe(0);
  expect(await memoriesOf(`direct:telegram:${BEN.id}`)).toBe(1);

  // Removed means removed: Ada's next message asks for pairing again instead of reaching the model.
  const calls = model.calls();
  await telegram.post({ chat: ADA.id, from: ADA.id, text: 'still there?' });
  await telegram.waitUntil(() => (telegram.api.sentTo(ADA.id).filter((m) => /Pairing code/.test(m.text ?? '')).length === 2 ? true : undefined), 10_000, 'a second pairing code for Ada');
  expect(model.calls()).toBe(calls);
});
