import { useRef, type KeyboardEvent } from 'react';
import { nextNavIndex, PAGES, type PageId } from '../pages.js';

/** Page list; arrow keys, Home and End move focus, Enter or Space opens, Tab leaves the list. */
export function Sidebar({ current, onSelect }: { current: PageId; onSelect(id: PageId): void }) {
  const refs = useRef<(HTMLAnchorElement | null)[]>([]);
  const onKeyDown = (e: KeyboardEvent, index: number) => {
    const next = nextNavIndex(e.key, index, PAGES.length);
    if (next === undefined) return;
    e.preventDefault();
    refs.current[next]?.focus();
  };
  return (
    <nav className="sidebar" aria-label="Pages">
      <ul>
        {PAGES.map((p, i) => (
          <li key={p.id}>
            <a
              ref={(el) => void (refs.current[i] = el)}
              href={`#/${p.id}`}
              aria-current={p.id === current ? 'page' : undefined}
              onClick={(e) => {
                e.preventDefault();
                onSelect(p.id);
              }}
              onKeyDown={(e) => onKeyDown(e, i)}
            >
              {p.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
