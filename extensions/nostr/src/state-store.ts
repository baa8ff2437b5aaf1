/**
 * What a Nostr account remembers between runs, in `<dataDir>/nostr-state.json`:
 * `since`, the time of the newest message handed to core (the next run asks
 * relays only from there), and which DM protocol each person used last, so
 * replies reach them in a form their client reads.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Which encryption a correspondent uses. */
export type DmProtocol = 'nip17' | 'nip04';

interface StateFile {
  since?: number;
  protocols?: Record<string, DmProtocol>;
  /** Ids of the latest messages handed to core with their times, so a resume that re-reads them skips them. */
  recent?: [string, number][];
}

const RECENT_LIMIT = 1000;

export class NostrStateStore {
  private state: StateFile = {};
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;

  constructor(private readonly dataDir: string) {}

  private get file(): string {
    return join(this.dataDir, 'nostr-state.json');
  }

  async load(): Promise<void> {
    try {
      const parsed = JSON.parse(await readFile(this.file, 'utf8')) as StateFile;
      this.state = {
        since: typeof parsed.since === 'number' && Number.isFinite(parsed.since) ? parsed.since : undefined,
        protocols: typeof parsed.protocols === 'object' && parsed.protocols !== null ? parsed.protocols : {},
        recent: Array.isArray(parsed.recent) ? parsed.recent.filter((r) => Array.isArray(r) && typeof r[0] === 'string' && typeof r[1] === 'number') : [],
      };
    } catch (err) {
      // First run, or a damaged file: start from now rather than replaying a relay's whole history.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.state = {};
    }
  }

  /** Unix seconds; undefined on a first run. */
  get since(): number | undefined {
    return this.state.since;
  }

  /** Message ids handed to core most recently. */
  get recentIds(): string[] {
    return (this.state.recent ?? []).map((r) => r[0]);
  }

  protocolOf(pubkey: string): DmProtocol | undefined {
    return this.state.protocols?.[pubkey];
  }

  /** Record a message handed to core; persisted in the background, in order. */
  record(messageId: string, createdAt: number, dm?: { pubkey: string; protocol: DmProtocol }, keepAfter = 0): Promise<void> {
    if (createdAt > (this.state.since ?? 0)) this.state.since = createdAt;
    this.state.recent = [...(this.state.recent ?? []).filter((r) => r[1] >= keepAfter), [messageId, createdAt] as [string, number]].slice(-RECENT_LIMIT);
    if (dm && this.state.protocols?.[dm.pubkey] !== dm.protocol) this.state.protocols = { ...this.state.protocols, [dm.pubkey]: dm.protocol };
    this.dirty = true;
    this.writing = this.writing.then(() => this.flush());
    return this.writing;
  }

  /** Resolves when everything recorded is on disk. */
  settled(): Promise<void> {
    return this.writing;
  }

  private async flush(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    await mkdir(this.dataDir, { recursive: true });
    const tmp = `${this.file}.tmp`;
    await writeFile(tmp, JSON.stringify(this.state), { mode: 0o600 });
    await rename(tmp, this.file);
  }
}
