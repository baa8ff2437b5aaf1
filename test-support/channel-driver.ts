import type { ChannelPlugin } from '../src-shared/domain/channel.js';

/**
 * Plays the platform side of one channel for tests that run the whole gateway
 * (the access-policy conformance test, fault tests, benchmarks): users say
 * things, and the driver sees what the bot sent back. Each adapter folder
 * provides one next to its fake platform server.
 */
export interface ChannelTestDriver {
  /** Channel id (`telegram`, `discord`…). */
  channel: string;
  /** Platform ids as the adapter reports them in `InboundMessage.senderId` / `peer.id`. */
  ids: {
    /** Three distinct users who can DM the bot. */
    users: [string, string, string];
    /** A group/channel/room the bot is in, where all three users are members. */
    group: string;
  };
  /** Start the fake platform; returns the `channels.<id>` config pointing the real adapter at it. */
  start(): Promise<Record<string, unknown>>;
  /**
   * Absent for channels faked at the network or CLI boundary: the gateway loads
   * the channel's bundled plugin from `extensions/`, as in production. Present
   * where the boundary is an in-process socket (WhatsApp): the real channel
   * built with that socket injected.
   */
  plugin?(): ChannelPlugin;
  /** `user` (one of `ids.users`) sends a direct message. */
  sendDirect(user: string, text: string): Promise<void>;
  /** `user` says something in `ids.group`, mentioning the bot or not. */
  sendGroup(user: string, text: string, mention: boolean): Promise<void>;
  /** Texts the bot has sent to a peer (user id for DMs, `ids.group` for the group), oldest first. */
  sentTo(peerId: string): string[];
  /** Resolves once at least `count` texts have been sent to the peer. */
  waitForSent(peerId: string, count: number, timeoutMs?: number): Promise<string[]>;
  /**
   * Platform-side faults. `drop`: close every live connection now (one-shot;
   * `on` is ignored). `stall`: the platform stops answering (long polls hang,
   * sockets go silent without closing) until turned off. `5xx`: API calls fail
   * with server errors until turned off. Messages users send during a fault
   * are held by the platform and delivered once the adapter is back, as the
   * real platform would.
   */
  fault: {
    kinds: ('drop' | 'stall' | '5xx')[];
    set(kind: 'drop' | 'stall' | '5xx', on: boolean): Promise<void>;
  };
  close(): Promise<void>;
}

/**
 * `waitForSent` for drivers whose fake can only say "something was sent to
 * someone": look, and when it is not there yet, wake on the next send and
 * look again, until `count` texts reached the peer or time runs out.
 */
export async function waitForPeerTexts(opts: {
  texts: () => string[];
  count: number;
  /** Resolves (or rejects) at the next send to anyone, or after `timeoutMs`. */
  nextSend: (timeoutMs: number) => Promise<unknown>;
  timeoutMs: number;
  peerId: string;
}): Promise<string[]> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const texts = opts.texts();
    if (texts.length >= opts.count) return texts;
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${opts.count} message(s) to ${opts.peerId}`);
    await opts.nextSend(left).catch(() => undefined);
  }
}
