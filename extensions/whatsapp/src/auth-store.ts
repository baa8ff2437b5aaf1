/**
 * The linked-device credentials: Baileys' multi-file auth state in one folder
 * (`creds.json` plus one file per signal key). Losing `creds.json` means
 * scanning the QR code again, so it is written atomically.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BufferJSON, useMultiFileAuthState, type AuthenticationState } from '@whiskeysockets/baileys';
import type { ChannelLogger } from '../../../src-shared/domain/channel.js';

const CREDS_FILE = 'creds.json';

/** Who the stored credentials belong to. */
export interface LinkedAccount {
  phoneJid: string;
  lidJid?: string;
  name?: string;
}

/** Loaded credentials and a way to persist them. */
export interface AuthStore {
  dir: string;
  state: AuthenticationState;
  /** Queues a write of the current credentials (call on every `creds.update`). */
  save(): Promise<void>;
  /** Resolves when every queued write has finished. */
  flush(): Promise<void>;
}

/** The account the folder is linked to, without creating or changing anything; undefined when not linked. */
export async function readLinkedAccount(dir: string): Promise<LinkedAccount | undefined> {
  try {
    const creds = JSON.parse(await readFile(join(dir, CREDS_FILE), 'utf8'), BufferJSON.reviver) as { me?: { id?: unknown; lid?: unknown; name?: unknown } };
    const id = creds?.me?.id;
    if (typeof id !== 'string' || !id.includes('@')) return undefined;
    return {
      phoneJid: id,
      ...(typeof creds.me?.lid === 'string' ? { lidJid: creds.me.lid } : {}),
      ...(typeof creds.me?.name === 'string' ? { name: creds.me.name } : {}),
    };
  } catch {
    return undefined;
  }
}

/** Opens (creating when missing) the credential folder. */
export async function openAuthStore(dir: string, log: ChannelLogger): Promise<AuthStore> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const { state } = await useMultiFileAuthState(dir);
  let chain: Promise<void> = Promise.resolve();
  const save = () => {
    chain = chain
      .then(() => writeCredsAtomically(dir, state.creds))
      .catch((err: unknown) => log.warn('could not save WhatsApp credentials', { error: err instanceof Error ? err.message : String(err) }));
    return chain;
  };
  return { dir, state, save, flush: () => chain };
}

/** Deletes everything in the credential folder (the folder itself stays). */
export async function clearAuthDir(dir: string): Promise<void> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(entries.map((e) => rm(join(dir, e), { recursive: true, force: true })));
}

async function writeCredsAtomically(dir: string, creds: AuthenticationState['creds']): Promise<void> {
  const tmp = join(dir, `${CREDS_FILE}.${process.pid}.tmp`);
  await writeFile(tmp, JSON.stringify(creds, BufferJSON.replacer), { mode: 0o600 });
  await rename(tmp, join(dir, CREDS_FILE));
}
