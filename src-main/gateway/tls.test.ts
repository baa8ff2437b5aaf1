import { statSync, writeFileSync, readFileSync, mkdtempSync, rmSync, renameSync } from 'node:fs';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFingerprint, sameFingerprint, TlsFingerprintFormatError } from '../../src-shared/protocol/tls-fingerprint.js';
import { CLI_DEFAULT_SCOPES } from '../../src-shared/protocol/index.js';
import { GatewayClient, GatewayConnectionError } from '../cli/gateway-client.js';
import { pinnedTlsConnection, TlsFingerprintMismatchError } from '../cli/tls-pin.js';
import { freePort } from '../../test-support/free-port.js';
import { generateDeviceKeys, startTestGateway, type TestGateway } from '../../test-support/gateway.js';
import { waitForLogLine } from '../../test-support/log-wait.js';
import { StartupError } from './listener.js';
import { certificateFingerprint, generatedTlsPaths, loadGatewayTls, localCertificateFingerprint } from './tls.js';

const WRONG = formatFingerprint('00'.repeat(32));

/** An HTTPS GET: status, body and the fingerprint of the certificate the server presented. */
function httpsGet(url: string, o: RequestOptions): Promise<{ status: number; body: string; fingerprint: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, o.createConnection ? o : { ...o, agent: false }, (res) => {
      const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, fingerprint }));
    });
    req.on('error', reject);
    req.end();
  });
}

const pinned = (fingerprint: string) => ({ createConnection: pinnedTlsConnection(fingerprint) as unknown as RequestOptions['createConnection'] });

async function selfSignedFiles(dir: string, cn: string): Promise<{ certPath: string; keyPath: string; cert: string }> {
  const pems = await generate([{ name: 'commonName', value: cn }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  const certPath = join(dir, `${cn}.crt`);
  const keyPath = join(dir, `${cn}.key`);
  writeFileSync(certPath, pems.cert);
  writeFileSync(keyPath, pems.private, { mode: 0o600 });
  return { certPath, keyPath, cert: pems.cert };
}

describe('fingerprints', () => {
  it('accepts the forms people paste and refuses anything else', () => {
    const hex = 'ab'.repeat(32);
    const canonical = Array(32).fill('AB').join(':');
    expect(formatFingerprint(hex)).toBe(canonical);
    expect(formatFingerprint(`sha256:${hex.toUpperCase()}`)).toBe(canonical);
    expect(formatFingerprint(canonical.toLowerCase())).toBe(canonical);
    expect(sameFingerprint(hex, canonical)).toBe(true);
    expect(() => formatFingerprint('ab:cd')).toThrow(TlsFingerprintFormatError);
    expect(() => formatFingerprint('zz'.repeat(32))).toThrow(/64 hex digits/);
    expect(() => pinnedTlsConnection('not-a-fingerprint')).toThrow(TlsFingerprintFormatError);
  });
});

describe('loading gateway.tls', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'openclaw-tls-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is off unless enabled', async () => {
    expect(await loadGatewayTls(undefined, dir)).toBeUndefined();
    expect(await loadGatewayTls({ enabled: false, certPath: '/nope' }, dir)).toBeUndefined();
  });

  it('generates a self-signed certificate once, keeps its key owner-only, and reuses it', async () => {
    const stateDir = join(dir, 'generated');
    const first = await loadGatewayTls({ enabled: true }, stateDir, ['10.9.8.7']);
    expect(first?.source).toBe('generated');
    const paths = generatedTlsPaths(stateDir);
    expect(statSync(paths.keyPath).mode & 0o777).toBe(0o600);
    expect(first!.fingerprint).toBe(certificateFingerprint(readFileSync(paths.certPath, 'utf8')));
    expect(new (await import('node:crypto')).X509Certificate(first!.cert).subjectAltName).toContain('IP Address:10.9.8.7');
    const second = await loadGatewayTls({ enabled: true }, stateDir);
    expect(second!.fingerprint).toBe(first!.fingerprint);
    expect(localCertificateFingerprint({ enabled: true }, stateDir)).toBe(first!.fingerprint);
  });

  it('refuses half a pair, unreadable files and a key of another certificate, naming the file', async () => {
    const a = await selfSignedFiles(dir, 'a');
    const b = await selfSignedFiles(dir, 'b');
    await expect(loadGatewayTls({ enabled: true, certPath: a.certPath }, dir)).rejects.toThrow(/needs both certPath and keyPath/);
    await expect(loadGatewayTls({ enabled: true, certPath: join(dir, 'missing.crt'), keyPath: a.keyPath }, dir)).rejects.toThrow(/cannot read the TLS certificate .*missing\.crt.*ENOENT/);
    await expect(loadGatewayTls({ enabled: true, certPath: a.keyPath, keyPath: a.keyPath }, dir)).rejects.toThrow(/is not a PEM certificate/);
    await expect(loadGatewayTls({ enabled: true, certPath: a.certPath, keyPath: b.keyPath }, dir)).rejects.toThrow(StartupError);
    await expect(loadGatewayTls({ enabled: true, certPath: a.certPath, keyPath: b.keyPath }, dir)).rejects.toThrow(/b\.key is not the private key of .*a\.crt/);
    const ok = await loadGatewayTls({ enabled: true, certPath: a.certPath, keyPath: a.keyPath }, dir);
    expect(ok).toMatchObject({ source: 'files', fingerprint: certificateFingerprint(a.cert) });
  });
});

describe('a gateway serving a generated certificate', () => {
  let t: TestGateway;
  let canvasPort: number;
  beforeAll(async () => {
    canvasPort = await freePort();
    const token = 'tls-test-token-0123456789abcdef';
    t = await startTestGateway({ config: { gateway: { auth: { mode: 'token', token }, tls: { enabled: true } }, canvasHost: { port: canvasPort } } });
  });
  afterAll(async () => t?.close());

  const connect = (o: { url?: string; tlsFingerprint?: string }) =>
    GatewayClient.connect({ url: o.url ?? t.gw.wsUrl, token: t.token, device: generateDeviceKeys(), scopes: [...CLI_DEFAULT_SCOPES], tlsFingerprint: o.tlsFingerprint, timeoutMs: 5000 });

  it('listens on wss:// and https:// and reports the fingerprint in status', async () => {
    expect(t.gw.wsUrl).toMatch(/^wss:\/\/127\.0\.0\.1:\d+$/);
    expect(t.gw.httpUrl).toMatch(/^https:\/\//);
    const c = await connect({ tlsFingerprint: t.gw.tlsFingerprint });
    const status = await c.call('status', {});
    c.close();
    expect(status.gateway.url).toBe(t.gw.wsUrl);
    expect(status.gateway.tls).toMatchObject({ fingerprint: t.gw.tlsFingerprint, source: 'generated' });
    expect(status.gateway.tls!.fingerprint).toBe(localCertificateFingerprint({ enabled: true }, t.state.stateDir));
  });

  it('answers https with the pinned certificate', async () => {
    const r = await httpsGet(`${t.gw.httpUrl}healthz`, pinned(t.gw.tlsFingerprint!));
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ ok: true });
    expect(formatFingerprint(r.fingerprint)).toBe(t.gw.tlsFingerprint);
  });

  it('refuses a wrong pinned fingerprint before sending anything, for wss and https', async () => {
    const err = await connect({ tlsFingerprint: WRONG }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(GatewayConnectionError);
    expect((err as Error).message).toMatch(/does not match the pinned fingerprint \(expected 00:00.*got [0-9A-F:]{95}\); refusing to connect/);
    await expect(httpsGet(`${t.gw.httpUrl}healthz`, pinned(WRONG))).rejects.toBeInstanceOf(TlsFingerprintMismatchError);
  });

  it('without a pin, an untrusted certificate is refused with the way to pin it', async () => {
    await expect(connect({})).rejects.toThrow(/not signed by an authority this computer trusts .*--tls-fingerprint/);
  });

  it('a pin on a plain ws:// address is refused, never ignored', async () => {
    await expect(connect({ url: t.gw.wsUrl.replace('wss://', 'ws://'), tlsFingerprint: t.gw.tlsFingerprint })).rejects.toThrow(/is not a wss:\/\/ address/);
  });

  it('plain text to the TLS port gets no answer from the gateway', async () => {
    await expect(connect({ url: t.gw.wsUrl.replace('wss://', 'ws://') })).rejects.toThrow(GatewayConnectionError);
  });

  it('serves the legacy canvas port with the same certificate', async () => {
    const r = await httpsGet(`https://127.0.0.1:${canvasPort}/elsewhere`, pinned(t.gw.tlsFingerprint!));
    expect(r.status).toBe(404);
    expect(r.body).toContain('this port only serves /__openclaw__/canvas/');
  });
});

describe('a gateway serving the operator\'s PEM files', () => {
  let t: TestGateway;
  let dir: string;
  let files: Awaited<ReturnType<typeof selfSignedFiles>>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'openclaw-tls-pem-'));
    files = await selfSignedFiles(dir, 'gateway');
    t = await startTestGateway({ config: { gateway: { auth: { mode: 'token', token: 'pem-test-token-0123456789abcdef' }, tls: { enabled: true, certPath: files.certPath, keyPath: files.keyPath } } } });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('verifies against the certificate as a trusted authority (https) and by pin (wss)', async () => {
    const r = await httpsGet(`${t.gw.httpUrl}healthz`, { ca: files.cert });
    expect(r.status).toBe(200);
    expect(formatFingerprint(r.fingerprint)).toBe(certificateFingerprint(files.cert));
    const c = await GatewayClient.connect({ url: t.gw.wsUrl, token: t.token, device: generateDeviceKeys(), scopes: [...CLI_DEFAULT_SCOPES], tlsFingerprint: certificateFingerprint(files.cert) });
    expect((await c.call('status', {})).gateway.tls).toMatchObject({ source: 'files', fingerprint: certificateFingerprint(files.cert) });
    c.close();
  });

  it('offers TLS 1.2 at least', async () => {
    const socket = tlsConnect({ host: '127.0.0.1', port: t.gw.port, rejectUnauthorized: false, maxVersion: 'TLSv1.1', minVersion: 'TLSv1' });
    await expect(new Promise((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject))).rejects.toThrow();
    socket.destroy();
  });
});

describe('a renewed certificate', () => {
  let t: TestGateway;
  let dir: string;
  let files: Awaited<ReturnType<typeof selfSignedFiles>>;
  let canvasPort: number;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'openclaw-tls-renew-'));
    files = await selfSignedFiles(dir, 'live');
    canvasPort = await freePort();
    t = await startTestGateway({ config: { gateway: { auth: { mode: 'token', token: 'renew-test-token-0123456789abcdef' }, tls: { enabled: true, certPath: files.certPath, keyPath: files.keyPath } }, canvasHost: { port: canvasPort } } });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const connectPinned = (fingerprint: string) =>
    GatewayClient.connect({ url: t.gw.wsUrl, token: t.token, device: generateDeviceKeys(), scopes: [...CLI_DEFAULT_SCOPES], tlsFingerprint: fingerprint, timeoutMs: 5000 });

  it('replacing the files (as certbot does) serves the new certificate without a restart; a broken pair is ignored', async () => {
    const before = certificateFingerprint(files.cert);
    // A key that does not belong to the certificate: logged, the current certificate stays.
    const stray = await selfSignedFiles(dir, 'stray');
    writeFileSync(`${files.keyPath}.new`, readFileSync(stray.keyPath));
    renameSync(`${files.keyPath}.new`, files.keyPath);
    await waitForLogLine(t.state.logFile, /cannot be used yet; still serving the current certificate/);
    (await connectPinned(before)).close();

    const next = await selfSignedFiles(dir, 'next');
    writeFileSync(`${files.certPath}.new`, next.cert);
    renameSync(`${files.certPath}.new`, files.certPath);
    writeFileSync(`${files.keyPath}.new`, readFileSync(next.keyPath));
    renameSync(`${files.keyPath}.new`, files.keyPath);
    await waitForLogLine(t.state.logFile, /TLS certificate renewed from its files/);

    const after = certificateFingerprint(next.cert);
    const c = await connectPinned(after);
    expect((await c.call('status', {})).gateway.tls?.fingerprint).toBe(after);
    c.close();
    await expect(connectPinned(before)).rejects.toThrow(/does not match the pinned fingerprint/);
    expect((await httpsGet(`https://127.0.0.1:${canvasPort}/elsewhere`, pinned(after))).status).toBe(404);
  });
});
