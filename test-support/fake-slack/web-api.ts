/**
 * The fake Slack's Web API methods. Slack's clients POST
 * `application/x-www-form-urlencoded` (JSON is accepted too) with the token
 * as `Authorization: Bearer …`; every answer is HTTP 200 with `ok`, except
 * rate limits (429 + Retry-After).
 */
import type { IncomingMessage } from 'node:http';
import type { FakeWorkspace } from './workspace.js';

/** A message the bot posted. */
export interface PostedMessage {
  /** Conversation id it landed in. */
  channel: string;
  /** User id for DMs, else the conversation id. */
  peer: string;
  text: string;
  threadTs?: string;
  ts: string;
  params: Record<string, string>;
}

/** What the Web API needs from the fake platform. */
export interface WebApiHost {
  workspace: FakeWorkspace;
  botToken: string;
  appToken: string;
  scripted: Map<string, ScriptedFailure[]>;
  /** A single-use Socket Mode URL. */
  issueSocketUrl(): string;
}

/** A scripted answer for the next call of a method: a failure, or a delay before the normal answer. */
export interface ScriptedFailure {
  error?: string;
  delayMs?: number;
  /** Answer 429 with this Retry-After instead of HTTP 200. */
  retryAfterSec?: number;
}

interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
  posted?: PostedMessage;
}

const ok = (body: Record<string, unknown> = {}): ApiAnswer => ({ status: 200, body: { ok: true, ...body } });
const fail = (error: string): ApiAnswer => ({ status: 200, body: { ok: false, error } });

async function readParams(req: IncomingMessage): Promise<Record<string, string>> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  const text = Buffer.concat(parts).toString('utf8');
  if (!text) return {};
  if ((req.headers['content-type'] ?? '').includes('application/json')) {
    const json = JSON.parse(text) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  }
  return Object.fromEntries(new URLSearchParams(text));
}

/** Answer one Web API call. */
export async function handleWebApi(fake: WebApiHost, method: string, req: IncomingMessage): Promise<ApiAnswer> {
  const params = await readParams(req);
  const auth = req.headers.authorization ?? '';
  const token = auth.startsWith('Bearer ') ? auth.slice(7) : params.token;
  const ws = fake.workspace;

  const scripted = fake.scripted.get(method)?.shift();
  if (scripted?.delayMs) await new Promise((resolve) => setTimeout(resolve, scripted.delayMs));
  if (scripted?.error && scripted.retryAfterSec !== undefined) {
    return { status: 429, body: { ok: false, error: scripted.error }, headers: { 'retry-after': String(scripted.retryAfterSec) } };
  }
  if (scripted?.error) return fail(scripted.error);

  if (method === 'apps.connections.open') {
    if (!token) return fail('not_authed');
    if (token === fake.botToken) return fail('not_allowed_token_type');
    if (token !== fake.appToken) return fail('invalid_auth');
    return ok({ url: fake.issueSocketUrl() });
  }
  if (!token) return fail('not_authed');
  if (token !== fake.botToken) return fail('invalid_auth');

  switch (method) {
    case 'auth.test':
      return ok({ url: 'https://openclaw-test.slack.com/', team: ws.teamName, user: ws.botName, team_id: ws.teamId, user_id: ws.botUserId, bot_id: ws.botId, is_enterprise_install: false });
    case 'users.info': {
      const user = ws.users.get(params.user ?? '');
      if (!user) return fail('user_not_found');
      return ok({
        user: { id: user.id, team_id: ws.teamId, name: user.name, real_name: user.realName, is_bot: user.id === ws.botUserId, profile: { display_name: user.displayName, real_name: user.realName } },
      });
    }
    case 'conversations.info': {
      const conv = ws.conversations.get(params.channel ?? '');
      if (!conv) return fail('channel_not_found');
      return ok({
        channel: {
          id: conv.id,
          name: conv.name,
          is_channel: conv.kind === 'channel',
          is_group: conv.kind === 'group',
          is_im: conv.kind === 'im',
          is_mpim: conv.kind === 'mpim',
          is_private: conv.kind !== 'channel',
          ...(conv.user ? { user: conv.user } : {}),
        },
      });
    }
    case 'chat.postMessage': {
      const conv = ws.resolveTarget(params.channel ?? '');
      if (!conv) return fail('channel_not_found');
      if (!conv.botMember) return fail('not_in_channel');
      const text = params.text ?? '';
      if (!text.trim() && !params.blocks) return fail('no_text');
      const ts = ws.nextTs();
      const posted: PostedMessage = { channel: conv.id, peer: ws.peerOf(conv), text, ts, params, ...(params.thread_ts ? { threadTs: params.thread_ts } : {}) };
      return {
        ...ok({ channel: conv.id, ts, message: { type: 'message', user: ws.botUserId, bot_id: ws.botId, text, ts, ...(params.thread_ts ? { thread_ts: params.thread_ts } : {}) } }),
        posted,
      };
    }
    default:
      return fail('unknown_method');
  }
}
