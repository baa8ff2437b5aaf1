/**
 * TLS for the gateway port (`gateway.tls`): the operator's PEM files, or a self-signed certificate made
 * on first use and kept in the state dir. Clients that cannot check it against a certificate authority
 * pin its SHA-256 fingerprint, which `openclaw status` prints.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { isIP } from 'node:net';
import { formatFingerprint } from '../../src-shared/protocol/tls-fingerprint.js';
import { StartupError } from './listener.js';

/** The `gateway.tls` settings. */
export interface TlsSettings {
  enabled?: boolean;
  certPath?: string;
  keyPath?: string;
}

/** What the listener serves with, and what the status shows. */
export interface GatewayTls {
  cert: string;
  key: string;
  /** SHA-256 of the certificate (DER), upper-case hex pairs joined by colons. */
  fingerprint: string;
  /** `files`: the operator's PEM files; `generated`: the self-signed certificate in the state dir. */
  source: 'files' | 'generated';
  certPath: string;
  keyPath: string;
  notAfter: string;
}

/** Where a generated certificate and its key are kept. */
export function generatedTlsPaths(stateDir: string): { certPath: string; keyPath: string } {
  const dir = join(stateDir, 'tls');
  return { certPath: join(dir, 'gateway-cert.pem'), keyPath: join(dir, 'gateway-key.pem') };
}

/** Self-signed certificates are made for this long; an expired one is replaced at the next start. */
const GENERATED_VALIDITY_DAYS = 825;

/**
 * The certificate `settings` ask for, or undefined when TLS is off. A missing or unreadable file, a key
 * that does not match, or an expired certificate is a {@link StartupError} naming the file and the fix:
 * the gateway never falls back to plain text when TLS was asked for.
 */
export async function loadGatewayTls(settings: TlsSettings | undefined, stateDir: string, names: readonly string[] = []): Promise<GatewayTls | undefined> {
  if (!settings?.enabled) return undefined;
  if (settings.certPath || settings.keyPath) {
    if (!settings.certPath || !settings.keyPath) throw new StartupError('gateway.tls needs both certPath and keyPath (PEM files), or neither for a generated self-signed certificate');
    return readPair(settings.certPath, settings.keyPath, 'files');
  }
  const paths = generatedTlsPaths(stateDir);
  if (existsSync(paths.certPath) && existsSync(paths.keyPath)) {
    const existing = readPair(paths.certPath, paths.keyPath, 'generated', { allowExpired: true });
    if (Date.parse(existing.notAfter) > Date.now()) return existing;
  }
  await writeSelfSigned(paths, names);
  return readPair(paths.certPath, paths.keyPath, 'generated');
}

/** SHA-256 fingerprint of a PEM certificate, as {@link formatFingerprint} writes it. */
export function certificateFingerprint(certPem: string): string {
  return formatFingerprint(new X509Certificate(certPem).fingerprint256);
}

/**
 * The fingerprint of the certificate a local gateway with these settings serves, read from disk without
 * generating anything (the CLI pins its own gateway's certificate); undefined when there is none yet.
 */
export function localCertificateFingerprint(settings: TlsSettings | undefined, stateDir: string): string | undefined {
  if (!settings?.enabled) return undefined;
  const certPath = settings.certPath ?? generatedTlsPaths(stateDir).certPath;
  try {
    return certificateFingerprint(readFileSync(certPath, 'utf8'));
  } catch {
    return undefined;
  }
}

function readPair(certPath: string, keyPath: string, source: GatewayTls['source'], o: { allowExpired?: boolean } = {}): GatewayTls {
  const cert = readPem(certPath, 'gateway.tls.certPath', 'certificate');
  const key = readPem(keyPath, 'gateway.tls.keyPath', 'private key');
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch (err) {
    throw new StartupError(`${certPath} is not a PEM certificate (${(err as Error).message}); point gateway.tls.certPath at the certificate file`);
  }
  try {
    if (!x509.checkPrivateKey(createPrivateKey(key))) throw new Error('the key does not belong to the certificate');
  } catch (err) {
    throw new StartupError(`${keyPath} is not the private key of ${certPath} (${(err as Error).message}); point gateway.tls.keyPath at the certificate's own key`);
  }
  if (!o.allowExpired && Date.parse(x509.validTo) <= Date.now()) {
    throw new StartupError(`the certificate ${certPath} expired on ${x509.validTo}; renew it (or remove certPath/keyPath to use a generated one)`);
  }
  return { cert, key, fingerprint: formatFingerprint(x509.fingerprint256), source, certPath, keyPath, notAfter: new Date(x509.validTo).toISOString() };
}

function readPem(path: string, setting: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new StartupError(`cannot read the TLS ${what} ${path} (${setting}): ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** A self-signed certificate for this machine's names, its key readable by the owner only. */
async function writeSelfSigned(paths: { certPath: string; keyPath: string }, names: readonly string[]): Promise<void> {
  const dnsNames = new Set(['localhost', hostname()]);
  const ips = new Set(['127.0.0.1', '::1']);
  for (const n of names) {
    if (!n || n === '0.0.0.0' || n === '::') continue;
    (isIP(n) ? ips : dnsNames).add(n);
  }
  const notBeforeDate = new Date(Date.now() - 60_000);
  // Loaded only here: the CLI reads fingerprints through this module and never generates.
  const selfsigned = await import('selfsigned');
  // A CommonJS package: bundled, its exports arrive under `default`.
  const generate = selfsigned.generate ?? (selfsigned as unknown as { default: typeof selfsigned }).default.generate;
  const pems = await generate([{ name: 'commonName', value: 'OpenClaw gateway' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + GENERATED_VALIDITY_DAYS * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [...[...dnsNames].map((value) => ({ type: 2 as const, value })), ...[...ips].map((ip) => ({ type: 7 as const, ip }))] },
    ],
  });
  mkdirSync(dirname(paths.keyPath), { recursive: true, mode: 0o700 });
  writeFileSync(paths.keyPath, pems.private, { mode: 0o600 });
  chmodSync(paths.keyPath, 0o600);
  writeFileSync(paths.certPath, pems.cert, { mode: 0o644 });
}

/** The certificate in use, renewed in place when the operator's files change. */
export interface CertificateWatch {
  current(): GatewayTls;
  /** Hears every renewal; told at once when one happened before it subscribed. */
  onRenewed(fn: (next: GatewayTls) => void): void;
  close(): void;
}

/**
 * Watches the operator's PEM files (a certbot renewal replaces them): a pair that loads and matches
 * replaces the served certificate without a restart (`onRenewed`); a half-written or mismatched pair is
 * logged and the current certificate stays.
 */
export function watchCertificateFiles(initial: GatewayTls, o: { log: { info(m: string, f?: Record<string, unknown>): void; warn(m: string, f?: Record<string, unknown>): void }; debounceMs?: number }): CertificateWatch {
  let current = initial;
  let timer: NodeJS.Timeout | undefined;
  const listeners = new Set<(next: GatewayTls) => void>();
  const check = () => {
    let next: GatewayTls;
    try {
      next = readPair(initial.certPath, initial.keyPath, 'files');
    } catch (err) {
      o.log.warn('TLS certificate files changed but cannot be used yet; still serving the current certificate', { error: (err as Error).message });
      return;
    }
    if (next.fingerprint === current.fingerprint) return;
    current = next;
    o.log.info('TLS certificate renewed from its files', { fingerprint: next.fingerprint, notAfter: next.notAfter });
    for (const fn of listeners) fn(next);
  };
  const onChange = () => {
    clearTimeout(timer);
    timer = setTimeout(check, o.debounceMs ?? 250);
    timer.unref();
  };
  const dirs = new Set([dirname(initial.certPath), dirname(initial.keyPath)]);
  const watchers: FSWatcher[] = [];
  for (const dir of dirs) {
    try {
      // Not persistent: the watch never keeps a stopping (or failed) gateway process alive.
      watchers.push(watch(dir, { persistent: false }, onChange));
    } catch (err) {
      o.log.warn('cannot watch the TLS certificate folder; a renewed certificate needs a restart', { dir, error: (err as Error).message });
    }
  }
  return {
    current: () => current,
    onRenewed(fn) {
      listeners.add(fn);
      if (current !== initial) fn(current);
    },
    close() {
      clearTimeout(timer);
      listeners.clear();
      for (const w of watchers) w.close();
    },
  };
}
