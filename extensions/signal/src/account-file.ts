/** The number a QR login linked, kept in the account's folder so `account` need not be typed in. */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const FILE = 'signal-account.json';

export interface LinkedAccount {
  number: string;
  aci?: string;
}

export async function readLinkedAccount(dataDir: string): Promise<LinkedAccount | undefined> {
  try {
    const parsed = JSON.parse(await readFile(join(dataDir, FILE), 'utf8')) as Partial<LinkedAccount>;
    return typeof parsed.number === 'string' ? { number: parsed.number, ...(typeof parsed.aci === 'string' ? { aci: parsed.aci } : {}) } : undefined;
  } catch {
    return undefined;
  }
}

export async function writeLinkedAccount(dataDir: string, linked: LinkedAccount): Promise<void> {
  await writeFile(join(dataDir, FILE), JSON.stringify(linked), { mode: 0o600 });
}

export async function forgetLinkedAccount(dataDir: string): Promise<void> {
  await rm(join(dataDir, FILE), { force: true });
}
