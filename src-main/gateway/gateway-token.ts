import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the generated gateway token lives (0600). The CLI reads it from here too. */
export function gatewayTokenPath(stateDir: string): string {
  return join(stateDir, 'credentials', 'gateway.token');
}

/** Read the stored token, if any. */
export function readGatewayToken(stateDir: string): string | undefined {
  try {
    const t = readFileSync(gatewayTokenPath(stateDir), 'utf8').trim();
    return t.length ? t : undefined;
  } catch {
    return undefined;
  }
}

/** Return the stored token, generating 256 random bits on first start. */
export function ensureGatewayToken(stateDir: string): { token: string; created: boolean; path: string } {
  const path = gatewayTokenPath(stateDir);
  const existing = readGatewayToken(stateDir);
  if (existing) {
    chmodSync(path, 0o600);
    return { token: existing, created: false, path };
  }
  mkdirSync(join(stateDir, 'credentials'), { recursive: true, mode: 0o700 });
  const token = randomBytes(32).toString('base64url');
  writeFileSync(path, token + '\n', { mode: 0o600, flag: 'w' });
  chmodSync(path, 0o600);
  return { token, created: true, path };
}

/** Replaces the stored token (0600): this host's CLI then reads the one the gateway uses. */
export function writeGatewayToken(stateDir: string, token: string): string {
  const path = gatewayTokenPath(stateDir);
  mkdirSync(join(stateDir, 'credentials'), { recursive: true, mode: 0o700 });
  writeFileSync(path, token + '\n', { mode: 0o600, flag: 'w' });
  chmodSync(path, 0o600);
  return path;
}
