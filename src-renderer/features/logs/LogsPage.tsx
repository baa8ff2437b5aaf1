import { useEffect, useMemo, useRef, useState } from 'react';
import type { MethodResult } from '../../../src-shared/protocol/index.js';
import type { GatewayClient } from '../../client/types.js';
import { EmptyState, ErrorBox } from '../../components/ErrorBox.js';
import { describeError, type ShownError } from '../../ui-error.js';
import { appendCapped, atLeast, LEVELS, parseLogLine, type Level, type LogEntry } from './log-lines.js';

const POLL_MS = 1000;
const MAX_ENTRIES = 2000;

/** Live tail of the gateway log: polls `logs.tail` from its cursor every second while the tab is visible. */
export function LogsPage({ client }: { client: GatewayClient }) {
  const [entries, setEntries] = useState<LogEntry[]>([]);
  const [file, setFile] = useState<string>();
  const [error, setError] = useState<ShownError>();
  const [paused, setPaused] = useState(false);
  const [level, setLevel] = useState<Level>('info');
  const cursor = useRef<number | undefined>(undefined);
  const nextId = useRef(0);
  const bottom = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (paused) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      if (document.visibilityState === 'visible') {
        try {
          const res = await client.call<MethodResult<'logs.tail'>>('logs.tail', cursor.current === undefined ? { limit: 200 } : { cursor: cursor.current });
          if (stopped) return;
          const fresh = res.lines.map((l) => parseLogLine(l, nextId.current++));
          setEntries((prev) => appendCapped(res.reset ? [] : prev, fresh, MAX_ENTRIES));
          cursor.current = res.cursor;
          setFile(res.file);
          setError(undefined);
        } catch (err) {
          if (!stopped) setError(describeError(err));
        }
      }
      if (!stopped) timer = setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [client, paused]);

  const shown = useMemo(() => atLeast(entries, level), [entries, level]);

  useEffect(() => {
    if (!paused) bottom.current?.scrollIntoView?.({ block: 'nearest' });
  }, [shown.length, paused]);

  return (
    <section className="card" aria-labelledby="logs-heading">
      <div className="card-title">
        <h2 id="logs-heading">Logs</h2>
        <div className="actions">
          <label htmlFor="log-level">Level</label>
          <select id="log-level" value={level} onChange={(e) => setLevel(e.target.value as Level)}>
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {l} and above
              </option>
            ))}
          </select>
          <button type="button" className="secondary" onClick={() => setPaused((p) => !p)} aria-pressed={paused}>
            {paused ? 'Resume' : 'Pause'}
          </button>
        </div>
      </div>
      {file ? (
        <p className="muted">
          <code>{file}</code> {paused ? '· paused' : '· live'}
        </p>
      ) : null}
      <ErrorBox error={error} />
      {shown.length === 0 && !error ? <EmptyState title={entries.length ? 'No lines at this level yet.' : 'Waiting for log lines…'} /> : null}
      <div className="log-view" role="log" aria-live="off" data-testid="log-view">
        {shown.map((e) => (
          <div key={e.id} className={`log-line log-${e.level ?? 'plain'}`} data-testid="log-line">
            {e.time ? <span className="log-time">{e.time.slice(11, 23)}</span> : null}
            {e.level ? <span className="log-level">{e.level}</span> : null}
            {e.subsystem ? <span className="log-sub">[{e.subsystem}]</span> : null}
            <span className="log-msg">{e.message}</span>
            {e.extra ? <span className="log-extra"> {e.extra}</span> : null}
          </div>
        ))}
        <div ref={bottom} />
      </div>
    </section>
  );
}
