import type { WebSocketLike } from './ws-client.js';

type Handler = (ev: { data?: unknown; code?: number; reason?: string }) => void;

/** In-memory WebSocket double: records sent frames, lets a test play the gateway. */
export class FakeSocket implements WebSocketLike {
  readyState = 1;
  readonly sent: Record<string, unknown>[] = [];
  private readonly handlers = new Map<string, Handler[]>();
  constructor(readonly url: string) {}

  addEventListener(type: string, fn: Handler): void {
    this.handlers.set(type, [...(this.handlers.get(type) ?? []), fn]);
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close(code = 1000, reason = ''): void {
    this.serverClose(code, reason);
  }

  /** The gateway sends a frame. */
  push(frame: unknown): void {
    for (const fn of this.handlers.get('message') ?? []) fn({ data: JSON.stringify(frame) });
  }
  serverClose(code: number, reason: string): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    for (const fn of this.handlers.get('close') ?? []) fn({ code, reason });
  }
  lastSent(): Record<string, unknown> {
    const f = this.sent.at(-1);
    if (!f) throw new Error('nothing sent');
    return f;
  }
}

export const HELLO = {
  type: 'hello-ok',
  protocol: 4,
  server: { version: '0.1.0', connId: 'c1' },
  features: { methods: ['health'], events: ['tick'] },
  snapshot: { presence: [], health: {}, stateVersion: { presence: 0, health: 0 }, uptimeMs: 1000 },
  auth: { role: 'operator', scopes: ['operator.read'] },
  policy: { maxPayload: 1, maxBufferedBytes: 1, tickIntervalMs: 30000 },
};
