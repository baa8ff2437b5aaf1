/**
 * Shape checks for the dispatches the adapter relies on, applied before
 * discord.js builds structures from them: a malformed payload is skipped
 * (and logged) instead of throwing inside the gateway handler.
 */

const SNOWFLAKE = /^\d{1,20}$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isSnowflake(v: unknown): v is string {
  return typeof v === 'string' && SNOWFLAKE.test(v);
}

function optionalArrayOf(v: unknown, item: (x: unknown) => boolean): boolean {
  return v === undefined || v === null || (Array.isArray(v) && v.every(item));
}

const isUser = (v: unknown) => isObject(v) && isSnowflake(v.id);

/** What is wrong with a MESSAGE_CREATE `d`, or undefined when it is usable. */
export function messageCreateProblem(d: unknown): string | undefined {
  if (!isObject(d)) return 'payload is not an object';
  if (!isSnowflake(d.id)) return 'id is not a snowflake';
  if (!isSnowflake(d.channel_id)) return 'channel_id is not a snowflake';
  if (!isUser(d.author)) return 'author is missing or has no id';
  if (typeof d.content !== 'string') return 'content is not a string';
  if (d.guild_id !== undefined && !isSnowflake(d.guild_id)) return 'guild_id is not a snowflake';
  if (!optionalArrayOf(d.mentions, isUser)) return 'mentions is not a list of users';
  if (!optionalArrayOf(d.mention_roles, isSnowflake)) return 'mention_roles is not a list of ids';
  if (!optionalArrayOf(d.attachments, (a) => isObject(a) && isSnowflake(a.id) && typeof a.url === 'string')) return 'attachments are malformed';
  if (d.member !== undefined && !(isObject(d.member) && optionalArrayOf(d.member.roles, isSnowflake))) return 'member is malformed';
  if (d.message_reference !== undefined && d.message_reference !== null && !isObject(d.message_reference)) return 'message_reference is malformed';
  if (d.referenced_message !== undefined && d.referenced_message !== null && !(isObject(d.referenced_message) && isUser(d.referenced_message.author))) {
    return 'referenced_message is malformed';
  }
  return undefined;
}
