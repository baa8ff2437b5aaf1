/**
 * SHA-256 certificate fingerprints as people copy them: `AB:CD:…` (what `openclaw status` prints),
 * plain hex in either case, or prefixed `sha256:`/`SHA256:`.
 */

/** A fingerprint that is not 32 bytes of hex. */
export class TlsFingerprintFormatError extends Error {
  override readonly name = 'TlsFingerprintFormatError';
}

/** The canonical form: upper-case hex pairs joined by colons. Throws {@link TlsFingerprintFormatError}. */
export function formatFingerprint(text: string): string {
  const hex = text.trim().replace(/^sha-?256[:=]?/i, '').replace(/[:\s-]/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) {
    throw new TlsFingerprintFormatError(`not a SHA-256 certificate fingerprint: expected 64 hex digits (as \`openclaw status\` prints them), got ${JSON.stringify(text.slice(0, 120))}`);
  }
  return hex.match(/../g)!.join(':');
}

/** Whether two fingerprints (in any accepted form) name the same certificate. */
export function sameFingerprint(a: string, b: string): boolean {
  return formatFingerprint(a) === formatFingerprint(b);
}
