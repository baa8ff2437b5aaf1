/** `agents.*.heartbeat` in the `openclaw.json` schema (see config-schema.ts). */
import { Int, Obj, Opt, Str } from './config-schema-builders.js';

/** `agents.defaults.heartbeat` and `agents.entries.<id>.heartbeat`: periodic agent turns in the main session. */
export const HeartbeatSchema = Obj(
  {
    every: Opt(Str('How often: a duration such as 30m, 1h or 45s (a bare number is minutes); "0" or "0m" turns heartbeats off.', { pattern: '^\\s*(\\d+|(\\d+(\\.\\d+)?(ms|s|m|h|d))+)\\s*$', title: 'a duration such as 30m, 1h, 1h30m or 45s (a bare number is minutes; 0 is off)' })),
    prompt: Opt(Str('The heartbeat message, sent as written. Default: follow HEARTBEAT.md from the workspace and reply HEARTBEAT_OK when nothing needs attention.')),
    target: Opt(Str('Where a reply that is not HEARTBEAT_OK goes: "last" (the chat the agent last talked to, the default), "none", or a channel id with `to`.')),
    to: Opt(Str('The recipient on the `target` channel (chat id, user id, phone number).')),
    accountId: Opt(Str('The channel account to send from (multi-account channels).')),
    ackMaxChars: Opt(Int('Text allowed beside HEARTBEAT_OK for the reply still to count as an acknowledgement.', { minimum: 0, default: 300 })),
    activeHours: Opt(
      Obj(
        {
          start: Str('Start of the window, HH:MM (24h).', { pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', title: 'a time of day as HH:MM (00:00 to 23:59)' }),
          end: Str('End of the window, HH:MM (24h; 24:00 is the end of the day).', { pattern: '^(([01]\\d|2[0-3]):[0-5]\\d|24:00)$', title: 'a time of day as HH:MM (00:00 to 24:00)' }),
          timezone: Opt(Str('IANA time zone of the window (default: the host\'s).')),
        },
        { description: 'Heartbeats run only inside this daily window.' },
      ),
    ),
  },
  { description: 'Agent heartbeats.' },
);

