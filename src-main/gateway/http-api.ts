import { randomUUID, createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ToolInvokeParamsSchema, compile } from '../../src-shared/protocol/index.js';
import { normalizeAgentId } from '../../src-shared/domain/agent-id.js';
import type { RunTracker } from '../agents/run-tracker.js';
import type { Logger } from '../logging/index.js';
import type { InboundQueue } from '../queue/inbound-queue.js';
import type { QueuedInbound } from '../routing/inbound-pipeline.js';
import type { AuthRateLimiter } from './auth-rate-limit.js';
import type { ClientAddress } from './client-address.js';
import { RpcError, toErrorShape } from './errors.js';
import type { AuthSettings } from './handshake.js';
import { resolveClientSessionKey } from './handlers/chat.js';
import { invokeTool, ToolNotAvailableError, type ToolInvokeDeps } from './tool-invoke.js';
import { PluginCallError, PluginUnavailableError } from '../plugins/errors.js';
import type { RegisteredRoute } from '../plugins/contributions.js';

const TOOLS_BODY_MAX = 2 * 1024 * 1024;
const CHAT_BODY_MAX = 8 * 1024 * 1024;
const PLUGIN_BODY_MAX = 1024 * 1024;
const BODY_TIMEOUT_MS = 15_000;
const toolParams = compile(ToolInvokeParamsSchema);

export interface HttpApiDeps extends ToolInvokeDeps {
  auth(): AuthSettings;
  limiter: AuthRateLimiter;
  queue: InboundQueue<QueuedInbound>;
  runs: RunTracker;
  log: Logger;
  /** Subscribe to gateway events (for streaming replies). */
  onEvent(fn: (event: string, payload: unknown) => void): () => void;
  /** The client behind a request (the socket's address, or a trusted proxy's report of it). */
  clientAddress(req: IncomingMessage): ClientAddress;
  /** HTTP routes plugins registered, mounted under `/plugins/<id>/`. */
  pluginRoutes?(): readonly RegisteredRoute[];
}

/** A refusal with its HTTP status; the plugin upgrade path reuses it. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

function same(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/** Bearer auth with the shared token or password; failures count toward the same per-source lockout as WS. */
export function authorize(req: IncomingMessage, deps: Pick<HttpApiDeps, 'auth' | 'limiter' | 'clientAddress'>): void {
  const source = { address: deps.clientAddress(req).address };
  const wait = deps.limiter.retryAfterMs(source);
  if (wait > 0) throw new HttpError(429, 'rate_limited', 'too many failed authentication attempts', { 'Retry-After': String(Math.ceil(wait / 1000)) });
  const a = deps.auth();
  if (a.mode === 'none') return;
  const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  const secret = a.mode === 'password' ? a.password : a.token;
  if (!m || !secret || !same(m[1]!.trim(), secret)) {
    const lockout = deps.limiter.recordFailure(source);
    if (lockout) throw new HttpError(429, 'rate_limited', 'too many failed authentication attempts', { 'Retry-After': String(Math.ceil(lockout / 1000)) });
    throw new HttpError(401, 'unauthorized', m ? 'invalid bearer token' : 'missing Authorization: Bearer <gateway token>', { 'WWW-Authenticate': 'Bearer' });
  }
  deps.limiter.recordSuccess(source);
}

/** The body as JSON, at most `max` bytes; an {@link HttpError} for too big, too slow or not JSON. */
export async function readJson(req: IncomingMessage, max: number): Promise<unknown> {
  const raw = (await readBody(req, max)).toString('utf8');
  try {
    return JSON.parse(raw || '{}');
  } catch {
    throw new HttpError(400, 'invalid_request', 'body is not valid JSON');
  }
}

function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > max) return reject(new HttpError(413, 'payload_too_large', `body over ${max} bytes`));
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => reject(new HttpError(408, 'timeout', 'request body not received in time')), BODY_TIMEOUT_MS);
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        clearTimeout(timer);
        reject(new HttpError(413, 'payload_too_large', `body over ${max} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/**
 * HTTP APIs on the gateway port: `POST /tools/invoke` (always on, bearer auth,
 * high-risk tools denied) and the opt-in OpenAI-compatible `POST /v1/chat/completions`.
 * Returns false for paths it does not own.
 */
export function createHttpApi(deps: HttpApiDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  const handle = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    try {
      if (path === '/tools/invoke') {
        if (req.method !== 'POST') throw new HttpError(405, 'method_not_allowed', 'use POST');
        authorize(req, deps);
        const body = await readJson(req, TOOLS_BODY_MAX);
        if (!toolParams.check(body)) throw new HttpError(400, 'invalid_request', `invalid body: ${toolParams.explain(body)}`);
        return send(res, 200, await invokeTool(deps, body));
      }
      const endpoints = deps.config().gateway.http?.endpoints;
      if (path === '/v1/chat/completions' && endpoints?.chatCompletions?.enabled) {
        if (req.method !== 'POST') throw new HttpError(405, 'method_not_allowed', 'use POST');
        authorize(req, deps);
        return await chatCompletions(req, res, (await readJson(req, CHAT_BODY_MAX)) as Record<string, unknown>);
      }
      if (path === '/v1/models' && endpoints?.chatCompletions?.enabled) {
        authorize(req, deps);
        const ids = Object.keys(deps.config().agents.entries);
        return send(res, 200, { object: 'list', data: ['openclaw', ...ids.map((id) => `openclaw/${id}`)].map((id) => ({ id, object: 'model', owned_by: 'openclaw' })) });
      }
      if (path.startsWith('/plugins/') && deps.pluginRoutes) return await pluginRoute(req, res, path);
      throw new HttpError(404, 'not_found', `no route ${path}`);
    } catch (err) {
      if (res.headersSent) return void res.end();
      if (err instanceof HttpError) return send(res, err.status, { ok: false, error: { type: err.type, message: err.message } }, err.headers);
      if (err instanceof ToolNotAvailableError) return send(res, 404, { ok: false, error: { type: 'not_found', message: err.message } });
      if (err instanceof RpcError) return send(res, 400, { ok: false, error: { type: 'invalid_request', message: err.message } });
      // A plugin's failure is its own: the caller learns which plugin, the gateway carries on.
      if (err instanceof PluginUnavailableError) return send(res, 503, { ok: false, error: { type: 'plugin_unavailable', message: err.message } });
      if (err instanceof PluginCallError) return send(res, 502, { ok: false, error: { type: 'plugin_failed', message: err.message } });
      deps.log.error('HTTP API request failed', { path, err });
      return send(res, 500, { ok: false, error: { type: 'internal', message: toErrorShape(err).message } });
    }
  };

  /** `/plugins/<id>/…`: exact method and path; the gateway credential unless the plugin declared the route public. */
  const pluginRoute = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    const method = (req.method ?? 'GET').toUpperCase();
    const matches = deps.pluginRoutes!().filter((r) => r.path === path);
    const route = matches.find((r) => r.method === method);
    if (!route) throw matches.length ? new HttpError(405, 'method_not_allowed', `use ${matches.map((r) => r.method).join(' or ')}`) : new HttpError(404, 'not_found', `no route ${path}`);
    if (!route.public) authorize(req, deps);
    const url = new URL(req.url ?? '/', 'http://gateway.invalid');
    const body = method === 'GET' || method === 'HEAD' ? '' : (await readBody(req, PLUGIN_BODY_MAX)).toString('utf8');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'authorization' && k !== 'cookie') headers[k] = v;
    const out = await route.handle({ method, path: path.slice(`/plugins/${route.pluginId}`.length) || '/', query: Object.fromEntries(url.searchParams), headers, body });
    const status = out.status ?? 200;
    if (out.json !== undefined) return send(res, status, out.json, out.headers);
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...out.headers });
    res.end(out.body ?? '');
  };

  const chatCompletions = async (req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>) => {
    const messages = Array.isArray(body.messages) ? (body.messages as { role?: string; content?: unknown }[]) : [];
    const lastUser = [...messages].reverse().find((m) => m.role === 'user');
    const text = typeof lastUser?.content === 'string' ? lastUser.content : Array.isArray(lastUser?.content) ? (lastUser!.content as { type?: string; text?: string }[]).filter((p) => p.type === 'text').map((p) => p.text ?? '').join('') : '';
    if (!text) throw new HttpError(400, 'invalid_request', 'messages must contain a user message with text');
    const cfg = deps.config();
    const model = typeof body.model === 'string' ? body.model : 'openclaw';
    const headerAgent = req.headers['x-openclaw-agent-id'];
    const agentId = normalizeAgentId(typeof headerAgent === 'string' ? headerAgent : model.startsWith('openclaw/') ? model.slice('openclaw/'.length) : cfg.defaultAgentId);
    const headerKey = req.headers['x-openclaw-session-key'];
    if (typeof headerKey === 'string' && /^(subagent|cron|acp):/.test(headerKey)) throw new HttpError(400, 'invalid_request', 'reserved session key prefix');
    const { sessionKey } = resolveClientSessionKey(cfg, typeof headerKey === 'string' ? headerKey : `agent:${agentId}:explicit:http-${randomUUID()}`);
    const runId = `chatcmpl-${randomUUID()}`;
    const payload: QueuedInbound = {
      inbound: { channel: 'openai-http', accountId: 'default', messageId: runId, senderId: 'http', peer: { kind: 'direct', id: 'http' }, text, timestampMs: Date.now() },
      origin: 'agent',
    };
    const created = Math.floor(Date.now() / 1000);
    const stream = body.stream === true;
    let off: (() => void) | undefined;
    if (stream) {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
      const chunk = (delta: Record<string, unknown>, finish: string | null) =>
        res.write(`data: ${JSON.stringify({ id: runId, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`);
      chunk({ role: 'assistant' }, null);
      off = deps.onEvent((event, p) => {
        const e = p as { runId?: string; state?: string; deltaText?: string };
        if (event === 'chat' && e.runId === runId && e.state === 'delta' && e.deltaText) chunk({ content: e.deltaText }, null);
      });
    }
    await deps.queue.ingest({ dedupeKey: `http:${runId}`, sessionKey, agentId, runId, payload: payload });
    const outcome = await deps.runs.wait(runId, 600_000);
    off?.();
    const finish = outcome?.status === 'ok' ? 'stop' : 'error';
    if (stream) {
      res.write(`data: ${JSON.stringify({ id: runId, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta: {}, finish_reason: finish }] })}\n\n`);
      res.end('data: [DONE]\n\n');
      return;
    }
    if (!outcome || outcome.status !== 'ok') throw new HttpError(502, 'upstream_error', outcome?.error ?? 'the agent did not answer');
    send(res, 200, {
      id: runId,
      object: 'chat.completion',
      created,
      model,
      choices: [{ index: 0, message: { role: 'assistant', content: outcome.text }, finish_reason: finish }],
      usage: { prompt_tokens: outcome.usage?.inputTokens ?? 0, completion_tokens: outcome.usage?.outputTokens ?? 0, total_tokens: (outcome.usage?.inputTokens ?? 0) + (outcome.usage?.outputTokens ?? 0) },
    });
  };

  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://gateway.invalid').pathname;
    if (path !== '/tools/invoke' && !path.startsWith('/v1/') && !(path.startsWith('/plugins/') && deps.pluginRoutes)) return false;
    void handle(req, res, path);
    return true;
  };
}
