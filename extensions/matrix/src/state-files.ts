/**
 * What a Matrix account keeps in its data folder: the session a password
 * login obtained (`session.json`, mode 0600) and the `/sync` position
 * (`sync.json`), so a restart resumes where the last one stopped without
 * replaying or losing events. Both are tied to the homeserver and user id
 * they were made for; a file for another account is ignored.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface StoredSession {
  homeserverUrl: string;
  userId: string;
  accessToken: string;
  deviceId: string;
}

export interface StoredSyncPosition {
  homeserverUrl: string;
  userId: string;
  nextBatch: string;
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Write to a temporary file, then rename: a crash leaves the old file or the new one, never half of one. */
async function writeJsonAtomically(file: string, value: unknown, mode: number): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(value), { mode });
  await rename(tmp, file);
}

export class AccountFiles {
  constructor(
    private readonly dir: string,
    private readonly homeserverUrl: string,
    private readonly userId: string,
  ) {}

  private mine(x: { homeserverUrl?: unknown; userId?: unknown } | undefined): boolean {
    return !!x && x.homeserverUrl === this.homeserverUrl && x.userId === this.userId;
  }

  async readSession(): Promise<StoredSession | undefined> {
    const s = await readJson<StoredSession>(join(this.dir, 'session.json'));
    return this.mine(s) && typeof s?.accessToken === 'string' && typeof s.deviceId === 'string' ? s : undefined;
  }

  async writeSession(accessToken: string, deviceId: string): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeJsonAtomically(join(this.dir, 'session.json'), { homeserverUrl: this.homeserverUrl, userId: this.userId, accessToken, deviceId }, 0o600);
  }

  async readSyncToken(): Promise<string | undefined> {
    const s = await readJson<StoredSyncPosition>(join(this.dir, 'sync.json'));
    return this.mine(s) && typeof s?.nextBatch === 'string' ? s.nextBatch : undefined;
  }

  async writeSyncToken(nextBatch: string): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeJsonAtomically(join(this.dir, 'sync.json'), { homeserverUrl: this.homeserverUrl, userId: this.userId, nextBatch }, 0o600);
  }
}
