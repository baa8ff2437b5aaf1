/**
 * The linked-device credentials: Baileys' multi-file auth state in one folder
 * (`creds.json` plus one file per signal key). Losing `creds.json` means
 * scanning the QR code again, so it is written atomically.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BufferJSON, initAuthCreds, proto, useMultiFileAuthState, type AuthenticationState, type SignalDataTypeMap } from '@whiskeysockets/baileys';
import type { ChannelLogger, ChannelState } from '../../../src-shared/domain/channel.js';

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

/**
 * Where an account's credentials live: in the gateway's store when it offers one (every gateway sharing
 * the database can then run the account without a new QR scan), else in the folder.
 */
export interface AuthLocation {
  dir: string;
  state?: ChannelState;
}

/** The account the credentials are linked to, without creating or changing anything; undefined when not linked. */
export async function readLinkedAccount(where: AuthLocation): Promise<LinkedAccount | undefined> {
  try {
    const raw = where.state ? ((await where.state.get(CREDS_KEY)) ?? (await readFile(join(where.dir, CREDS_FILE), 'utf8'))) : await readFile(join(where.dir, CREDS_FILE), 'utf8');
    const creds = JSON.parse(raw, BufferJSON.reviver) as { me?: { id?: unknown; lid?: unknown; name?: unknown } };
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

/** Opens (creating when missing) the account's credentials. */
export async function openAuthStore(where: AuthLocation, log: ChannelLogger): Promise<AuthStore> {
  if (where.state) return openStateAuthStore(where.state, where.dir, log);
  const dir = where.dir;
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

/** Deletes the credentials (in the store, and everything in the folder; the folder itself stays). */
export async function clearAuth(where: AuthLocation): Promise<void> {
  await where.state?.clear();
  const entries = await readdir(where.dir).catch(() => [] as string[]);
  await Promise.all(entries.map((e) => rm(join(where.dir, e), { recursive: true, force: true })));
}

const CREDS_KEY = 'creds';
const KEY_PREFIX = 'key:';

/**
 * Baileys' auth state in the gateway's store: `creds` and one `key:<type>:<id>` entry per signal key,
 * values as Baileys' BufferJSON. Credentials from a folder linked before (creds.json and its key files)
 * are taken into the store the first time, so nobody scans the QR code again; the files stay as they were.
 */
async function openStateAuthStore(state: ChannelState, dir: string, log: ChannelLogger): Promise<AuthStore> {
  if ((await state.get(CREDS_KEY)) === undefined) await importFolder(state, dir, log);
  const stored = await state.get(CREDS_KEY);
  const creds = stored ? (JSON.parse(stored, BufferJSON.reviver) as AuthenticationState['creds']) : initAuthCreds();
  const keyName = (type: string, id: string) => `${KEY_PREFIX}${type}:${id}`;
  let chain: Promise<void> = Promise.resolve();
  const queue = (write: () => Promise<void>, what: string) => {
    chain = chain.then(write).catch((err: unknown) => log.warn(`could not save WhatsApp ${what}`, { error: err instanceof Error ? err.message : String(err) }));
    return chain;
  };
  const authState: AuthenticationState = {
    creds,
    keys: {
      get: async <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) => {
        const out: { [id: string]: SignalDataTypeMap[T] } = {};
        for (const id of ids) {
          const raw = await state.get(keyName(type, id));
          if (raw === undefined) continue;
          let value = JSON.parse(raw, BufferJSON.reviver) as SignalDataTypeMap[T];
          if (type === 'app-state-sync-key') value = proto.Message.AppStateSyncKeyData.fromObject(value as object) as unknown as SignalDataTypeMap[T];
          out[id] = value;
        }
        return out;
      },
      // Baileys waits for key writes: they land before it sends anything that depends on them.
      set: (data) => {
        const entries: Record<string, string | undefined> = {};
        for (const [type, byId] of Object.entries(data)) {
          for (const [id, value] of Object.entries(byId ?? {})) entries[keyName(type, id)] = value ? JSON.stringify(value, BufferJSON.replacer) : undefined;
        }
        return queue(() => state.set(entries), 'keys');
      },
    },
  };
  return { dir, state: authState, save: () => queue(() => state.set({ [CREDS_KEY]: JSON.stringify(authState.creds, BufferJSON.replacer) }), 'credentials'), flush: () => chain };
}

/** Copies a folder's linked credentials (creds.json, `<type>-<id>.json` key files) into the store, creds last. */
async function importFolder(state: ChannelState, dir: string, log: ChannelLogger): Promise<void> {
  let creds: string;
  try {
    creds = await readFile(join(dir, CREDS_FILE), 'utf8');
  } catch {
    return; // nothing linked there
  }
  const entries: Record<string, string> = {};
  for (const file of await readdir(dir)) {
    const m = /^(.+?)-(.+)\.json$/.exec(file);
    if (!m || file === CREDS_FILE) continue;
    // Baileys wrote `/` as `__` and `:` as `-` in file names.
    const type = m[1]!;
    const id = m[2]!.replace(/__/g, '/');
    entries[`${KEY_PREFIX}${type}:${id}`] = await readFile(join(dir, file), 'utf8');
  }
  await state.set(entries);
  await state.set({ [CREDS_KEY]: creds });
  log.info('WhatsApp credentials moved into the gateway store', { keys: Object.keys(entries).length });
}

async function writeCredsAtomically(dir: string, creds: AuthenticationState['creds']): Promise<void> {
  const tmp = join(dir, `${CREDS_FILE}.${process.pid}.tmp`);
  await writeFile(tmp, JSON.stringify(creds, BufferJSON.replacer), { mode: 0o600 });
  await rename(tmp, join(dir, CREDS_FILE));
}
