import { readFileSync, writeFileSync } from 'node:fs';
import JSON5 from 'json5';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChannelGateway, type ChannelGateway } from '../../test-support/channel-gateway.js';
import { createTelegramDriver, type TelegramTestDriver } from '../../test-support/fake-telegram/driver.js';
import { runCli } from '../../test-support/gateway.js';

/**
 * The user's side of channels, through the real `openclaw` CLI: a stranger
 * writes on Telegram, the owner lists and approves the code, sends a message,
 * reads channel status, and edits the config while the gateway runs.
 */
describe('openclaw channels / pairing / message (Telegram through its fake Bot API)', () => {
  let env: ChannelGateway;
  let cliEnv: NodeJS.ProcessEnv;
  const cli = (...args: string[]) => runCli([...args, '--url', env.t.url, '--token', env.t.token], cliEnv);

  beforeAll(async () => {
    env = await startChannelGateway(createTelegramDriver(), { dmPolicy: 'pairing' });
    cliEnv = { ...env.t.state.env, OPENCLAW_GATEWAY_TOKEN: env.t.token };
  }, 60_000);
  afterAll(() => env?.close());

  it('pairing list --json shows the code a stranger received; approve lets their held message through', async () => {
    const [stranger] = env.driver.ids.users;
    await env.driver.sendDirect(stranger, 'hi, who is this?');
    const [notice] = await env.driver.waitForSent(stranger, 1);
    const code = /Pairing code: ([A-HJ-NP-Z2-9]{8})/.exec(notice!)![1]!;
    expect(notice).toContain(`openclaw pairing approve telegram ${code}`);

    const list = await cli('pairing', 'list', 'telegram', '--json');
    expect(list.code, list.stderr).toBe(0);
    const parsed = JSON.parse(list.stdout) as { channel: string; requests: { id: string; code: string; createdAt: string; lastSeenAt: string }[] };
    expect(parsed.channel).toBe('telegram');
    expect(parsed.requests).toEqual([expect.objectContaining({ id: stranger, code, createdAt: expect.any(String), lastSeenAt: expect.any(String) })]);

    const approve = await cli('pairing', 'approve', 'telegram', code, '--notify');
    expect(approve.code, approve.stderr).toBe(0);
    expect(approve.stdout).toContain(`Approved telegram sender ${stranger}.`);
    const sent = await env.driver.waitForSent(stranger, 3);
    expect(sent.slice(1).sort()).toEqual(['OpenClaw: access approved. Your messages will now reach the assistant.', 'reply: hi, who is this?'].sort());
    // While the agent worked on it, the chat showed "typing…".
    expect((env.driver as TelegramTestDriver).fake().api.actions).toEqual(expect.arrayContaining([expect.objectContaining({ chatId: stranger, action: 'typing' })]));

    // The first approval names the command owner in the config file.
    const file = JSON5.parse(readFileSync(env.t.gw.configPath, 'utf8')) as { commands?: { ownerAllowFrom?: string[] } };
    expect(file.commands?.ownerAllowFrom).toEqual([`telegram:${stranger}`]);

    const again = await cli('pairing', 'approve', 'telegram', code);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/no pending telegram pairing request with code/);
  });

  it('message send delivers Markdown as Telegram HTML, and refuses strangers', async () => {
    const [friend, , stranger] = env.driver.ids.users;
    const before = env.driver.sentTo(friend).length;
    const ok = await cli('message', 'send', '--channel', 'telegram', '--to', friend, '--message', 'deploy **done**');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^Sent to telegram/);
    expect((await env.driver.waitForSent(friend, before + 1)).at(-1)).toBe('deploy done');

    const refused = await cli('message', 'send', '--to', stranger, '--message', 'hello stranger');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/not allowed by the channel's access policy/);
  });

  it('channels status --json tells the truth per account', async () => {
    const r = await cli('channels', 'status', '--json');
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as { channelAccounts: { telegram: { accountId: string; connected: boolean; lastInboundAt?: number; lastOutboundAt?: number; restarts: number }[] } };
    expect(s.channelAccounts.telegram).toEqual([
      expect.objectContaining({ accountId: 'default', connected: true, lastInboundAt: expect.any(Number), lastOutboundAt: expect.any(Number), restarts: 0 }),
    ]);
    const table = await cli('channels', 'status');
    expect(table.stdout).toMatch(/Telegram\s+default\s+running/);
  });

  it('a bad token set while running is reported in plain words, and fixing it reconnects, without a gateway restart', async () => {
    const before = (await env.account()).lastConnectedAt ?? 0;
    const good = env.channelConfig.botToken as string;
    const set = await runCli(['config', 'set', 'channels.telegram.botToken', '999:wrong'], cliEnv);
    expect(set.code, set.stderr).toBe(0);
    const failed = await waitFor(async () => {
      const a = await env.account();
      return a.state === 'failed' ? a : undefined;
    });
    expect(failed.lastError).toMatch(/Telegram rejected the bot token/);
    const status = await cli('channels', 'status');
    expect(status.code).toBe(1);
    // Hand-edit the file back, as a user would.
    const path = env.t.gw.configPath;
    const cfg = JSON5.parse(readFileSync(path, 'utf8')) as { channels: { telegram: { botToken: string } } };
    cfg.channels.telegram.botToken = good;
    writeFileSync(path, JSON.stringify(cfg, null, 2));
    await env.connected(before);
    const [friend] = env.driver.ids.users;
    const n = env.driver.sentTo(friend).length;
    await env.driver.sendDirect(friend, 'back?');
    expect((await env.driver.waitForSent(friend, n + 1)).at(-1)).toBe('reply: back?');
  });
});

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}
