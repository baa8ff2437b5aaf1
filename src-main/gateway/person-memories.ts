/**
 * What the active memory plugin (`plugins.slots.memory`) keeps of one person, and forgetting it: the
 * one way deleting a session or removing a paired sender reaches memory. Core never names a plugin:
 * it asks the memory slot, which maps a session key to its person (`countOwner`/`forgetOwner`). With no
 * memory plugin, or one that cannot do this, counting says so in a note and forgetting does nothing.
 */
import type { MemoryOwnerQuery } from '../../src-shared/plugin/api.js';
import type { RegisteredMemory } from '../plugins/contributions.js';

/** How many memories one person has (see `PersonMemoriesSchema`). */
export interface PersonMemoriesCount {
  available: boolean;
  owner?: string;
  count?: number;
  note?: string;
}

/** What forgetting did (see `ForgottenMemoriesSchema`). */
export interface ForgottenMemories {
  removed: number;
  owner?: string;
  note?: string;
}

export interface PersonMemories {
  /** Never throws: a failure to count is a note, and the client simply offers nothing. */
  count(q: MemoryOwnerQuery): Promise<PersonMemoriesCount>;
  /** Throws when the plugin fails, so the caller can stop before deleting anything else. */
  forget(q: MemoryOwnerQuery): Promise<ForgottenMemories>;
}

export const NO_MEMORY_NOTE = 'no memory plugin is active (plugins.slots.memory), so there are no memories to forget';
const cannot = (pluginId: string) => `the memory plugin "${pluginId}" cannot forget one person's memories`;

/** `slot` resolves to the memory of the plugin chosen in `plugins.slots.memory`, loaded, or undefined. */
export function createPersonMemories(slot: () => Promise<RegisteredMemory | undefined>): PersonMemories {
  return {
    async count(q) {
      const memory = await slot().catch(() => undefined);
      if (!memory) return { available: false, note: NO_MEMORY_NOTE };
      if (!memory.countOwner || !memory.forgetOwner) return { available: false, note: cannot(memory.pluginId) };
      try {
        const r = await memory.countOwner(q);
        return { available: true, owner: r.owner, count: r.count };
      } catch (err) {
        return { available: false, note: `memories could not be counted: ${err instanceof Error ? err.message : String(err)}` };
      }
    },
    async forget(q) {
      const memory = await slot();
      if (!memory) return { removed: 0, note: NO_MEMORY_NOTE };
      if (!memory.forgetOwner) return { removed: 0, note: cannot(memory.pluginId) };
      const r = await memory.forgetOwner(q);
      return { removed: r.removed, owner: r.owner };
    },
  };
}
