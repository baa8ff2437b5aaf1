/**
 * Scripted behaviour shared by the fake model servers (`fake-anthropic.ts`,
 * `fake-openai.ts`), plus the server machinery they have in common: request
 * recording, latency, scripted errors, pacing, `hang` and `disconnect`.
 *
 * A script sees the request as the API received it and answers with an
 * API-neutral `ScriptedReply`; each fake encodes that reply in its API's wire shape.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StopReason } from '../src-main/agents/providers/types.js';
import { SseWriter, readJsonBody, startHttpServer, untilGone, waitUnlessGone, type StartedServer } from './http-server.js';

export type FakeApi = 'anthropic-messages' | 'openai-completions' | 'openai-responses';

/** What a script sees: the request body's fields as the API received them. */
export interface ScriptRequest {
  api: FakeApi;
  model: string;
  /** Anthropic `messages`, Chat Completions `messages` (incl. system/tool roles), or Responses `input` (a string input becomes one user message). */
  messages: unknown[];
  tools: unknown[];
  /** Anthropic `system` (blocks joined), Chat Completions system messages joined, or Responses `instructions`. */
  system: string;
  /** Whole request body, for anything else a script wants to check. */
  body: Record<string, unknown>;
}

export interface ScriptedError {
  status: number;
  /** API error type; defaults to the real type for the status (e.g. `rate_limit_error` / `rate_limit_exceeded`). */
  type?: string;
  message?: string;
  /** Sent as `retry-after` (seconds), which the SDKs honour when > 0 (0 means "use your own backoff"). */
  retryAfterSeconds?: number;
  /** Sent as `retry-after-ms`; both SDKs prefer it. Useful to keep retry tests and benchmarks fast. */
  retryAfterMs?: number;
}

export interface ScriptedToolCall {
  name: string;
  input: unknown;
  /** Defaults to `toolu_<call>_<n>` (Anthropic) or `call_<call>_<n>` (OpenAI). */
  id?: string;
}

export interface ScriptedReply {
  text?: string;
  /** Text deltas exactly as streamed; default: `text` split after each word. */
  chunks?: string[];
  /** Tool calls after the text; their JSON arguments are streamed in several pieces. */
  toolCalls?: ScriptedToolCall[];
  /** Default: `tool_use` when there are tool calls, else `end_turn`. */
  stopReason?: StopReason;
  /** Default: estimated from request/response size (about 4 chars a token). */
  usage?: { inputTokens?: number; outputTokens?: number; cacheReadTokens?: number; cacheWriteTokens?: number };
  /** Answer with this HTTP error (real error JSON shape and retry headers) instead of a reply. */
  error?: ScriptedError;
  /** Extra latency before the response headers (added to the server's `latencyMs`). */
  delayMs?: number;
  /** Pause between streamed content events (overrides the server's `chunkDelayMs`). */
  chunkDelayMs?: number;
  /** Stream headers and the first content chunk, then nothing until the client aborts. */
  hang?: boolean;
  /** Stream all content, then drop the socket before the final events (a mid-stream failure). */
  disconnect?: boolean;
}

export type ModelScript = (req: ScriptRequest) => ScriptedReply | Promise<ScriptedReply>;

// ---------------------------------------------------------------------------
// Reading requests in any of the three wire shapes

/** Text of the last user message that has text (tool-result-only messages are skipped). */
export function lastUserText(req: ScriptRequest): string {
  for (let i = req.messages.length - 1; i >= 0; i--) {
    const m = req.messages[i] as { role?: string; content?: unknown };
    if (m?.role !== 'user') continue;
    const text = textOf(m.content);
    if (text) return text;
  }
  return '';
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((p: { type?: string }) => p?.type === 'text' || p?.type === 'input_text')
    .map((p: { text?: string }) => p.text ?? '')
    .join('');
}

/** The request ends with a tool result (Anthropic `tool_result` block, Chat `role:"tool"`, Responses `function_call_output`). */
export function endsWithToolResult(req: ScriptRequest): boolean {
  const last = req.messages[req.messages.length - 1] as { role?: string; type?: string; content?: unknown } | undefined;
  if (!last) return false;
  if (last.role === 'tool' || last.type === 'function_call_output') return true;
  return Array.isArray(last.content) && last.content.some((b: { type?: string }) => b?.type === 'tool_result');
}

// ---------------------------------------------------------------------------
// Script helpers

/** Replies with the last user text. */
export const echoScript: ModelScript = (req) => ({ text: lastUserText(req) });

/** One reply per call, in order; after the list runs out the last one repeats. */
export function sequenceScript(replies: ScriptedReply[]): ModelScript {
  if (replies.length === 0) throw new Error('sequenceScript needs at least one reply');
  let i = 0;
  return () => replies[Math.min(i++, replies.length - 1)];
}

/** Calls `toolName` with `input`; once the request carries the tool result, answers `finalText`. */
export function toolThenTextScript(toolName: string, input: unknown, finalText: string): ModelScript {
  return (req) => (endsWithToolResult(req) ? { text: finalText } : { toolCalls: [{ name: toolName, input }] });
}

// ---------------------------------------------------------------------------
// Reply planning (shared by the encoders)

export interface PlannedToolCall {
  id: string;
  name: string;
  input: unknown;
  /** The JSON arguments split into pieces, concatenating to `JSON.stringify(input)`. */
  argPieces: string[];
}

export interface PlannedReply {
  chunks: string[];
  text: string;
  toolCalls: PlannedToolCall[];
  stopReason: StopReason;
  usage: { inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheWriteTokens: number };
}

export function planReply(reply: ScriptedReply, body: unknown, call: number, idPrefix: string): PlannedReply {
  const chunks = reply.chunks ?? (reply.text ? (reply.text.match(/\S+\s*|\s+/g) ?? [reply.text]) : []);
  const text = chunks.join('');
  const toolCalls = (reply.toolCalls ?? []).map((tc, n) => {
    const json = JSON.stringify(tc.input ?? {});
    return { id: tc.id ?? `${idPrefix}_${call}_${n}`, name: tc.name, input: tc.input ?? {}, argPieces: splitInPieces(json, 3) };
  });
  const outChars = text.length + toolCalls.reduce((n, tc) => n + tc.name.length + tc.argPieces.join('').length, 0);
  return {
    chunks,
    text,
    toolCalls,
    stopReason: reply.stopReason ?? (toolCalls.length ? 'tool_use' : 'end_turn'),
    usage: {
      inputTokens: reply.usage?.inputTokens ?? Math.max(1, Math.ceil(JSON.stringify(body ?? '').length / 4)),
      outputTokens: reply.usage?.outputTokens ?? Math.max(1, Math.ceil(outChars / 4)),
      cacheReadTokens: reply.usage?.cacheReadTokens ?? 0,
      cacheWriteTokens: reply.usage?.cacheWriteTokens ?? 0,
    },
  };
}

function splitInPieces(s: string, n: number): string[] {
  if (s.length <= n) return [s];
  const size = Math.ceil(s.length / n);
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out;
}

// ---------------------------------------------------------------------------
// Server base

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export interface FakeServerOptions {
  script?: ModelScript;
  /** Latency before every model response's headers (benchmarks). */
  latencyMs?: number;
  /** Pause between streamed content events. */
  chunkDelayMs?: number;
  /** When set, requests carrying another key get the API's real 401. */
  apiKey?: string;
  /** Ids listed by `GET /v1/models`. */
  models?: string[];
}

/** One SSE event; `content` marks text/argument deltas (paced, and where `hang` stops). */
export interface SseEvent {
  event?: string;
  data: unknown;
  content?: boolean;
}

/** A stream as a body and a tail (the closing events, which `disconnect` never sends). */
export interface PlannedStream {
  events: SseEvent[];
  tail: SseEvent[];
}

export abstract class FakeModelServer {
  /** Every request received, in order (including failed and retried ones). */
  readonly requests: RecordedRequest[] = [];
  /** Model calls received (requests to a model endpoint), including ones answered with an error. */
  calls = 0;
  script: ModelScript;
  baseUrl = '';
  private started?: StartedServer;

  constructor(readonly opts: FakeServerOptions = {}) {
    this.script = opts.script ?? echoScript;
  }

  async start(): Promise<StartedServer> {
    const s = await startHttpServer((req, res) => this.handle(req, res));
    this.baseUrl = s.baseUrl;
    this.started = s;
    return { baseUrl: s.baseUrl, close: () => s.close() };
  }

  async close(): Promise<void> {
    await this.started?.close();
  }

  /** Forget recorded requests and the call count. */
  reset(): void {
    this.requests.length = 0;
    this.calls = 0;
  }

  /** Route a request; return false for 404. */
  protected abstract route(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<boolean>;
  protected abstract sendError(res: ServerResponse, error: ScriptedError): void;
  protected abstract presentedKey(req: IncomingMessage): string | undefined;

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = req.method === 'POST' ? await readJsonBody(req) : undefined;
    const path = (req.url ?? '/').split('?')[0];
    this.requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body });
    if (this.opts.apiKey !== undefined && this.presentedKey(req) !== this.opts.apiKey) {
      return this.sendError(res, { status: 401, message: this.invalidKeyMessage(this.presentedKey(req) ?? '') });
    }
    if (!(await this.route(req, res, body))) this.sendError(res, { status: 404, message: `Not found: ${req.method} ${path}` });
  }

  protected invalidKeyMessage(_presented: string): string {
    return 'invalid x-api-key';
  }

  /**
   * Common flow of one model call: count, run the script, wait, then answer
   * with the scripted error, a JSON body, or a paced stream.
   */
  protected async answer(
    res: ServerResponse,
    sreq: ScriptRequest,
    stream: boolean,
    encode: { json(plan: PlannedReply, call: number): unknown; stream(plan: PlannedReply, call: number): PlannedStream; idPrefix: string },
  ): Promise<void> {
    const call = ++this.calls;
    const reply = await this.script(sreq);
    if (!(await waitUnlessGone(res, (this.opts.latencyMs ?? 0) + (reply.delayMs ?? 0)))) return;
    if (reply.error) return this.sendError(res, reply.error);
    const plan = planReply(reply, sreq.body, call, encode.idPrefix);
    if (!stream) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(encode.json(plan, call)));
      return;
    }
    const { events, tail } = encode.stream(plan, call);
    const sse = new SseWriter(res);
    const pause = reply.chunkDelayMs ?? this.opts.chunkDelayMs ?? 0;
    const firstContent = events.findIndex((e) => e.content);
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      if (e.content && i !== firstContent && !(await waitUnlessGone(res, pause))) return;
      if (!sse.send(e.data, e.event)) return;
      if (reply.hang && (i === firstContent || (firstContent < 0 && i === events.length - 1))) return untilGone(res);
    }
    if (reply.disconnect) return sse.drop();
    for (const e of tail) sse.send(e.data, e.event);
    sse.end();
  }
}

/** Default API error type names by status. */
export function defaultErrorType(status: number, table: Record<number, string>, fallback5xx: string, fallback4xx: string): string {
  return table[status] ?? (status >= 500 ? fallback5xx : fallback4xx);
}

/** `retry-after` / `retry-after-ms` headers for a scripted error. */
export function retryHeaders(error: ScriptedError): Record<string, string> {
  const h: Record<string, string> = {};
  if (error.retryAfterSeconds !== undefined) h['retry-after'] = String(error.retryAfterSeconds);
  if (error.retryAfterMs !== undefined) h['retry-after-ms'] = String(error.retryAfterMs);
  return h;
}
