/** The plugin's settings (`plugins.entries.memory-lancedb.config`), validated by the gateway against the manifest. */
export interface EmbeddingSettings {
  baseUrl: string;
  apiKey?: string;
  model: string;
  dimensions?: number;
  timeoutMs?: number;
}

export interface MemorySettings {
  embedding: EmbeddingSettings;
  autoRecall?: boolean;
  recallLimit?: number;
  minScore?: number;
  autoCapture?: boolean;
  duplicateScore?: number;
}

/** Settings with every default filled in. */
export type ResolvedSettings = Required<Omit<MemorySettings, 'embedding'>> & { embedding: EmbeddingSettings & { timeoutMs: number } };

export function resolveSettings(s: MemorySettings): ResolvedSettings {
  return {
    embedding: { ...s.embedding, timeoutMs: s.embedding.timeoutMs ?? 10_000 },
    autoRecall: s.autoRecall ?? true,
    recallLimit: s.recallLimit ?? 5,
    minScore: s.minScore ?? 0.3,
    autoCapture: s.autoCapture ?? false,
    duplicateScore: s.duplicateScore ?? 0.95,
  };
}
