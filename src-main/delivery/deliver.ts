import { isChannelAuthError, isChannelPermanentError, isChannelRateLimitError, type ChannelCapabilities, type ChannelSend } from '../../src-shared/domain/channel.js';
import type { OutboundReply } from '../../src-shared/domain/inbound.js';
import type { Logger } from '../logging/index.js';

/** The part of the channel manager delivery needs. */
export interface DeliveryTarget {
  capabilities(channel: string): Promise<ChannelCapabilities>;
  send(channel: string, accountId: string, msg: ChannelSend, waitMs?: number): Promise<{ messageId: string }>;
}

export interface DeliveryOptions {
  target: DeliveryTarget;
  log: Logger;
  /** Attempts per chunk (first try included). */
  maxAttempts?: number;
  /** Longest platform retry-after we wait out before giving up on a chunk. */
  maxRetryAfterMs?: number;
  /** Base delay for retries after transient errors. */
  retryBaseMs?: number;
  /** How long a send waits for a restarting channel. */
  waitForChannelMs?: number;
}

/** Delivery gave up on a reply; `sent` chunks went out before it did. */
export class DeliveryError extends Error {
  override name = 'DeliveryError';
  constructor(
    message: string,
    readonly sent: string[],
    readonly permanent: boolean,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

/**
 * Outbound path for every channel: Markdown is converted and chunked to the
 * platform's limits, each chunk is sent through the running adapter, and
 * rate limits (retry-after) and transient failures are retried here, once,
 * instead of in every adapter.
 */
export function createDelivery(opts: DeliveryOptions) {
  const maxAttempts = opts.maxAttempts ?? 4;
  const maxRetryAfterMs = opts.maxRetryAfterMs ?? 60_000;
  const retryBaseMs = opts.retryBaseMs ?? 500;
  const { target, log, waitForChannelMs } = opts;

  async function sendChunk(reply: OutboundReply, msg: ChannelSend): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      try {
        return (await target.send(reply.channel, reply.accountId, msg, waitForChannelMs)).messageId;
      } catch (err) {
        const permanent = isChannelPermanentError(err) || isChannelAuthError(err);
        if (permanent || attempt >= maxAttempts) throw err;
        let waitMs: number;
        if (isChannelRateLimitError(err)) {
          if (err.retryAfterMs > maxRetryAfterMs) throw err;
          waitMs = err.retryAfterMs;
        } else waitMs = retryBaseMs * 2 ** (attempt - 1);
        log.warn('send failed; retrying', { channel: reply.channel, accountId: reply.accountId, attempt, waitMs, error: (err as Error).message });
        await new Promise((r) => setTimeout(r, waitMs));
      }
    }
  }

  /** Sends a reply; `fromChunk` resumes one whose first chunks already went out. */
  return async function deliver(reply: OutboundReply, opts: { fromChunk?: number } = {}): Promise<{ messageIds: string[]; chunks: number }> {
    const caps = await target.capabilities(reply.channel);
    const media = reply.mediaUrls ?? [];
    let text = reply.text;
    // Without media support, links are the honest fallback.
    if (media.length && !caps.media) text = [text, ...media].filter(Boolean).join('\n');
    // The Markdown converter loads with the first reply, not at gateway start.
    const { chunkForChannel } = await import('./chunk.js');
    const chunks = chunkForChannel(text, caps.format, caps.textLimit);
    if (!chunks.length && media.length && caps.media) chunks.push('');
    const sent: string[] = [];
    for (const [i, chunk] of chunks.entries()) {
      if (i < (opts.fromChunk ?? 0)) continue;
      const msg: ChannelSend = {
        to: reply.to,
        text: chunk,
        ...(reply.threadId ? { threadId: reply.threadId } : {}),
        ...(reply.topicId ? { topicId: reply.topicId } : {}),
        ...(i === 0 && reply.replyToMessageId ? { replyToMessageId: reply.replyToMessageId } : {}),
        ...(i === 0 && media.length && caps.media ? { mediaUrls: media } : {}),
      };
      try {
        sent.push(await sendChunk(reply, msg));
      } catch (err) {
        const permanent = isChannelPermanentError(err) || isChannelAuthError(err);
        throw new DeliveryError(`could not deliver to ${reply.channel} ${reply.to.kind} ${reply.to.id}: ${(err as Error).message}`, sent, permanent, err);
      }
    }
    return { messageIds: sent, chunks: chunks.length };
  };
}

export type Deliver = ReturnType<typeof createDelivery>;
