/** The sidebar's pages, in order. `id` is also the `#/<id>` route. */
export const PAGES = [
  { id: 'overview', label: 'Overview' },
  { id: 'chat', label: 'Chat' },
  { id: 'sessions', label: 'Sessions' },
  { id: 'config', label: 'Config' },
  { id: 'logs', label: 'Logs' },
  { id: 'channels', label: 'Channels' },
  { id: 'nodes', label: 'Nodes' },
  { id: 'pairing', label: 'Pairing' },
  { id: 'plugins', label: 'Plugins' },
  { id: 'automations', label: 'Automations' },
  { id: 'usage', label: 'Usage' },
  { id: 'memory', label: 'Memory' },
] as const;
export type PageId = (typeof PAGES)[number]['id'];

/** `#/sessions` → `sessions`; anything else → overview. The hash only ever names a page. */
export function pageFromHash(hash: string): PageId {
  const id = hash.replace(/^#\/?/, '');
  return (PAGES.find((p) => p.id === id)?.id ?? 'overview') as PageId;
}

/** Index of the item a navigation key moves to, or undefined for other keys. */
export function nextNavIndex(key: string, current: number, count: number): number | undefined {
  switch (key) {
    case 'ArrowDown':
    case 'ArrowRight':
      return (current + 1) % count;
    case 'ArrowUp':
    case 'ArrowLeft':
      return (current - 1 + count) % count;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return undefined;
  }
}
