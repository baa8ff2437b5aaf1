/**
 * What the fake Discord knows: the bot, a few users, one guild with roles, a
 * text channel, a channel the bot may not post in, a thread, DM channels and
 * every message. Builds payloads in the shapes of discord-api-types v10.
 */
import { ChannelType, MessageType, type RoleFlags, type APIAttachment, type APIMessage, type APIRole, type APIUser } from 'discord.js';
import { nextSnowflake } from './snowflake.js';

/** A person (or another bot) on the fake platform. */
export interface FakeUser {
  id: string;
  username: string;
  globalName: string | null;
  bot?: boolean;
  /** Guild role ids (besides @everyone). */
  roles: string[];
  nick?: string | null;
}

/** A channel as the fake stores it; serialised as-is into payloads. */
export type FakeChannel = { id: string; type: ChannelType; guild_id?: string; parent_id?: string | null; name?: string } & Record<string, unknown>;

/** Attachment metadata a user message carries. */
export interface FakeAttachment {
  filename: string;
  contentType?: string;
  size?: number;
}

/** The fake platform's state. */
export class FakeWorld {
  readonly bot: APIUser;
  readonly guildId = nextSnowflake();
  readonly modRoleId = nextSnowflake();
  readonly botRoleId = nextSnowflake();
  readonly channelId = nextSnowflake();
  /** A guild text channel the bot can see but not post in (403 Missing Access). */
  readonly forbiddenChannelId = nextSnowflake();
  readonly threadId = nextSnowflake();
  readonly users = new Map<string, FakeUser>();
  readonly channels = new Map<string, FakeChannel>();
  readonly messages = new Map<string, APIMessage>();
  private readonly dmByUser = new Map<string, string>();

  constructor(botName = 'openclaw') {
    this.bot = { id: nextSnowflake(), username: botName, discriminator: '0', global_name: null, avatar: null, bot: true };
    const people: Omit<FakeUser, 'id'>[] = [
      { username: 'alice', globalName: 'Alice A.', roles: [this.modRoleId] },
      { username: 'bob', globalName: null, roles: [] },
      { username: 'carol', globalName: 'Carol', roles: [], nick: 'caz' },
    ];
    for (const p of people) {
      const id = nextSnowflake();
      this.users.set(id, { id, ...p });
    }
    const otherBot = nextSnowflake();
    this.users.set(otherBot, { id: otherBot, username: 'helperbot', globalName: null, bot: true, roles: [] });
    this.addGuildChannel(this.channelId, 'general');
    this.addGuildChannel(this.forbiddenChannelId, 'staff-only');
    this.channels.set(this.threadId, this.threadPayload(this.threadId, this.channelId, 'help-thread'));
  }

  /** The three human users, oldest first. */
  get humans(): [string, string, string] {
    const ids = [...this.users.values()].filter((u) => !u.bot).map((u) => u.id);
    return [ids[0]!, ids[1]!, ids[2]!];
  }

  /** Another bot's user id (its messages must be ignored by the adapter). */
  get otherBotId(): string {
    return [...this.users.values()].find((u) => u.bot)!.id;
  }

  userPayload(id: string): APIUser {
    if (id === this.bot.id) return this.bot;
    const u = this.users.get(id);
    if (!u) throw new Error(`fake discord: unknown user ${id}`);
    return { id: u.id, username: u.username, discriminator: '0', global_name: u.globalName, avatar: null, ...(u.bot ? { bot: true } : {}) };
  }

  /** The member object a guild MESSAGE_CREATE carries (no `user`: the author is beside it). */
  memberPayload(userId: string): Record<string, unknown> {
    const roles = userId === this.bot.id ? [this.botRoleId] : (this.users.get(userId)?.roles ?? []);
    return { roles, nick: this.users.get(userId)?.nick ?? null, joined_at: new Date(0).toISOString(), deaf: false, mute: false, flags: 0, avatar: null };
  }

  /** The DM channel between the bot and a user, created on first use (as Discord does). */
  dmChannelFor(userId: string): FakeChannel {
    let id = this.dmByUser.get(userId);
    if (!id) {
      id = nextSnowflake();
      this.dmByUser.set(userId, id);
      this.channels.set(id, { id, type: ChannelType.DM, last_message_id: null, flags: 0, recipients: [this.userPayload(userId)] });
    }
    return this.channels.get(id)!;
  }

  /** A new thread under a guild text channel. */
  createThread(parentId: string, name: string): FakeChannel {
    const thread = this.threadPayload(nextSnowflake(), parentId, name);
    this.channels.set(thread.id, thread);
    return thread;
  }

  /** Everything GUILD_CREATE tells a freshly identified bot. */
  guildCreatePayload(): Record<string, unknown> {
    const members = [this.bot.id, ...this.users.keys()].map((id) => ({ ...this.memberPayload(id), user: this.userPayload(id) }));
    const all = [...this.channels.values()].filter((c) => c.guild_id === this.guildId);
    return {
      id: this.guildId,
      name: 'OpenClaw Test Guild',
      icon: null,
      splash: null,
      discovery_splash: null,
      owner_id: this.humans[0],
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      roles: this.roles(),
      emojis: [],
      stickers: [],
      features: [],
      mfa_level: 0,
      application_id: null,
      system_channel_id: null,
      system_channel_flags: 0,
      rules_channel_id: null,
      vanity_url_code: null,
      description: null,
      banner: null,
      premium_tier: 0,
      preferred_locale: 'en-US',
      public_updates_channel_id: null,
      nsfw_level: 0,
      premium_progress_bar_enabled: false,
      safety_alerts_channel_id: null,
      joined_at: new Date(0).toISOString(),
      large: false,
      unavailable: false,
      member_count: members.length,
      voice_states: [],
      members,
      channels: all.filter((c) => c.type !== ChannelType.PublicThread),
      threads: all.filter((c) => c.type === ChannelType.PublicThread),
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  /** Build and store a message. `channelId` must exist. */
  buildMessage(opts: {
    authorId: string;
    channelId: string;
    content: string;
    mentions?: string[];
    replyTo?: string;
    attachments?: FakeAttachment[];
  }): APIMessage & { guild_id?: string; member?: Record<string, unknown>; channel_type?: ChannelType } {
    const channel = this.channels.get(opts.channelId);
    if (!channel) throw new Error(`fake discord: unknown channel ${opts.channelId}`);
    const id = nextSnowflake();
    const referenced = opts.replyTo ? this.messages.get(opts.replyTo) : undefined;
    const mentionIds = [...new Set([...(opts.mentions ?? []), ...(referenced ? [referenced.author.id] : [])])];
    const guildId = channel.guild_id;
    const attachments: APIAttachment[] = (opts.attachments ?? []).map((a) => {
      const attId = nextSnowflake();
      const url = `https://cdn.discordapp.com/attachments/${opts.channelId}/${attId}/${a.filename}`;
      return { id: attId, filename: a.filename, size: a.size ?? 1024, url, proxy_url: url, ...(a.contentType ? { content_type: a.contentType } : {}) };
    });
    const message: APIMessage & { guild_id?: string; member?: Record<string, unknown>; channel_type?: ChannelType } = {
      id,
      channel_id: opts.channelId,
      channel_type: channel.type,
      author: this.userPayload(opts.authorId),
      content: opts.content,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: mentionIds.map((m) => this.userPayload(m)),
      mention_roles: [],
      attachments,
      embeds: [],
      pinned: false,
      type: referenced ? MessageType.Reply : MessageType.Default,
      ...(referenced
        ? { message_reference: { type: 0, message_id: referenced.id, channel_id: referenced.channel_id, ...(guildId ? { guild_id: guildId } : {}) }, referenced_message: referenced }
        : {}),
      ...(guildId ? { guild_id: guildId, member: this.memberPayload(opts.authorId) } : {}),
    };
    this.messages.set(id, message);
    return message;
  }

  private roles(): APIRole[] {
    const role = (id: string, name: string, position: number, extra: Partial<APIRole> = {}): APIRole => ({
      id,
      name,
      color: 0,
      colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
      hoist: false,
      position,
      permissions: '0',
      managed: false,
      mentionable: true,
      flags: 0 as RoleFlags,
      ...extra,
    });
    return [
      role(this.guildId, '@everyone', 0),
      role(this.modRoleId, 'mods', 1),
      role(this.botRoleId, this.bot.username, 2, { managed: true, tags: { bot_id: this.bot.id } }),
    ];
  }

  private addGuildChannel(id: string, name: string): void {
    this.channels.set(id, {
      id,
      type: ChannelType.GuildText,
      guild_id: this.guildId,
      name,
      position: this.channels.size,
      permission_overwrites: [],
      parent_id: null,
      nsfw: false,
      topic: null,
      last_message_id: null,
      rate_limit_per_user: 0,
      flags: 0,
    });
  }

  private threadPayload(id: string, parentId: string, name: string): FakeChannel {
    return {
      id,
      type: ChannelType.PublicThread,
      guild_id: this.guildId,
      parent_id: parentId,
      name,
      owner_id: this.humans[0],
      last_message_id: null,
      rate_limit_per_user: 0,
      message_count: 0,
      member_count: 1,
      total_message_sent: 0,
      flags: 0,
      thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: new Date().toISOString(), locked: false },
    };
  }
}
