/**
 * LINE signs every webhook: `x-line-signature` is the base64 HMAC-SHA256 of
 * the raw request body keyed with the channel secret. It is checked on the
 * bytes as received, in constant time, before anything parses the body.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Whether `signature` (the header value) signs `body` with `channelSecret`. */
export function verifyLineSignature(body: Buffer, signature: string | undefined, channelSecret: string): boolean {
  if (!signature) return false;
  const expected = createHmac('sha256', channelSecret).update(body).digest();
  const given = Buffer.from(signature, 'base64');
  // Lengths are public (always 32 for a real signature); only equal-length buffers are compared.
  return given.length === expected.length && timingSafeEqual(given, expected);
}
