/**
 * Twitch whispers, the way Twitch serves them now: whispers to the bot arrive
 * as EventSub `user.whisper.message` notifications on a WebSocket session
 * (IRC whispers are deprecated), and replies go out through the Twitch API's
 * Send Whisper (`POST /helix/whispers`). Both need a user token with
 * `user:manage:whispers` (receiving alone: `user:read:whispers`); without it
 * whispers stay off and `channels status` says why.
 */
import { ChannelPermanentError, ChannelRateLimitError, type ChannelContext } from '../../../src-shared/domain/channel.js';
import { EventSubSession, keepaliveSecondsFor } from './eventsub.js';
import { HelixClient } from './helix.js';
import { normalizeWhisper, type WhisperEvent } from './normalize.js';
import type { TwitchSettings } from './settings.js';
import type { TokenInfo } from './validate.js';
import { WhisperBudget } from './whisper-budget.js';

export const READ_SCOPES = ['user:read:whispers', 'user:manage:whispers'];
export const SEND_SCOPE = 'user:manage:whispers';
const KNOWN_USERS = 10_000;

export class TwitchWhispers {
  private session?: EventSubSession;
  private readonly helix: HelixClient;
  /** login → user id, from whispers received (Helix whispers to an id). */
  private readonly userIds = new Map<string, string>();
  private state = 'off';
  private readonly budget = new WhisperBudget();
  private idSeq = 0;

  constructor(
    private readonly ctx: ChannelContext,
    private readonly settings: TwitchSettings,
    private readonly token: TokenInfo,
    private readonly timeoutMs: number,
    /** Queue one inbound message, in order with chat. */
    private readonly emit: (msg: Parameters<ChannelContext['emit']>[0]) => void,
  ) {
    this.helix = new HelixClient({ baseUrl: settings.helixUrl, token: settings.accessToken, clientId: token.clientId, timeoutMs });
  }

  /** Whether replies to direct peers go out as whispers. */
  get sending(): boolean {
    return this.settings.whispers && this.token.scopes.includes(SEND_SCOPE);
  }

  /** Open the EventSub session and subscribe, when settings and scopes allow; otherwise note why not. */
  async start(): Promise<void> {
    if (!this.settings.whispers) {
      this.state = 'off (channels.twitch.whispers is false)';
      return;
    }
    if (!READ_SCOPES.some((s) => this.token.scopes.includes(s))) {
      this.state = 'off: the access token lacks the user:manage:whispers scope';
      this.ctx.log.info('Twitch whispers are off: the token lacks user:manage:whispers');
      return;
    }
    const session = new EventSubSession(this.settings.eventSubUrl, keepaliveSecondsFor(this.settings.livenessMs), {
      onAlive: () => this.ctx.heartbeat(),
      onNotification: (type, event) => this.onNotification(type, event),
      onRevoked: (type, status) => {
        this.state = `off: Twitch revoked the ${type} subscription (${status})`;
        this.ctx.fail(new Error(`Twitch revoked the whisper subscription (${status})`));
      },
      onLost: (err) => this.ctx.fail(err),
    });
    this.session = session;
    const sessionId = await session.open(this.timeoutMs);
    await this.helix.subscribe('user.whisper.message', '1', { user_id: this.token.userId }, sessionId);
    this.state = this.sending ? 'on' : 'receiving only: the token lacks user:manage:whispers to answer';
    this.ctx.log.info('Twitch whispers subscribed', { state: this.state });
  }

  stop(): void {
    this.session?.close();
  }

  describe(): string {
    return this.state;
  }

  /** Whisper `text` to the user with this login. */
  async send(login: string, text: string): Promise<{ messageId: string }> {
    const to = this.userIds.get(login) ?? (await this.helix.userId(login));
    if (!to) throw new ChannelPermanentError(`Twitch has no user "${login}" to whisper to.`);
    this.remember(login, to);
    const budget = this.budget.take(login);
    if (!budget.ok) throw new ChannelRateLimitError(budget.retryAfterMs, `Twitch whisper limit (3 a second, 100 a minute, 40 people a day); the next may go in ${Math.ceil(budget.retryAfterMs / 1000)} s`);
    await this.helix.whisper(this.token.userId, to, text);
    return { messageId: `whisper:${login}:${Date.now()}:${++this.idSeq}` };
  }

  private onNotification(type: string, event: unknown): void {
    if (type !== 'user.whisper.message') return;
    const r = normalizeWhisper((event ?? {}) as WhisperEvent, {
      channel: this.ctx.channel,
      accountId: this.ctx.accountId,
      botUserId: this.token.userId,
      nextId: () => `whisper-${Date.now()}-${++this.idSeq}`,
    });
    if (r.kind === 'ignored') return this.ctx.log.debug('Twitch whisper ignored', { reason: r.reason });
    this.remember(r.msg.senderId, r.fromUserId);
    this.emit(r.msg);
  }

  private remember(login: string, id: string): void {
    this.userIds.delete(login);
    this.userIds.set(login, id);
    if (this.userIds.size > KNOWN_USERS) this.userIds.delete(this.userIds.keys().next().value!);
  }
}
