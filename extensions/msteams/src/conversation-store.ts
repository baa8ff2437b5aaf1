/**
 * Where each conversation is answered (its service URL, tenant) and each
 * user's personal conversation with the bot, kept in the account's data
 * folder: Teams tells the bot these only in activities, and a reply or a
 * `message send` after a restart still needs them.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConversationRef } from './normalize.js';

interface StoredRefs {
  conversations: Record<string, { serviceUrl: string; tenantId?: string }>;
  /** user id → their personal conversation id. */
  users: Record<string, string>;
}

/** Remembered conversation references for one account. */
export class ConversationStore {
  private data: StoredRefs = { conversations: {}, users: {} };
  private writing: Promise<void> = Promise.resolve();
  private readonly file: string;

  constructor(private readonly dir: string) {
    this.file = join(dir, 'conversations.json');
  }

  /** Read what earlier runs stored; a missing or damaged file starts empty. */
  async load(): Promise<void> {
    try {
      const parsed = JSON.parse(await readFile(this.file, 'utf8')) as Partial<StoredRefs>;
      this.data = { conversations: { ...parsed.conversations }, users: { ...parsed.users } };
    } catch {
      this.data = { conversations: {}, users: {} };
    }
  }

  conversation(id: string): { serviceUrl: string; tenantId?: string } | undefined {
    return Object.hasOwn(this.data.conversations, id) ? this.data.conversations[id] : undefined;
  }

  personalConversation(userId: string): string | undefined {
    return Object.hasOwn(this.data.users, userId) ? this.data.users[userId] : undefined;
  }

  /** Any tenant the bot has heard from (for starting a personal conversation). */
  someTenant(): string | undefined {
    return Object.values(this.data.conversations).find((c) => c.tenantId)?.tenantId;
  }

  /** Remember a conversation (and, for a DM, whose it is); resolves once it is on disk. */
  remember(ref: ConversationRef, dmUser?: string): Promise<void> {
    const known = this.conversation(ref.conversationId);
    const userKnown = !dmUser || this.personalConversation(dmUser) === ref.conversationId;
    if (known && known.serviceUrl === ref.serviceUrl && known.tenantId === ref.tenantId && userKnown) return this.writing;
    this.data.conversations[ref.conversationId] = { serviceUrl: ref.serviceUrl, ...(ref.tenantId ? { tenantId: ref.tenantId } : {}) };
    if (dmUser) this.data.users[dmUser] = ref.conversationId;
    return this.save();
  }

  private save(): Promise<void> {
    const snapshot = JSON.stringify(this.data);
    // One write at a time, in order; the last one carries everything remembered so far.
    this.writing = this.writing
      .catch(() => undefined)
      .then(async () => {
        await mkdir(this.dir, { recursive: true, mode: 0o700 });
        const tmp = `${this.file}.${process.pid}.tmp`;
        await writeFile(tmp, snapshot, { mode: 0o600 });
        await rename(tmp, this.file);
      });
    return this.writing;
  }
}
