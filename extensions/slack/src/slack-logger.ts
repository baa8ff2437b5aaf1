/**
 * The Slack SDKs' logger interface on top of the channel's logger. SDK debug
 * output is dropped: it prints whole event payloads and request bodies,
 * which carry message text and Slack's verification token.
 */
import { LogLevel, type Logger } from '@slack/bolt';
import type { ChannelLogger } from '../../../src-shared/domain/channel.js';

const TOKEN = /\b(xox[a-z]|xapp|xoxe\.xox[a-z])-[A-Za-z0-9-]+/g;

/** Hide Slack tokens that an SDK message might quote. */
export function redactSlackTokens(text: string): string {
  return text.replace(TOKEN, (token) => `${token.slice(0, token.indexOf('-') + 1)}…`);
}

function render(parts: unknown[]): string {
  return redactSlackTokens(parts.map((p) => (p instanceof Error ? p.message : typeof p === 'string' ? p : JSON.stringify(p))).join(' '));
}

/** A Slack SDK `Logger` writing to `log`, fixed at INFO. */
export function createSlackLogger(log: ChannelLogger, name = 'slack'): Logger {
  return {
    debug: () => undefined,
    info: (...msg: unknown[]) => log.info(render(msg), { sdk: name }),
    warn: (...msg: unknown[]) => log.warn(render(msg), { sdk: name }),
    // SDK errors are mostly one failed reconnect attempt; the adapter reports real failures itself.
    error: (...msg: unknown[]) => log.warn(render(msg), { sdk: name }),
    // The level stays INFO whatever the SDKs ask, so debug payloads never reach the log.
    setLevel: () => undefined,
    getLevel: () => LogLevel.INFO,
    setName: () => undefined,
  };
}
