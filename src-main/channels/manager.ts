import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ChannelLoginEvents, ChannelPlugin, ChannelSend, ChannelState } from '../../src-shared/domain/channel.js';
import type { InboundMessage } from '../../src-shared/domain/inbound.js';
import type { ResolvedConfig } from '../config/resolve.js';
import type { Logger } from '../logging/index.js';
import { accessSettingsFor, checkAccessConfig, listChannelAccounts, type ChannelAccount } from './account-config.js';
import { catalogEntries, catalogEntry, type ChannelCatalogEntry } from './catalog.js';
import { ChannelRequestError } from './errors.js';
import { AccountSupervisor, type AccountStatus, type IngestOutcome } from './supervisor.js';

export interface ChannelManagerOptions {
  config(): ResolvedConfig;
  stateDir: string;
  log: Logger;
  /** Core's entry point; resolves once the message is durably queued. */
  ingest(msg: InboundMessage): Promise<IngestOutcome> | IngestOutcome;
  onChange?(status: AccountStatus): void;
  /** Channels that replace catalog entries by id or add to them (tests, embedders). */
  plugins?: ChannelPlugin[];
  platform?: string;
  backoff?: { initialMs?: number; maxMs?: number };
  /** `OPENCLAW_SKIP_CHANNELS`: configure but never connect. */
  skip?: boolean;
  /** The channel catalog (every channel comes from a plugin), read on each lookup. */
  catalog?(): readonly ChannelCatalogEntry[];
  /** The account's state in the store (absent: adapters keep files in their data folder). */
  state?(channel: string, accountId: string): ChannelState;
}

/** `channels.status` result. */
export interface ChannelsStatus {
  ts: number;
  channelOrder: string[];
  channelLabels: Record<string, string>;
  channels: Record<string, { configured: boolean; running: boolean; connected: boolean; accounts: number; lastError?: string }>;
  channelAccounts: Record<string, AccountStatus[]>;
  /** The account `send` uses when none is named. */
  channelDefaultAccountId: Record<string, string>;
  /** Channels that link by QR code, configured or not. */
  qrLoginChannels?: string[];
}

interface Entry {
  account: ChannelAccount;
  /** Serialised config, to restart only accounts whose settings changed. */
  fingerprint: string;
  supervisor?: AccountSupervisor;
  /** Why it is not running (disabled, misconfigured, unknown channel). */
  idle?: { enabled: boolean; reason?: string };
}

/** An account could not be found or used. */
export class ChannelNotFoundError extends Error {
  override name = 'ChannelNotFoundError';
}

/**
 * Runs every configured channel account under a supervisor, applies config
 * changes account by account (a change to one account restarts only that
 * account) and is the one way out to the platforms.
 */
export class ChannelManager {
  private readonly entries = new Map<string, Entry>();
  private readonly plugins = new Map<string, Promise<ChannelPlugin>>();
  private applying: Promise<void> = Promise.resolve();
  /** Another gateway owns the channels (it holds the lease): run none. */
  private standingBy = false;

  constructor(private readonly opts: ChannelManagerOptions) {
    for (const p of opts.plugins ?? []) this.plugins.set(p.id, Promise.resolve(p));
  }

  /** Channels that link by QR code, in catalog order. */
  qrLoginChannels(): string[] {
    return catalogEntries(this.opts.catalog?.() ?? [])
      .filter((c) => c.qrLogin)
      .map((c) => c.id);
  }

  /** The QR-login channel meant when none is named: the one that is configured, else the only one there is. */
  defaultQrLoginChannel(): string {
    const all = this.qrLoginChannels();
    const configured = all.filter((id) => Object.hasOwn(this.opts.config().channels ?? {}, id));
    if (configured.length === 1) return configured[0]!;
    if (all.length === 1) return all[0]!;
    if (!all.length) throw new ChannelRequestError('no channel here links by QR code; name the channel');
    throw new ChannelRequestError(`several channels link by QR code (${(configured.length ? configured : all).join(', ')}); name the one to link`);
  }

  /** What a QR login tells the user to do on the phone: the channel's own words, else a plain default. */
  loginHint(channel: string): string {
    const entry = catalogEntry(channel, this.opts.catalog?.() ?? []);
    return entry?.loginHint ?? `Scan this QR code with ${entry?.label ?? channel} on your phone.`;
  }

  /** Channel ids and labels known to this gateway, built-ins first. */
  known(): { id: string; label: string }[] {
    const ids = new Map(catalogEntries(this.opts.catalog?.() ?? []).map((c) => [c.id, c.label]));
    for (const p of this.opts.plugins ?? []) if (!ids.has(p.id)) ids.set(p.id, p.label);
    return [...ids].map(([id, label]) => ({ id, label }));
  }

  loadPlugin(channel: string): Promise<ChannelPlugin> {
    let p = this.plugins.get(channel);
    if (!p) {
      const entry = catalogEntry(channel, this.opts.catalog?.() ?? []);
      if (!entry) return Promise.reject(new ChannelNotFoundError(`unknown channel "${channel}"; known: ${this.known().map((k) => k.id).join(', ')}`));
      p = entry.load();
      this.plugins.set(channel, p);
      p.catch(() => this.plugins.delete(channel));
    }
    return p;
  }

  /** Another gateway took the channels: stop every account and start none (config changes included) until {@link activate}. */
  standBy(): Promise<void> {
    this.applying = this.applying.then(async () => {
      this.standingBy = true;
      await Promise.all([...this.entries.values()].map((e) => e.supervisor?.stop()));
      this.entries.clear();
    });
    return this.applying;
  }

  /** This gateway owns the channels again: start them as the config says. */
  activate(): Promise<void> {
    this.applying = this.applying.then(() => void (this.standingBy = false));
    return this.apply();
  }

  /** Brings running accounts in line with the config (serialised: one apply at a time). */
  apply(): Promise<void> {
    this.applying = this.applying.then(() => this.applyNow()).catch((err: unknown) => this.opts.log.error('applying channel config failed', { err }));
    return this.applying;
  }

  private async applyNow(): Promise<void> {
    if (this.standingBy) return;
    const cfg = this.opts.config();
    const wanted = new Map<string, ChannelAccount>();
    for (const channel of Object.keys(cfg.channels ?? {})) for (const acc of listChannelAccounts(cfg, channel)) wanted.set(key(acc.channel, acc.accountId), acc);
    for (const [k, e] of this.entries) {
      if (!wanted.has(k)) {
        await e.supervisor?.stop();
        this.entries.delete(k);
      }
    }
    for (const [k, account] of wanted) {
      const fingerprint = JSON.stringify(account.config);
      const current = this.entries.get(k);
      if (current && current.fingerprint === fingerprint && current.account.enabled === account.enabled) continue;
      await current?.supervisor?.stop();
      const entry: Entry = { account, fingerprint };
      this.entries.set(k, entry);
      await this.launch(entry);
    }
  }

  private async launch(entry: Entry): Promise<void> {
    const { account } = entry;
    const cfg = this.opts.config();
    if (!account.enabled) {
      entry.idle = { enabled: false };
      return;
    }
    let plugin: ChannelPlugin;
    try {
      plugin = await this.loadPlugin(account.channel);
    } catch (err) {
      entry.idle = { enabled: true, reason: (err as Error).message };
      return;
    }
    const problem = checkAccessConfig(accessSettingsFor(cfg, account.channel, account.config, plugin.capabilities.personalNumber === true));
    const check = plugin.checkConfig(account.config, { platform: this.opts.platform ?? process.platform });
    if (problem || !check.ok) {
      entry.idle = { enabled: true, reason: problem ?? (check as { reason: string }).reason };
      this.opts.log.warn('channel not started', { channel: account.channel, accountId: account.accountId, reason: entry.idle.reason });
      return;
    }
    entry.idle = undefined;
    entry.supervisor = new AccountSupervisor({
      plugin,
      account,
      dataDir: this.dataDir(account.channel, account.accountId),
      state: this.opts.state?.(account.channel, account.accountId),
      log: this.opts.log.child(account.channel),
      ingest: this.opts.ingest,
      onChange: this.opts.onChange,
      backoff: this.opts.backoff,
      platform: this.opts.platform ?? process.platform,
    });
    if (this.opts.skip) {
      entry.idle = { enabled: true, reason: 'channels are skipped (OPENCLAW_SKIP_CHANNELS)' };
      return;
    }
    entry.supervisor.start();
  }

  /** Where an account keeps its credentials. */
  dataDir(channel: string, accountId: string): string {
    return join(this.opts.stateDir, 'credentials', channel, accountId);
  }

  private entry(channel: string, accountId?: string): Entry {
    const matches = [...this.entries.values()].filter((e) => e.account.channel === channel && (!accountId || e.account.accountId === accountId));
    const found = accountId ? matches[0] : (matches.find((e) => e.account.accountId === 'default') ?? matches[0]);
    if (!found) throw new ChannelNotFoundError(accountId ? `channel ${channel} has no account "${accountId}" in the config` : `channel ${channel} is not configured (add channels.${channel} to the config)`);
    return found;
  }

  /** Account settings as configured (for access checks), or undefined. */
  account(channel: string, accountId?: string): ChannelAccount | undefined {
    try {
      return this.entry(channel, accountId).account;
    } catch {
      return undefined;
    }
  }

  /** Sends one formatted chunk; waits up to `waitMs` for a restarting account. */
  async send(channel: string, accountId: string, msg: ChannelSend, waitMs = 15_000): Promise<{ messageId: string }> {
    const e = this.entry(channel, accountId);
    if (!e.supervisor || e.idle) throw new ChannelNotFoundError(`${channel} account "${e.account.accountId}" is not running${e.idle?.reason ? `: ${e.idle.reason}` : ''}`);
    return e.supervisor.send(msg, waitMs);
  }

  async typing(channel: string, accountId: string, to: ChannelSend['to'], threadId?: string): Promise<void> {
    const s = this.entry(channel, accountId).supervisor;
    const adapter = s && s.status().state === 'running' ? await s.whenRunning(0).catch(() => undefined) : undefined;
    await adapter?.sendTyping?.(to, threadId);
  }

  /** What the adapter says about itself (e.g. the linked number), if running. */
  describe(channel: string, accountId: string): Record<string, unknown> | undefined {
    return this.account(channel, accountId) ? this.entry(channel, accountId).supervisor?.status().details : undefined;
  }

  async startAccount(channel: string, accountId?: string): Promise<AccountStatus> {
    const e = this.entry(channel, accountId);
    await e.supervisor?.stop();
    e.supervisor = undefined;
    await this.launch(e);
    return this.accountStatus(e);
  }

  async stopAccount(channel: string, accountId?: string): Promise<AccountStatus> {
    const e = this.entry(channel, accountId);
    await e.supervisor?.stop();
    return this.accountStatus(e);
  }

  /** Stops the account and forgets its credentials (unlinking on the platform where it can). */
  async logout(channel: string, accountId?: string): Promise<{ cleared: boolean }> {
    const e = this.entry(channel, accountId);
    await e.supervisor?.stop();
    const plugin = await this.loadPlugin(channel);
    const dataDir = this.dataDir(channel, e.account.accountId);
    const state = this.opts.state?.(channel, e.account.accountId);
    if (plugin.logout) await plugin.logout({ channel, accountId: e.account.accountId, config: e.account.config, dataDir, ...(state ? { state } : {}), log: this.opts.log.child(channel), signal: new AbortController().signal });
    rmSync(dataDir, { recursive: true, force: true });
    await state?.clear();
    return { cleared: true };
  }

  /** QR login: runs the plugin's login, then (re)starts the account. */
  async login(channel: string, accountId: string | undefined, events: ChannelLoginEvents): Promise<{ linkedAs?: string }> {
    const plugin = await this.loadPlugin(channel);
    if (!plugin.login) throw new ChannelNotFoundError(`${plugin.label} has no QR login; configure its token instead`);
    const account = this.account(channel, accountId) ?? { channel, accountId: accountId ?? 'default', enabled: true, config: {} };
    const e = this.entries.get(key(channel, account.accountId));
    await e?.supervisor?.stop();
    const state = this.opts.state?.(channel, account.accountId);
    const res = await plugin.login({ channel, accountId: account.accountId, config: account.config, dataDir: this.dataDir(channel, account.accountId), ...(state ? { state } : {}), log: this.opts.log.child(channel), signal: events.signal }, events);
    if (e) {
      e.supervisor = undefined;
      await this.launch(e);
    }
    return res;
  }

  private accountStatus(e: Entry): AccountStatus {
    if (e.supervisor && !e.idle) return e.supervisor.status();
    return {
      channel: e.account.channel,
      accountId: e.account.accountId,
      enabled: e.account.enabled,
      configured: e.idle?.reason === undefined,
      state: 'stopped',
      running: false,
      connected: false,
      restarts: 0,
      inboundCount: 0,
      outboundCount: 0,
      ...(e.idle?.reason ? { lastError: e.idle.reason } : {}),
    };
  }

  status(): ChannelsStatus {
    const out: ChannelsStatus = { ts: Date.now(), channelOrder: [], channelLabels: {}, channels: {}, channelAccounts: {}, channelDefaultAccountId: {}, qrLoginChannels: this.qrLoginChannels() };
    const labels = new Map(this.known().map((k) => [k.id, k.label]));
    for (const e of this.entries.values()) {
      const ch = e.account.channel;
      if (!out.channelAccounts[ch]) {
        out.channelOrder.push(ch);
        out.channelLabels[ch] = labels.get(ch) ?? ch;
        out.channelAccounts[ch] = [];
      }
      out.channelAccounts[ch]!.push(this.accountStatus(e));
    }
    // QR-login channels are offered before they have an account: the page needs their names too.
    for (const ch of out.qrLoginChannels ?? []) out.channelLabels[ch] ??= labels.get(ch) ?? ch;
    for (const ch of out.channelOrder) {
      const accs = out.channelAccounts[ch]!;
      out.channelDefaultAccountId[ch] = (accs.find((a) => a.accountId === 'default') ?? accs[0]!).accountId;
      const err = accs.find((a) => a.lastError && !a.connected)?.lastError;
      out.channels[ch] = {
        configured: accs.some((a) => a.configured),
        running: accs.some((a) => a.running),
        connected: accs.some((a) => a.connected),
        accounts: accs.length,
        ...(err ? { lastError: err } : {}),
      };
    }
    return out;
  }

  async close(): Promise<void> {
    await this.applying;
    await Promise.all([...this.entries.values()].map((e) => e.supervisor?.stop()));
    this.entries.clear();
  }
}

const key = (channel: string, accountId: string) => `${channel}\u0000${accountId}`;
