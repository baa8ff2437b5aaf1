/**
 * signal-cli failures in the contract's terms. Its JSON-RPC error codes:
 * -1 user error (bad recipient, unregistered number), -3 I/O error, -4
 * untrusted identity key, -5 rate limited (with `retryAfterSeconds` per
 * recipient in `data.response.results`), -32602 for an account the daemon
 * does not hold.
 */
import { ChannelAuthError, ChannelPermanentError, ChannelRateLimitError } from '../../../src-shared/domain/channel.js';

/** Said when the daemon does not hold the account (never linked, or unlinked from the phone). */
export function notLinkedMessage(account: string | undefined): string {
  return `signal-cli has no linked account${account ? ` ${account}` : ''}. Run \`openclaw channels login signal\` and scan the QR code with Signal on your phone (Settings → Linked devices → +).`;
}

/** A JSON-RPC error object. */
export interface RpcErrorBody {
  code: number;
  message: string;
  data?: unknown;
}

interface SendResult {
  type?: string;
  retryAfterSeconds?: number;
}

function sendResults(data: unknown): SendResult[] {
  const results = (data as { response?: { results?: unknown } } | null)?.response?.results;
  return Array.isArray(results) ? (results as SendResult[]) : [];
}

/** The error a JSON-RPC error answer stands for. */
export function rpcError(method: string, err: RpcErrorBody, account: string | undefined): Error {
  const results = sendResults(err.data);
  if (err.code === -5 || results.some((r) => r.type === 'RATE_LIMIT_FAILURE')) {
    const seconds = Math.max(0, ...results.map((r) => (typeof r.retryAfterSeconds === 'number' ? r.retryAfterSeconds : 0)));
    const ms = seconds > 0 ? seconds * 1000 : 5000;
    return new ChannelRateLimitError(ms, `Signal rate limit on ${method}; retry after ${ms} ms`);
  }
  if (err.code === -32602 && /account/i.test(err.message)) return new ChannelAuthError(notLinkedMessage(account));
  if (err.code === -4) return new ChannelPermanentError(`Signal refused ${method}: the recipient's safety number changed (${err.message}). Verify it on the phone, then try again.`);
  if (err.code === -1 || err.code === -32602 || err.code === -32601 || err.code === -32600) return new ChannelPermanentError(`signal-cli refused ${method}: ${err.message}`);
  return new Error(`signal-cli failed ${method}: ${err.message} (code ${err.code}); will retry.`);
}
