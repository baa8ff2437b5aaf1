/**
 * Certificate pinning for `wss://` and `https://` connections to a gateway: with a pinned SHA-256
 * fingerprint the certificate authority check is replaced by "is this exactly the certificate I was
 * told", checked after the TLS handshake and before a single byte of the request is sent. A mismatch
 * fails the connection; it never falls back to an unchecked one.
 */
import { isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { formatFingerprint } from '../../src-shared/protocol/tls-fingerprint.js';

/** The server presented a certificate other than the pinned one. */
export class TlsFingerprintMismatchError extends Error {
  override readonly name = 'TlsFingerprintMismatchError';
  readonly code = 'TLS_FINGERPRINT_MISMATCH';
  constructor(
    readonly expected: string,
    readonly actual: string | undefined,
  ) {
    super(
      `the gateway's TLS certificate does not match the pinned fingerprint (expected ${expected}, got ${actual ?? 'no certificate'}); ` +
        'refusing to connect: if the certificate was replaced on purpose, pin the new fingerprint from `openclaw status` on the gateway host',
    );
  }
}

type ConnectCallback = (err: Error | null, socket?: Socket) => void;

/**
 * A `createConnection` for `ws` and `https.request` that opens TLS, compares the peer certificate's
 * SHA-256 with `fingerprint` and only then hands the socket over (Node waits for the callback).
 * Throws {@link TlsFingerprintFormatError} at once for a malformed fingerprint.
 */
export function pinnedTlsConnection(fingerprint: string): (options: ConnectionOptions & { path?: string; host?: string }, cb: ConnectCallback) => undefined {
  const expected = formatFingerprint(fingerprint);
  return (options, cb) => {
    const host = options.host ?? 'localhost';
    // `path` would make tls.connect open a Unix socket; the certificate is checked by its pin, not by a CA.
    const socket: TLSSocket = tlsConnect({ ...options, path: undefined, servername: options.servername ?? (isIP(host) ? '' : host), rejectUnauthorized: false });
    let done = false;
    const finish = (err: Error | null) => {
      if (done) return;
      done = true;
      socket.off('error', onError);
      if (err) {
        socket.destroy();
        cb(err);
      } else cb(null, socket);
    };
    const onError = (err: Error) => finish(err);
    socket.once('error', onError);
    socket.once('secureConnect', () => {
      const raw = socket.getPeerCertificate()?.fingerprint256;
      const actual = raw ? formatFingerprint(raw) : undefined;
      finish(actual === expected ? null : new TlsFingerprintMismatchError(expected, actual));
    });
    return undefined;
  };
}

/** Codes Node gives a certificate that no authority on this computer vouches for. */
const UNTRUSTED_CODES = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_UNTRUSTED']);

/** A person's explanation of a TLS failure, or undefined for other errors. */
export function describeTlsError(err: Error & { code?: string }): string | undefined {
  if (err instanceof TlsFingerprintMismatchError) return err.message;
  if (err.code && UNTRUSTED_CODES.has(err.code)) {
    return `the gateway's TLS certificate is not signed by an authority this computer trusts (${err.code}); pin it with --tls-fingerprint <sha256> (or gateway.remote.tlsFingerprint), as \`openclaw status\` on the gateway host prints it`;
  }
  if (err.code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `the gateway's TLS certificate is for another name (${err.message}); use the name it was issued for, or pin it with --tls-fingerprint`;
  if (err.code === 'CERT_HAS_EXPIRED') return "the gateway's TLS certificate has expired; renew it on the gateway host";
  if (err.code === 'EPROTO' || err.code === 'ERR_SSL_WRONG_VERSION_NUMBER') return `TLS handshake failed (${err.message}); is the gateway serving TLS (gateway.tls.enabled), and did you mean ws:// instead of wss://?`;
  return undefined;
}
