/**
 * @slack/socket-mode's client with two additions the adapter needs:
 *
 * - proof of life: every frame, and every ping or pong on this client's own
 *   WebSocket. The SDK sees pings/pongs through undici's diagnostics
 *   channels; we listen on the same channels and pick our socket out by the
 *   URL `apps.connections.open` returned (unique per connection ticket).
 * - a guard in front of the SDK's frame parser, which throws inside an
 *   unawaited promise on an `events_api` envelope without an event. Such
 *   frames are logged, acknowledged (Slack would otherwise resend something
 *   we can never read) and dropped.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { SocketModeClient, type SocketModeOptions } from '@slack/socket-mode';

/** What the client reports to its owner. */
export interface SocketClientHooks {
  /** A frame, ping or pong arrived on the current socket. */
  onAlive(): void;
  /** A frame was dropped because it cannot be read. */
  onBadFrame(reason: string, envelopeId: string | undefined): void;
}

interface SocketMessage {
  websocket?: unknown;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Why a Socket Mode frame cannot be handed to the SDK, or undefined when it can. */
export function checkSocketFrame(data: string | ArrayBuffer, isBinary: boolean): { reason: string; envelopeId?: string } | undefined {
  if (isBinary || typeof data !== 'string') return { reason: 'binary frame' };
  let frame: unknown;
  try {
    frame = JSON.parse(data);
  } catch {
    return { reason: 'frame is not JSON' };
  }
  if (!isRecord(frame) || typeof frame.type !== 'string') return { reason: 'frame has no type' };
  const envelopeId = typeof frame.envelope_id === 'string' ? frame.envelope_id : undefined;
  if (frame.type === 'hello' || frame.type === 'disconnect') return undefined;
  if (!envelopeId) return { reason: `${frame.type} frame without envelope_id` };
  if (!isRecord(frame.payload)) return { reason: `${frame.type} envelope without payload`, envelopeId };
  if (frame.type === 'events_api' && !(isRecord(frame.payload.event) && typeof frame.payload.event.type === 'string')) {
    return { reason: 'events_api envelope without an event', envelopeId };
  }
  return undefined;
}

/** A Socket Mode client that reports signs of life and skips unreadable frames. */
export class GuardedSocketModeClient extends SocketModeClient {
  private expectedUrl: string | undefined;
  private ownSocket: unknown;
  private readonly onOpen = (message: unknown) => {
    const ws = (message as SocketMessage).websocket as { url?: unknown } | undefined;
    if (this.expectedUrl !== undefined && ws?.url === this.expectedUrl) this.ownSocket = ws;
  };
  private readonly onPingPong = (message: unknown) => {
    if (this.ownSocket !== undefined && (message as SocketMessage).websocket === this.ownSocket) this.hooks.onAlive();
  };

  constructor(
    options: SocketModeOptions,
    private readonly hooks: SocketClientHooks,
  ) {
    super(options);
    this.on('authenticated', (resp: { url?: string }) => {
      this.ownSocket = undefined;
      this.expectedUrl = resp.url ? normalizeUrl(resp.url) : undefined;
    });
    subscribe('undici:websocket:open', this.onOpen);
    subscribe('undici:websocket:ping', this.onPingPong);
    subscribe('undici:websocket:pong', this.onPingPong);
  }

  /** Stop listening on the process-wide diagnostics channels. */
  dispose(): void {
    unsubscribe('undici:websocket:open', this.onOpen);
    unsubscribe('undici:websocket:ping', this.onPingPong);
    unsubscribe('undici:websocket:pong', this.onPingPong);
    this.ownSocket = undefined;
  }

  protected override async onWebSocketMessage(data: string | ArrayBuffer, isBinary: boolean): Promise<void> {
    this.hooks.onAlive();
    const bad = checkSocketFrame(data, isBinary);
    if (bad) {
      this.hooks.onBadFrame(bad.reason, bad.envelopeId);
      if (bad.envelopeId) this.websocket?.send(JSON.stringify({ envelope_id: bad.envelopeId }), () => undefined);
      return;
    }
    try {
      await super.onWebSocketMessage(data, isBinary);
    } catch (err) {
      this.hooks.onBadFrame(`the SDK could not read the frame: ${err instanceof Error ? err.message : String(err)}`, undefined);
    }
  }
}

function normalizeUrl(url: string): string | undefined {
  try {
    return new URL(url).href;
  } catch {
    return undefined;
  }
}
