/**
 * Turns what a child process registered into gateway-side contributions whose
 * calls travel over JSON-RPC. Validation, timeouts and error counting are the
 * same guard the in-process plugins get; a call that outlives its timeout is
 * cancelled in the child too. Channel adapters get a gateway-side proxy: the
 * child's `emit`, `heartbeat`, `fail` and log lines reach the right adapter
 * context by handle, and every live adapter fails when the process exits, so
 * the channel supervisor restarts it once the plugin is back.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  ChannelAuthError,
  ChannelPermanentError,
  ChannelRateLimitError,
  type ChannelAdapter,
  type ChannelContext,
  type ChannelLoginEvents,
} from '../../src-shared/domain/channel.js';
import type { ChannelDefinition, MemoryOwnerQuery, PluginHttpResponse, PluginToolResult } from '../../src-shared/plugin/api.js';
import type {
  ChannelCreateParams,
  ChannelStateParams,
  ChannelCreateResult,
  ChannelEmitParams,
  ChannelErrorData,
  ChannelFailParams,
  ChannelHandleParams,
  ChannelHeartbeatParams,
  ChannelLoginParams,
  ChannelLoginQrParams,
  ChannelStartResult,
  LogParams,
  Registrations,
} from './child-protocol.js';
import {
  bareTargetKindFromPattern,
  checkParams,
  guardCall,
  normalizeHttpResponse,
  normalizeToolResult,
  routeMountPath,
  type PluginContributions,
  type RegisteredHook,
} from './contributions.js';
import { errorMessage, PluginCallError, PluginUnavailableError } from './errors.js';
import { RpcRemoteError } from './rpc.js';
import type { PluginLoadRequest } from './plugin-registry.js';

/** The part of a plugin process that contributions need. */
export interface ProcessCaller {
  call<T>(method: string, params: unknown, signal?: AbortSignal): Promise<T>;
  /** Where the child's channel requests and notifications, and the process's exits, go. */
  attach?(events: ChildEvents): void;
}

/** What the process host hands to contributions. */
export interface ChildEvents {
  /** A child → parent request; throws for a method it does not serve. */
  request(method: string, params: unknown): Promise<unknown>;
  /** A notification; true when handled here. */
  notification(method: string, params: unknown): boolean;
  /** The child process is gone (`reason`: "exited with code 3", "was killed (SIGKILL)"…). */
  exited(reason: string): void;
}

/** Contributions backed by RPC calls into the child. */
export function buildProcessContributions(req: PluginLoadRequest, reg: Registrations, proc: ProcessCaller): PluginContributions {
  const { guard } = req;
  const { pluginId, timeouts } = guard;
  const info = req.candidate.manifest.channelInfo ?? {};
  const memoryCall = <T>(op: string, arg: unknown) => guardCall(guard, `memory ${op}`, timeouts.methodMs, (signal) => proc.call<T>('memory.call', { op, arg }, signal));
  const noMemoryOp = (op: string) => () => Promise.reject(new PluginCallError(pluginId, `memory ${op}`, 'not supported by this memory plugin'));
  // Account folders live inside the plugin's own data folder: the only place its process may write.
  const channelHost = reg.channels.length > 0 ? new ProcessChannels(pluginId, proc, path.join(req.dataDir, 'channels'), timeouts.channelMs) : undefined;
  if (channelHost) proc.attach?.(channelHost);
  return {
    channels: reg.channels.map((c) => {
      const bare = bareTargetKindFromPattern(info[c.id]?.targetRules?.groupIdPattern);
      const definition: ChannelDefinition = {
        id: c.id,
        label: c.label,
        capabilities: c.capabilities,
        ...(c.settingsSchema ? { settingsSchema: c.settingsSchema } : {}),
        // The settings schema is checked by the config layer; the adapter's own checks run when it starts.
        create: (account, ctx) => channelHost!.create(c.id, account.config, ctx),
        ...(c.login ? { login: (account, ctx, events) => channelHost!.login(c.id, account.config, ctx, events) } : {}),
        ...(c.logout ? { logout: (account, ctx) => channelHost!.logout(c.id, account.config, ctx) } : {}),
      };
      return {
        pluginId,
        id: c.id,
        label: c.label,
        capabilities: c.capabilities,
        ...(c.settingsSchema ? { settingsSchema: c.settingsSchema } : {}),
        ...(c.threadIsTopic ? { threadIsTopic: true } : {}),
        ...(bare ? { bareTargetKind: bare } : {}),
        definition,
      };
    }),
    tools: reg.tools.map((t) => ({
      pluginId,
      name: t.name,
      description: t.description,
      ...(t.group ? { group: t.group } : {}),
      schema: t.schema,
      async execute(params, ctx): Promise<PluginToolResult> {
        const target = `tool "${t.name}"`;
        checkParams(pluginId, target, t.schema, params);
        const callCtx = { agentId: ctx.agentId, sessionKey: ctx.sessionKey };
        return guardCall(guard, target, timeouts.toolMs, async (signal) => normalizeToolResult(await proc.call('tool.call', { name: t.name, params, ctx: callCtx }, signal)), ctx.signal);
      },
    })),
    methods: reg.methods.map((m) => ({
      pluginId,
      name: m.name,
      scope: m.scope,
      ...(m.paramsSchema ? { paramsSchema: m.paramsSchema } : {}),
      async call(params, ctx) {
        const target = `method "${m.name}"`;
        checkParams(pluginId, target, m.paramsSchema, params);
        return guardCall(guard, target, timeouts.methodMs, (signal) => proc.call('method.call', { name: m.name, params, ctx: { clientId: ctx.clientId, scopes: [...ctx.scopes] } }, signal));
      },
    })),
    // WebSocket routes are refused in a plugin process (see process-child.ts).
    wsRoutes: [],
    routes: reg.routes.map((r, index) => ({
      pluginId,
      method: r.method,
      path: routeMountPath(pluginId, r.path),
      public: r.public,
      handle: (request) =>
        guardCall(guard, `route ${r.method} ${r.path}`, timeouts.routeMs, async (signal): Promise<PluginHttpResponse> => normalizeHttpResponse(await proc.call('route.call', { index, request }, signal))),
    })),
    hooks: reg.hooks.map((name, index) => ({
      pluginId,
      name,
      critical: guard.critical,
      run: (event: unknown) => guardCall(guard, `hook "${name}"`, timeouts.hookMs, (signal) => proc.call('hook.call', { index, event }, signal)),
    })) as RegisteredHook[],
    ...(reg.memory
      ? {
          memory: {
            pluginId,
            search: (q) => memoryCall('search', q),
            get: reg.memory.get ? (id) => memoryCall('get', id) : noMemoryOp('get'),
            add: reg.memory.add ? (e) => memoryCall('add', e) : noMemoryOp('add'),
            remove: reg.memory.remove ? (id) => memoryCall('remove', id) : noMemoryOp('remove'),
            ...(reg.memory.countOwner ? { countOwner: (q: MemoryOwnerQuery) => memoryCall<{ owner: string; count: number }>('countOwner', q) } : {}),
            ...(reg.memory.forgetOwner ? { forgetOwner: (q: MemoryOwnerQuery) => memoryCall<{ owner: string; removed: number }>('forgetOwner', q) } : {}),
          },
        }
      : {}),
    stores: reg.stores.map((s) => ({
      pluginId,
      id: s.id,
      ...(s.description ? { description: s.description } : {}),
      // A store hands the gateway a live object (a connection pool): that cannot cross a process boundary.
      create: () => Promise.reject(new PluginCallError(pluginId, `store "${s.id}"`, `storage backends run in the gateway process only; set plugins.entries.${pluginId}.isolation to "inprocess"`)),
    })),
  };
}

/** One adapter living in the child, seen from the gateway. */
interface LiveAdapter {
  ctx: ChannelContext;
  /** The adapter's last `describe()` facts, as the child reported them (after start, and on heartbeats when they changed). */
  facts?: Record<string, unknown>;
  /** Set once the process it lived in is gone or it was stopped. */
  dead?: Error;
}

/** Gateway-side adapters of one plugin process's channels. */
export class ProcessChannels implements ChildEvents {
  /** Adapters of the current process, by handle; each proxy keeps its own entry after the process is gone. */
  private readonly live = new Map<string, LiveAdapter>();
  /** Running QR logins: where each login's QR payloads go. */
  private readonly logins = new Map<string, (qr: string) => void>();
  private nextLogin = 0;

  constructor(
    private readonly pluginId: string,
    private readonly proc: ProcessCaller,
    private readonly accountsRoot: string,
    /** How long a channel call into the child (send, typing, stop) may take before it fails on its own. */
    private readonly callTimeoutMs: number,
  ) {}

  /** An adapter proxy; the child creates the real adapter right away, `start` waits for it. */
  create(channelId: string, config: Record<string, unknown>, ctx: ChannelContext): ChannelAdapter {
    const target = (what: string) => `channel "${channelId}" ${what}`;
    const fail = (what: string, err: unknown): never => {
      throw channelError(this.pluginId, target(what), err);
    };
    const dataDir = this.accountDir(channelId, ctx.accountId);
    const params: ChannelCreateParams = { channelId, accountId: ctx.accountId, config, dataDir, ...(ctx.platform ? { platform: ctx.platform } : {}), ...(ctx.state ? { state: true } : {}) };
    let liveEntry: LiveAdapter | undefined;
    const facts = () => liveEntry?.facts;
    const created = this.proc.call<ChannelCreateResult>('channel.create', params).then(
      (r) => {
        const entry: LiveAdapter = { ctx };
        liveEntry = entry;
        this.live.set(r.handle, entry);
        return { ...r, entry };
      },
      (err: unknown) => fail('create', err),
    );
    created.catch(() => undefined); // reported by start/send
    const call = async <T>(what: string, run: (handle: string) => Promise<T>): Promise<T> => {
      const { handle, entry } = await created;
      if (entry.dead) return fail(what, entry.dead);
      try {
        return await run(handle);
      } catch (err) {
        return fail(what, entry.dead ?? err);
      }
    };
    return {
      start: () =>
        call('start', (handle) => this.proc.call<ChannelStartResult | null>('channel.start', { handle } satisfies ChannelHandleParams)).then(async (r) => {
          if (r?.facts) (await created).entry.facts = r.facts;
        }),
      stop: async () => {
        const r = await created.catch(() => undefined);
        if (!r || r.entry.dead) return;
        const entry = r.entry;
        try {
          await this.proc.call('channel.stop', { handle: r.handle } satisfies ChannelHandleParams, AbortSignal.timeout(this.callTimeoutMs));
        } catch (err) {
          // When the process went away meanwhile, the adapter is gone either way.
          if (!entry.dead) throw channelError(this.pluginId, target('stop'), err);
        } finally {
          entry.dead ??= new Error('the adapter was stopped');
          this.live.delete(r.handle);
        }
      },
      // A send the child never answers fails on its own (delivery retries it), without waiting for the ping check.
      send: (msg) => call('send', (handle) => this.proc.call<{ messageId: string }>('channel.send', { handle, msg }, AbortSignal.timeout(this.callTimeoutMs))),
      sendTyping: (to, threadId) =>
        created.then(
          (r) => (r.typing ? call('sendTyping', (handle) => this.proc.call<null>('channel.sendTyping', { handle, to, ...(threadId ? { threadId } : {}) }, AbortSignal.timeout(this.callTimeoutMs))).then(() => undefined) : undefined),
          () => undefined,
        ),
      // Synchronous, so it answers from the facts the child last reported.
      describe: () => facts() ?? {},
    };
  }

  async request(method: string, params: unknown): Promise<unknown> {
    if (method === 'channel.state') return this.stateRequest(params as ChannelStateParams);
    if (method !== 'channel.emit') throw new Error(`no method ${method}`);
    const p = params as ChannelEmitParams;
    const entry = this.entry(p?.handle);
    await entry.ctx.emit(p.msg);
    return null;
  }

  /** An adapter in the child reading or writing its account's state in the gateway's store. */
  private async stateRequest(p: ChannelStateParams): Promise<unknown> {
    const state = this.entry(p?.handle).ctx.state;
    if (!state) throw new Error('this account has no state in the gateway store');
    switch (p.op) {
      case 'get':
        return (await state.get(String(p.key))) ?? null;
      case 'set':
        await state.set(Object.fromEntries(Object.entries(p.entries ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : undefined])));
        return null;
      case 'list':
        return state.list(String(p.prefix ?? ''));
      case 'clear':
        await state.clear();
        return null;
      default:
        throw new Error('unknown channel.state operation');
    }
  }

  /** The account's folder for the child: inside the plugin's data folder, the only place it may write. */
  private accountDir(channelId: string, accountId: string): string {
    const dir = path.join(this.accountsRoot, channelId, accountId);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    return dir;
  }

  /** A QR login run by the child: each new QR comes back as a notification; aborting `events.signal` cancels it. */
  async login(channelId: string, config: Record<string, unknown>, ctx: { accountId: string }, events: ChannelLoginEvents): Promise<{ linkedAs?: string }> {
    const loginId = `login${++this.nextLogin}`;
    this.logins.set(loginId, (qr) => events.onQr(qr));
    try {
      const params: ChannelLoginParams = { loginId, channelId, accountId: ctx.accountId, config, dataDir: this.accountDir(channelId, ctx.accountId) };
      return await this.proc.call<{ linkedAs?: string }>('channel.login', params, events.signal);
    } catch (err) {
      throw channelError(this.pluginId, `channel "${channelId}" login`, err);
    } finally {
      this.logins.delete(loginId);
    }
  }

  async logout(channelId: string, config: Record<string, unknown>, ctx: { accountId: string }): Promise<void> {
    try {
      await this.proc.call('channel.logout', { channelId, accountId: ctx.accountId, config, dataDir: this.accountDir(channelId, ctx.accountId) } satisfies ChannelCreateParams);
    } catch (err) {
      throw channelError(this.pluginId, `channel "${channelId}" logout`, err);
    }
  }

  notification(method: string, params: unknown): boolean {
    if (method === 'channel.loginQr') {
      const p = params as ChannelLoginQrParams;
      this.logins.get(p.loginId)?.(p.qr);
      return true;
    }
    const handle = (params as { handle?: unknown } | undefined)?.handle;
    if (typeof handle !== 'string') return false;
    const entry = this.live.get(handle);
    if (method === 'log') {
      if (!entry) return false;
      const p = params as LogParams;
      const level = ['debug', 'info', 'warn', 'error'].includes(p.level) ? p.level : 'info';
      entry.ctx.log[level](String(p.msg ?? ''), p.fields);
      return true;
    }
    if (method === 'channel.heartbeat') {
      if (!entry || entry.dead) return true;
      const facts = (params as ChannelHeartbeatParams).facts;
      if (facts && typeof facts === 'object') entry.facts = facts;
      entry.ctx.heartbeat();
      return true;
    }
    if (method === 'channel.fail') {
      if (entry && !entry.dead) entry.ctx.fail(rebuildError((params as ChannelFailParams).error));
      return true;
    }
    return false;
  }

  exited(reason: string): void {
    const err = new Error(`plugin process exited (plugin "${this.pluginId}": its process ${reason}); the channel restarts once the plugin is back`);
    const entries = [...this.live.values()];
    this.live.clear();
    for (const entry of entries) {
      if (entry.dead) continue;
      entry.dead = err;
      entry.ctx.fail(err);
    }
  }

  private entry(handle: unknown): LiveAdapter {
    const entry = typeof handle === 'string' ? this.live.get(handle) : undefined;
    if (!entry || entry.dead) throw new Error(`no running channel adapter "${String(handle)}"`);
    return entry;
  }
}

/** An adapter error from the child, rebuilt so delivery sees rate limits, permanent and auth errors. */
function rebuildError(data: ChannelErrorData | undefined): Error {
  const message = data?.message ?? 'the adapter failed';
  if (data?.name === 'ChannelRateLimitError' && typeof data.retryAfterMs === 'number') return new ChannelRateLimitError(data.retryAfterMs, message);
  if (data?.name === 'ChannelPermanentError') return new ChannelPermanentError(message);
  if (data?.name === 'ChannelAuthError') return new ChannelAuthError(message);
  return new Error(message);
}

/** A failed adapter call: the platform's own error kinds as they are, anything else naming plugin and channel. */
function channelError(pluginId: string, target: string, err: unknown): Error {
  if (err instanceof RpcRemoteError && isErrorData(err.data) && PLATFORM_ERRORS.has(err.data.name)) return rebuildError(err.data);
  if (err instanceof PluginUnavailableError || err instanceof PluginCallError) return err;
  return new PluginCallError(pluginId, target, errorMessage(err), { cause: err });
}

const PLATFORM_ERRORS = new Set(['ChannelRateLimitError', 'ChannelPermanentError', 'ChannelAuthError']);

function isErrorData(v: unknown): v is ChannelErrorData {
  return !!v && typeof v === 'object' && typeof (v as ChannelErrorData).name === 'string' && typeof (v as ChannelErrorData).message === 'string';
}
