/**
 * Entry of a plugin's child process. Bundled to a single file and run with
 * plain `node` by the process host; it imports the plugin, runs `register`
 * against the same api collector the gateway uses, and serves calls over
 * JSON-RPC on stdin/stdout. stdout carries only protocol lines: anything the
 * plugin prints is turned into `log` notifications.
 */
import { createApiCollector, type Collected } from './api-collector.js';
import type { HookCallParams, InitializeParams, LogParams, MemoryCallParams, MethodCallParams, Registrations, RouteCallParams, ToolCallParams } from './child-protocol.js';
import { loadAndRegister } from './entry-loader.js';
import { errorMessage } from './errors.js';
import { createRpcPeer, RpcMethodNotFoundError } from './rpc.js';
import type { PluginLogger } from '../../src-shared/plugin/api.js';

const protocolWrite = process.stdout.write.bind(process.stdout);
let collected: Collected | undefined;

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

function send(level: LogParams['level'], msg: string, fields?: Record<string, unknown>): void {
  peer.notify('log', { level, msg: String(msg), ...(fields ? { fields: safeFields(fields) } : {}) } satisfies LogParams);
}

// What the plugin prints becomes log lines; the protocol stream stays clean.
process.stdout.write = ((chunk: unknown) => {
  const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
  for (const line of text.split('\n')) if (line.trim() !== '') send('info', line);
  return true;
}) as typeof process.stdout.write;

// The parent went away: nothing left to serve.
process.stdin.on('end', () => process.exit(0));
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
    default:
      throw new RpcMethodNotFoundError(`no method ${method}`);
  }
}

async function initialize(p: InitializeParams): Promise<Registrations> {
  if (collected) throw new Error('already initialized');
  const { api, collected: c, seal } = createApiCollector({ id: p.pluginId, kinds: p.kinds, channelIds: p.channelIds, config: p.config, log, dataDir: p.dataDir });
  await loadAndRegister({ pluginId: p.pluginId, entry: p.entry, timeoutMs: p.registerTimeoutMs, makeApi: () => api, seal });
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
    })),
    ...(c.memory ? { memory: { get: typeof c.memory.get === 'function', add: typeof c.memory.add === 'function', remove: typeof c.memory.remove === 'function' } } : {}),
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
