/**
 * Entry of a plugin's child process. Bundled to a single file and run with
 * plain `node` by the process host; it imports the plugin, runs `register`
 * against the same api collector the gateway uses, and serves calls over
 * JSON-RPC on stdin/stdout. stdout carries only protocol lines: anything the
 * plugin prints is turned into `log` notifications.
 */
import { createApiCollector, runStopHandlers, type Collected } from './api-collector.js';
import type {
  ChannelCreateParams,
  ChannelStateOp,
  ChannelStateParams,
  ChannelCreateResult,
  ChannelEmitParams,
  ChannelErrorData,
  ChannelFailParams,
  ChannelHandleParams,
  ChannelHeartbeatParams,
  ChannelStartResult,
  ChannelLoginParams,
  ChannelLoginQrParams,
  ChannelSendParams,
  ChannelTypingParams,
  HookCallParams,
  InitializeParams,
  LogParams,
  MemoryCallParams,
  MethodCallParams,
  Registrations,
  RouteCallParams,
  ToolCallParams,
} from './child-protocol.js';
import { loadAndRegister } from './entry-loader.js';
import { errorMessage } from './errors.js';
import { createRpcPeer, RpcHandlerError, RpcMethodNotFoundError } from './rpc.js';
import type { ChannelAdapter, ChannelContext, ChannelLogger, ChannelState } from '../../src-shared/domain/channel.js';
import type { PluginLogger } from '../../src-shared/plugin/api.js';

const protocolWrite = process.stdout.write.bind(process.stdout);
let collected: Collected | undefined;
/** Each `onStop` handler's share of the second the parent gives a stopping child. */
const CHILD_STOP_HANDLER_TIMEOUT_MS = 800;

const peer = createRpcPeer({
  input: process.stdin,
  write: (line) => void protocolWrite(`${line}\n`),
  onRequest: (method, params, signal) => handle(method, params, signal),
});

const log: PluginLogger = {
  debug: (msg, fields) => send('debug', msg, fields),
  info: (msg, fields) => send('info', msg, fields),
  warn: (msg, fields) => send('warn', msg, fields),
  error: (msg, fields) => send('error', msg, fields),
};

function send(level: LogParams['level'], msg: string, fields?: Record<string, unknown>, handle?: string): void {
  peer.notify('log', { level, msg: String(msg), ...(fields ? { fields: safeFields(fields) } : {}), ...(handle ? { handle } : {}) } satisfies LogParams);
}

/** Channel adapters the gateway created here, by handle. */
const adapters = new Map<string, { adapter: ChannelAdapter; controller: AbortController; sentFacts?: string }>();
let nextHandle = 1;

// What the plugin prints becomes log lines; the protocol stream stays clean.
process.stdout.write = ((chunk: unknown) => {
  const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
  for (const line of text.split('\n')) if (line.trim() !== '') send('info', line);
  return true;
}) as typeof process.stdout.write;

// The parent went away: nothing left to serve.
process.stdin.on('end', () => {
  for (const a of adapters.values()) a.controller.abort(new Error('the gateway disconnected'));
  process.exit(0);
});
process.on('uncaughtException', (err) => {
  send('error', `uncaught exception: ${errorMessage(err)}`, { stack: err instanceof Error ? err.stack : undefined });
  // State after an uncaught exception is unknown: exit, and let the parent restart us.
  process.exit(70);
});
process.on('unhandledRejection', (reason) => {
  send('error', `unhandled promise rejection: ${errorMessage(reason)}`);
});

async function handle(method: string, params: unknown, signal: AbortSignal): Promise<unknown> {
  if (method === 'ping') return 'pong';
  if (method === 'initialize') return initialize(params as InitializeParams);
  if (method === 'shutdown') {
    // The plugin's own clean-up first (hang up, close servers), inside the second the parent waits
    // before it kills a child that lingers.
    if (collected) await runStopHandlers(collected.stopHandlers, (problem) => send('warn', problem), CHILD_STOP_HANDLER_TIMEOUT_MS);
    setImmediate(() => process.exit(0));
    return null;
  }
  const c = collected;
  if (!c) throw new Error('not initialized');
  switch (method) {
    case 'tool.call': {
      const p = params as ToolCallParams;
      const tool = c.tools.find((t) => t.name === p.name);
      if (!tool) throw new Error(`no tool "${p.name}"`);
      return tool.execute(p.params, { ...p.ctx, signal });
    }
    case 'method.call': {
      const p = params as MethodCallParams;
      const m = c.methods.find((x) => x.name === p.name);
      if (!m) throw new Error(`no method "${p.name}"`);
      return m.handler(p.params, p.ctx);
    }
    case 'hook.call': {
      const p = params as HookCallParams;
      const hook = c.hooks[p.index];
      if (!hook) throw new Error(`no hook #${p.index}`);
      return (hook.handler as (e: unknown) => unknown)(p.event);
    }
    case 'route.call': {
      const p = params as RouteCallParams;
      const route = c.routes[p.index];
      if (!route) throw new Error(`no route #${p.index}`);
      return route.handler(p.request);
    }
    case 'memory.call': {
      const p = params as MemoryCallParams;
      const memory = c.memory as Record<string, ((arg: unknown) => unknown) | undefined> | undefined;
      const fn = memory?.[p.op];
      if (!fn) throw new Error(`memory has no ${p.op}`);
      return fn.call(memory, p.arg);
    }
    case 'channel.create':
      return createChannel(c, params as ChannelCreateParams);
    case 'channel.start': {
      const { handle } = params as ChannelHandleParams;
      await channelCall(() => adapterFor(handle).start());
      const facts = changedFacts(handle);
      return (facts ? { facts } : {}) satisfies ChannelStartResult;
    }
    case 'channel.stop': {
      const { handle } = params as ChannelHandleParams;
      const a = adapters.get(handle);
      if (!a) return null;
      a.controller.abort(new Error('the adapter is being stopped'));
      try {
        await channelCall(() => a.adapter.stop());
      } finally {
        adapters.delete(handle);
      }
      return null;
    }
    case 'channel.send': {
      const p = params as ChannelSendParams;
      return channelCall(() => adapterFor(p.handle).send(p.msg));
    }
    case 'channel.sendTyping': {
      const p = params as ChannelTypingParams;
      const adapter = adapterFor(p.handle);
      if (!adapter.sendTyping) throw new Error('this adapter cannot show typing');
      await channelCall(() => adapter.sendTyping!(p.to, p.threadId));
      return null;
    }
    case 'channel.login': {
      // QR payloads go out as notifications; the gateway cancels the request to end the login.
      const p = params as ChannelLoginParams;
      const def = channelDef(c, p.channelId);
      if (!def.login) throw new Error(`channel "${p.channelId}" has no QR login`);
      const onQr = (qr: string) => peer.notify('channel.loginQr', { loginId: p.loginId, qr } satisfies ChannelLoginQrParams);
      return channelCall(() => def.login!({ id: p.accountId, config: p.config }, accountCtx(p, signal), { onQr, signal }));
    }
    case 'channel.logout': {
      const p = params as ChannelCreateParams;
      const def = channelDef(c, p.channelId);
      if (!def.logout) return null;
      await channelCall(() => def.logout!({ id: p.accountId, config: p.config }, accountCtx(p, signal)));
      return null;
    }
    default:
      throw new RpcMethodNotFoundError(`no method ${method}`);
  }
}

function channelDef(c: Collected, channelId: string) {
  const def = c.channels.find((ch) => ch.id === channelId);
  if (!def) throw new Error(`no channel "${channelId}"`);
  return def;
}

/** The account context a login or logout sees (no emit: it does not receive messages). */
function accountCtx(p: ChannelCreateParams, signal: AbortSignal) {
  const log: ChannelLogger = {
    debug: (msg, fields) => send('debug', msg, fields),
    info: (msg, fields) => send('info', msg, fields),
    warn: (msg, fields) => send('warn', msg, fields),
    error: (msg, fields) => send('error', msg, fields),
  };
  return { channel: p.channelId, accountId: p.accountId, config: p.config, dataDir: p.dataDir, log, signal };
}

/** The account's state in the gateway's store, asked for across the process boundary (JSON has no `undefined`: deletes travel as null). */
function remoteState(handle: string): ChannelState {
  const ask = <T>(params: ChannelStateOp) => peer.request('channel.state', { handle, ...params } as ChannelStateParams) as Promise<T>;
  return {
    get: async (key) => (await ask<string | null>({ op: 'get', key })) ?? undefined,
    set: async (entries) => void (await ask({ op: 'set', entries: Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, v ?? null])) })),
    list: (prefix) => ask<[string, string][]>({ op: 'list', prefix }),
    clear: async () => void (await ask({ op: 'clear' })),
  };
}

function createChannel(c: Collected, p: ChannelCreateParams): ChannelCreateResult {
  const def = channelDef(c, p.channelId);
  const handle = `ch${nextHandle++}`;
  const controller = new AbortController();
  const channelLog: ChannelLogger = {
    debug: (msg, fields) => send('debug', msg, fields, handle),
    info: (msg, fields) => send('info', msg, fields, handle),
    warn: (msg, fields) => send('warn', msg, fields, handle),
    error: (msg, fields) => send('error', msg, fields, handle),
  };
  const ctx: ChannelContext = {
    channel: p.channelId,
    accountId: p.accountId,
    config: p.config,
    dataDir: p.dataDir,
    ...(p.platform ? { platform: p.platform } : {}),
    log: channelLog,
    ...(p.state ? { state: remoteState(handle) } : {}),
    // Answered once the gateway queued the message: the adapter acknowledges the platform after.
    emit: async (msg) => {
      await peer.request('channel.emit', { handle, msg } satisfies ChannelEmitParams);
    },
    heartbeat: () => {
      const facts = changedFacts(handle);
      peer.notify('channel.heartbeat', { handle, ...(facts ? { facts } : {}) } satisfies ChannelHeartbeatParams);
    },
    fail: (err) => peer.notify('channel.fail', { handle, error: errorData(err) } satisfies ChannelFailParams),
    signal: controller.signal,
  };
  const adapter = def.create({ id: p.accountId, config: p.config }, ctx);
  adapters.set(handle, { adapter, controller });
  return { handle, typing: typeof adapter.sendTyping === 'function' };
}

/**
 * The adapter's `describe()` facts when they differ from what the gateway last got (the gateway's
 * `describe()` is synchronous, so the child keeps it current); undefined when unchanged or failing.
 */
function changedFacts(handle: string): Record<string, unknown> | undefined {
  const a = adapters.get(handle);
  if (!a?.adapter.describe) return undefined;
  let facts: Record<string, unknown>;
  try {
    facts = a.adapter.describe();
  } catch {
    return undefined;
  }
  const text = JSON.stringify(facts);
  if (text === a.sentFacts) return undefined;
  a.sentFacts = text;
  return JSON.parse(text) as Record<string, unknown>;
}

function adapterFor(handle: string): ChannelAdapter {
  const a = adapters.get(handle);
  if (!a) throw new Error(`no channel adapter "${handle}" (stopped, or created by an earlier process)`);
  return a.adapter;
}

/** Runs an adapter call; its error travels with its name (rate limit, permanent, auth) as data. */
async function channelCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const data = errorData(err);
    throw new RpcHandlerError(data.message, data);
  }
}

function errorData(err: unknown): ChannelErrorData {
  const e = err as { name?: unknown; message?: unknown; retryAfterMs?: unknown } | undefined;
  return {
    name: typeof e?.name === 'string' ? e.name : 'Error',
    message: typeof e?.message === 'string' ? e.message : errorMessage(err),
    ...(typeof e?.retryAfterMs === 'number' ? { retryAfterMs: e.retryAfterMs } : {}),
  };
}

async function initialize(p: InitializeParams): Promise<Registrations> {
  if (collected) throw new Error('already initialized');
  const { api, collected: c, seal } = createApiCollector({ id: p.pluginId, kinds: p.kinds, channelIds: p.channelIds, config: p.config, log, dataDir: p.dataDir });
  await loadAndRegister({ pluginId: p.pluginId, entry: p.entry, timeoutMs: p.registerTimeoutMs, makeApi: () => api, seal });
  // An accepted socket lives in the gateway process and cannot be handed over here.
  if (c.wsRoutes.length) throw new Error(`it registers WebSocket routes (${c.wsRoutes.map((r) => r.path).join(', ')}), which only plugins running in the gateway process can serve; set plugins.entries.${p.pluginId}.isolation to "inprocess" if you trust it`);
  collected = c;
  return {
    tools: c.tools.map((t) => ({ name: t.name, description: t.description, ...(t.group ? { group: t.group } : {}), schema: t.schema })),
    methods: c.methods.map((m) => ({ name: m.name, scope: m.scope, ...(m.paramsSchema ? { paramsSchema: m.paramsSchema } : {}) })),
    hooks: c.hooks.map((h) => h.name),
    routes: c.routes.map((r) => ({ method: r.method, path: r.path, public: r.public === true })),
    channels: c.channels.map((ch) => ({
      id: ch.id,
      label: ch.label,
      capabilities: ch.capabilities,
      ...(ch.settingsSchema ? { settingsSchema: ch.settingsSchema } : {}),
      ...(ch.targetRules?.threadIsTopic ? { threadIsTopic: true } : {}),
      ...(typeof ch.login === 'function' ? { login: true } : {}),
      ...(typeof ch.logout === 'function' ? { logout: true } : {}),
    })),
    ...(c.memory ? { memory: { get: typeof c.memory.get === 'function', add: typeof c.memory.add === 'function', remove: typeof c.memory.remove === 'function', countOwner: typeof c.memory.countOwner === 'function', forgetOwner: typeof c.memory.forgetOwner === 'function' } } : {}),
    stores: c.stores.map((s) => ({ id: s.id, ...(s.description ? { description: s.description } : {}) })),
  };
}

function safeFields(fields: Record<string, unknown>): Record<string, unknown> {
  try {
    return JSON.parse(JSON.stringify(fields)) as Record<string, unknown>;
  } catch {
    return { note: 'fields were not serialisable' };
  }
}
