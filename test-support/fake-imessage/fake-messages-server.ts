/**
 * The Mac side of iMessage in tests: a Messages "database" with chats and
 * messages, plus the JSON-RPC surface of `imsg rpc` (chats.list,
 * messages.history, watch.subscribe/unsubscribe, send), served to
 * `fake-imsg.mjs` processes over a local TCP control channel. State lives
 * here, in the test process, so it survives the fake CLI being killed and
 * restarted: messages received while no imsg runs are delivered to the next
 * one that subscribes with `since_rowid`, as with the real chat.db.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Waiters } from '../wait-until.js';

/** The fake CLI; executable, with a node shebang. */
export const FAKE_IMSG_PATH = fileURLToPath(new URL('./fake-imsg.mjs', import.meta.url));

/** A message row as `imsg` reports it. */
export interface FakeImsgMessage {
  id: number;
  chat_id: number;
  guid: string;
  sender: string;
  is_from_me: boolean;
  text: string;
  created_at: string;
  attachments: { filename: string; transfer_name: string; mime_type: string; total_bytes: number; missing: boolean; is_sticker: boolean; uti: string; original_path: string }[];
  reactions: unknown[];
  chat_identifier: string;
  chat_guid: string;
  chat_name: string;
  participants: string[];
  is_group: boolean;
  reply_to_guid?: string;
  is_reaction?: boolean;
}

interface FakeChat {
  id: number;
  identifier: string;
  guid: string;
  name: string;
  service: string;
  participants: string[];
  is_group: boolean;
}

/** One `send` the assistant made. `peer` is a handle for direct sends, `chat_id:<n>` for groups. */
export interface FakeSent {
  peer: string;
  text: string;
  params: Record<string, unknown>;
}

type Rpc = { jsonrpc?: string; id?: unknown; method?: unknown; params?: Record<string, unknown> };

interface Conn {
  socket: Socket;
  subscriptions: Map<number, number>; // subscription id → cursor rowid
  held: string[];
}

/** A running fake Messages server. */
export interface FakeMessages {
  /** Config for `channels.imessage` pointing the real adapter at the fake CLI. */
  config: { cliPath: string; dbPath: string };
  /** Everything the assistant sent, oldest first. */
  sent: FakeSent[];
  /** All rows, incoming and outgoing. */
  messages: FakeImsgMessage[];
  /** Someone writes to this Mac: a DM from `from`, or a group message when `chatId` is a group. */
  receive(opts: { from: string; text: string; chatId?: number; attachments?: FakeImsgMessage['attachments']; replyToGuid?: string; reaction?: boolean }): FakeImsgMessage;
  /** Create a group chat with these members. */
  addGroup(chatId: number, participants: string[], name: string): void;
  waitForSent(count: number, timeoutMs?: number): Promise<FakeSent[]>;
  /** Resolves once `count` imsg processes have connected in total. */
  waitForConnections(count: number, timeoutMs?: number): Promise<void>;
  /** `stall`: hold every request and notification; `5xx`: `send` answers JSON-RPC internal errors. */
  setFault(kind: 'stall' | '5xx', on: boolean): void;
  /** Every running imsg exits with code 1 and a message on stderr. */
  drop(stderr?: string): void;
  /** Write a raw line to every running imsg's stdout (malformed-input tests). */
  writeRaw(line: string): void;
  /** The next imsg keeps running on SIGTERM; resolves once it confirmed. */
  ignoreSigterm(): Promise<void>;
  /** imsg processes connected now. */
  live(): number;
  close(): Promise<void>;
}


/** Start the fake Messages server and write its `--db` file. */
export async function startFakeMessages(): Promise<FakeMessages> {
  chmodSync(FAKE_IMSG_PATH, 0o755);
  const dir = mkdtempSync(join(tmpdir(), 'openclaw-fake-imsg-'));
  const dbPath = join(dir, 'chat.db');
  const chats = new Map<number, FakeChat>();
  const messages: FakeImsgMessage[] = [];
  const sent: FakeSent[] = [];
  const conns = new Set<Conn>();
  const notify = new Waiters();
  const ping = () => notify.notify();
  const faults = { stall: false, error5xx: false };
  let connected = 0;
  let nextChatId = 1;
  let nextSub = 1;
  let sigtermAck: (() => void) | undefined;

  const dmChat = (handle: string): FakeChat => {
    for (const chat of chats.values()) if (!chat.is_group && chat.identifier === handle) return chat;
    while (chats.has(nextChatId)) nextChatId++;
    const chat = { id: nextChatId++, identifier: handle, guid: `iMessage;-;${handle}`, name: '', service: 'iMessage', participants: [handle], is_group: false };
    chats.set(chat.id, chat);
    return chat;
  };

  const addRow = (chat: FakeChat, fields: Partial<FakeImsgMessage> & { sender: string; text: string; is_from_me: boolean }): FakeImsgMessage => {
    const id = messages.length + 1;
    const row: FakeImsgMessage = {
      id,
      chat_id: chat.id,
      guid: `FAKE-${String(id).padStart(6, '0')}-${Math.random().toString(16).slice(2, 10).toUpperCase()}`,
      created_at: new Date().toISOString(),
      attachments: [],
      reactions: [],
      chat_identifier: chat.identifier,
      chat_guid: chat.guid,
      chat_name: chat.name,
      participants: chat.participants,
      is_group: chat.is_group,
      ...fields,
    };
    messages.push(row);
    for (const conn of conns) flush(conn);
    return row;
  };

  const write = (conn: Conn, frame: unknown) => {
    if (conn.socket.writable) conn.socket.write(`${JSON.stringify(frame)}\n`);
  };
  const answer = (conn: Conn, id: unknown, result: unknown) => write(conn, { jsonrpc: '2.0', id, result });
  const fail = (conn: Conn, id: unknown, code: number, message: string, data?: string) =>
    write(conn, { jsonrpc: '2.0', id: id ?? null, error: { code, message, ...(data ? { data } : {}) } });

  const flush = (conn: Conn) => {
    if (faults.stall) return;
    for (const [sub, cursor] of conn.subscriptions) {
      let last = cursor;
      for (const row of messages) {
        if (row.id <= cursor) continue;
        write(conn, { jsonrpc: '2.0', method: 'message', params: { subscription: sub, message: row } });
        last = row.id;
      }
      conn.subscriptions.set(sub, last);
    }
  };

  const handleSend = (conn: Conn, id: unknown, p: Record<string, unknown>) => {
    const text = typeof p.text === 'string' ? p.text : '';
    const to = typeof p.to === 'string' ? p.to : '';
    const chatKeys = ['chat_id', 'chat_guid', 'chat_identifier'].filter((k) => p[k] !== undefined);
    if (to && chatKeys.length) return fail(conn, id, -32602, 'Invalid params', 'use to or chat_*; not both');
    if (!to && !chatKeys.length) return fail(conn, id, -32602, 'Invalid params', 'to is required for direct sends');
    if (!text && !p.file) return fail(conn, id, -32602, 'Invalid params', 'text or file is required');
    if (p.service !== undefined && !['imessage', 'sms', 'auto'].includes(String(p.service))) return fail(conn, id, -32602, 'Invalid params', 'invalid service');
    let chat: FakeChat | undefined;
    if (p.chat_id !== undefined) {
      chat = chats.get(Number(p.chat_id));
      if (!chat) return fail(conn, id, -32602, 'Invalid params', `unknown chat_id ${String(p.chat_id)}`);
    } else if (p.chat_guid !== undefined || p.chat_identifier !== undefined) {
      chat = [...chats.values()].find((c) => c.guid === p.chat_guid || c.identifier === p.chat_identifier);
      if (!chat) return fail(conn, id, -32602, 'Invalid params', 'missing chat identifier or guid');
    }
    if (faults.error5xx) return fail(conn, id, -32603, 'Internal error', 'AppleScript error: Messages got an error: service unavailable');
    const target = chat ?? dmChat(to);
    sent.push({ peer: target.is_group ? `chat_id:${target.id}` : target.identifier, text, params: p });
    const row = addRow(target, { sender: '', text, is_from_me: true });
    answer(conn, id, { ok: true, id: row.id, guid: row.guid });
    ping();
  };

  const handleLine = (conn: Conn, line: string) => {
    if (line.startsWith('#fake-ack ignore-sigterm')) {
      sigtermAck?.();
      return;
    }
    if (faults.stall) {
      conn.held.push(line);
      return;
    }
    let req: Rpc;
    try {
      req = JSON.parse(line) as Rpc;
    } catch (err) {
      return fail(conn, null, -32700, 'Parse error', String(err));
    }
    if (typeof req !== 'object' || req === null) return fail(conn, null, -32600, 'Invalid Request', 'request must be an object');
    const { id, method } = req;
    const p = req.params ?? {};
    switch (method) {
      case 'chats.list': {
        const limit = Number(p.limit ?? 20);
        const list = [...chats.values()].slice(0, Math.max(1, limit)).map((c) => ({ ...c, last_message_at: new Date().toISOString() }));
        return answer(conn, id, { chats: list });
      }
      case 'messages.history': {
        const chatId = Number(p.chat_id);
        if (!chats.has(chatId)) return fail(conn, id, -32602, 'Invalid params', 'chat_id is required');
        const rows = messages.filter((m) => m.chat_id === chatId).slice(-Number(p.limit ?? 50));
        return answer(conn, id, { messages: rows });
      }
      case 'watch.subscribe': {
        const sub = nextSub++;
        const since = Number(p.since_rowid ?? 0);
        // Like imsg's MessageWatcher: no (or zero) since_rowid starts at the newest row.
        conn.subscriptions.set(sub, since > 0 ? since : messages.length);
        answer(conn, id, { subscription: sub });
        return flush(conn);
      }
      case 'watch.unsubscribe':
        conn.subscriptions.delete(Number(p.subscription));
        return answer(conn, id, { ok: true });
      case 'send':
        return handleSend(conn, id, p);
      default:
        return fail(conn, id, -32601, 'Method not found', String(method));
    }
  };

  const server = createServer((socket) => {
    const conn: Conn = { socket, subscriptions: new Map(), held: [] };
    conns.add(conn);
    connected++;
    ping();
    socket.on('error', () => {});
    socket.on('close', () => {
      conns.delete(conn);
      ping();
    });
    createInterface({ input: socket, crlfDelay: Infinity }).on('line', (line) => handleLine(conn, line));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  writeFileSync(dbPath, JSON.stringify({ controlPort: (server.address() as AddressInfo).port }));

  const fake: FakeMessages = {
    config: { cliPath: FAKE_IMSG_PATH, dbPath },
    sent,
    messages,
    receive({ from, text, chatId, attachments, replyToGuid, reaction }) {
      const chat = chatId !== undefined ? chats.get(chatId) : dmChat(from);
      if (!chat) throw new Error(`no chat ${chatId}`);
      return addRow(chat, {
        sender: from,
        text,
        is_from_me: false,
        ...(attachments ? { attachments } : {}),
        ...(replyToGuid ? { reply_to_guid: replyToGuid } : {}),
        ...(reaction ? { is_reaction: true } : {}),
      });
    },
    addGroup(chatId, participants, name) {
      const identifier = `chat${chatId}${chatId}${chatId}`;
      chats.set(chatId, { id: chatId, identifier, guid: `iMessage;+;${identifier}`, name, service: 'iMessage', participants, is_group: true });
    },
    waitForSent: (count, timeoutMs = 5000) => notify.until(() => (sent.length >= count ? sent.slice(0, count) : undefined), timeoutMs, `${count} sent message(s)`),
    waitForConnections: (count, timeoutMs = 5000) => notify.until(() => (connected >= count ? true : undefined), timeoutMs, `${count} imsg connection(s)`).then(() => undefined),
    setFault(kind, on) {
      if (kind === '5xx') faults.error5xx = on;
      if (kind !== 'stall') return;
      faults.stall = on;
      if (on) return;
      for (const conn of conns) {
        const held = conn.held.splice(0);
        for (const line of held) handleLine(conn, line);
        flush(conn);
      }
    },
    drop(stderr = 'Error: Messages database closed unexpectedly') {
      for (const conn of conns) {
        conn.socket.end(`#fake exit 1 ${stderr}\n`);
        // Gone for the server from now on, even before the socket finishes closing.
        conns.delete(conn);
      }
    },
    writeRaw(line) {
      for (const conn of conns) if (conn.socket.writable) conn.socket.write(`${line}\n`);
    },
    ignoreSigterm() {
      return new Promise<void>((resolve) => {
        sigtermAck = resolve;
        for (const conn of conns) conn.socket.write('#fake ignore-sigterm\n');
      });
    },
    live: () => conns.size,
    async close() {
      for (const conn of conns) conn.socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return fake;
}
