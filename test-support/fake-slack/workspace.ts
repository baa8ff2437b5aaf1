/**
 * The fake Slack workspace: its people, conversations and the event and
 * envelope shapes Slack sends in Socket Mode (field names as in Slack's
 * Events API documentation).
 */
import { randomUUID } from 'node:crypto';

/** A person in the workspace. */
export interface FakeUser {
  id: string;
  name: string;
  realName: string;
  displayName: string;
}

/** A conversation: public/private channel, group DM or DM with the bot. */
export interface FakeConversation {
  id: string;
  kind: 'channel' | 'group' | 'mpim' | 'im';
  name?: string;
  /** Whether the bot may post there (`not_in_channel` otherwise). */
  botMember: boolean;
  /** The other person of a DM. */
  user?: string;
}

/** Slack's `channel_type` for a conversation kind. */
const CHANNEL_TYPE: Record<FakeConversation['kind'], string> = { channel: 'channel', group: 'group', mpim: 'mpim', im: 'im' };

/** What a person posts. */
export interface FakeMessageInput {
  user: string;
  channel: string;
  text: string;
  threadTs?: string;
  /** Author of the thread root, as Slack adds it to replies. */
  parentUserId?: string;
  subtype?: string;
  files?: Record<string, unknown>[];
  extra?: Record<string, unknown>;
}

/** People, conversations and message timestamps of the fake workspace. */
export class FakeWorkspace {
  readonly teamId = 'T0001';
  readonly teamName = 'OpenClaw Test';
  readonly appId = 'A0001';
  readonly botUserId = 'U0BOT';
  readonly botId = 'B0001';
  readonly botName = 'openclaw';
  readonly users = new Map<string, FakeUser>();
  readonly conversations = new Map<string, FakeConversation>();
  private readonly epoch = Math.floor(Date.now() / 1000);
  private tsCount = 0;

  constructor() {
    const people: [string, string, string][] = [
      ['U0001', 'alice', 'Alice Archer'],
      ['U0002', 'bob', 'Bob Baker'],
      ['U0003', 'carol', 'Carol Cook'],
    ];
    people.forEach(([id, name, realName], i) => {
      this.users.set(id, { id, name, realName, displayName: realName.split(' ')[0] });
      this.addConversation({ id: `D000${i + 1}`, kind: 'im', botMember: true, user: id });
    });
    this.users.set(this.botUserId, { id: this.botUserId, name: this.botName, realName: 'OpenClaw', displayName: 'OpenClaw' });
    this.addConversation({ id: 'C0001', kind: 'channel', name: 'general', botMember: true });
    this.addConversation({ id: 'C0002', kind: 'channel', name: 'random', botMember: false });
    this.addConversation({ id: 'G0001', kind: 'group', name: 'secret', botMember: true });
    this.addConversation({ id: 'G0002', kind: 'mpim', name: 'mpdm-alice--bob--openclaw-1', botMember: true });
  }

  addConversation(conv: FakeConversation): void {
    this.conversations.set(conv.id, conv);
  }

  /** The DM between the bot and `userId`. */
  dmOf(userId: string): FakeConversation | undefined {
    return [...this.conversations.values()].find((c) => c.kind === 'im' && c.user === userId);
  }

  /** A `chat.postMessage` target: a conversation id, or a user id meaning the DM with that user. */
  resolveTarget(channel: string): FakeConversation | undefined {
    return this.users.has(channel) ? this.dmOf(channel) : this.conversations.get(channel);
  }

  /** The id a test reads sent messages under: the user for DMs, else the conversation. */
  peerOf(conv: FakeConversation): string {
    return conv.kind === 'im' && conv.user ? conv.user : conv.id;
  }

  /** A fresh, increasing message ts (`seconds.micros`). */
  nextTs(): string {
    this.tsCount++;
    return `${this.epoch + Math.floor(this.tsCount / 1_000_000)}.${String(this.tsCount % 1_000_000).padStart(6, '0')}`;
  }

  /** A `message` event as Slack sends it for a person's message. */
  messageEvent(input: FakeMessageInput, ts: string): Record<string, unknown> {
    const conv = this.conversations.get(input.channel);
    const event: Record<string, unknown> = {
      type: 'message',
      ...(input.subtype ? { subtype: input.subtype } : {}),
      channel: input.channel,
      user: input.user,
      text: input.text,
      ts,
      event_ts: ts,
      team: this.teamId,
      client_msg_id: randomUUID(),
      channel_type: conv ? CHANNEL_TYPE[conv.kind] : 'channel',
      ...(input.threadTs ? { thread_ts: input.threadTs, parent_user_id: input.parentUserId ?? input.user } : {}),
      ...(input.files ? { files: input.files } : {}),
      ...input.extra,
    };
    return event;
  }

  /** The `app_mention` event Slack sends alongside a message that mentions the bot (no `channel_type`). */
  appMentionEvent(input: FakeMessageInput, ts: string): Record<string, unknown> {
    return {
      type: 'app_mention',
      user: input.user,
      text: input.text,
      ts,
      event_ts: ts,
      channel: input.channel,
      team: this.teamId,
      client_msg_id: randomUUID(),
      ...(input.threadTs ? { thread_ts: input.threadTs } : {}),
    };
  }

  /** An `events_api` envelope around `event`. */
  envelope(event: Record<string, unknown>): { envelope_id: string; type: 'events_api'; payload: Record<string, unknown>; accepts_response_payload: false } {
    return {
      envelope_id: randomUUID(),
      type: 'events_api',
      accepts_response_payload: false,
      payload: {
        token: 'verification-token-not-secret',
        team_id: this.teamId,
        context_team_id: this.teamId,
        api_app_id: this.appId,
        event,
        type: 'event_callback',
        event_id: `Ev${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`,
        event_time: Math.floor(Date.now() / 1000),
        authorizations: [{ enterprise_id: null, team_id: this.teamId, user_id: this.botUserId, is_bot: true, is_enterprise_install: false }],
        is_ext_shared_channel: false,
      },
    };
  }
}
