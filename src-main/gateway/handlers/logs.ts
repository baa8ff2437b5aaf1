import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { MethodParams, MethodResult } from '../../../src-shared/protocol/index.js';

const DEFAULT_MAX_BYTES = 256 * 1024;
const DEFAULT_LIMIT = 200;

/**
 * Read complete JSON lines from a log file starting at a byte cursor. Without
 * a cursor: the last `limit` lines. A cursor past the end means the file was
 * rotated, so reading restarts at 0 with `reset: true`.
 */
export function tailLogFile(file: string, params: MethodParams<'logs.tail'>): MethodResult<'logs.tail'> {
  let size = 0;
  try {
    size = statSync(file).size;
  } catch {
    return { file, cursor: 0, size: 0, lines: [], truncated: false, reset: false };
  }
  const maxBytes = params.maxBytes ?? DEFAULT_MAX_BYTES;
  const limit = params.limit ?? DEFAULT_LIMIT;
  let start: number;
  let reset = false;
  const fromEnd = params.cursor === undefined;
  if (fromEnd) start = Math.max(0, size - maxBytes);
  else if (params.cursor! > size) {
    start = 0;
    reset = true;
  } else start = params.cursor!;

  const length = Math.min(maxBytes, size - start);
  const buf = Buffer.alloc(length);
  if (length > 0) {
    const fd = openSync(file, 'r');
    try {
      readSync(fd, buf, 0, length, start);
    } finally {
      closeSync(fd);
    }
  }
  let text = buf.toString('utf8');
  let consumed = length;
  // Only hand out whole lines; a partial last line is read next time.
  const lastNl = text.lastIndexOf('\n');
  if (lastNl < 0) {
    text = '';
    consumed = 0;
  } else {
    text = text.slice(0, lastNl);
    consumed = Buffer.byteLength(text, 'utf8') + 1;
  }
  let lines = text.length ? text.split('\n') : [];
  // Reading from the end may start mid-line.
  if (fromEnd && start > 0 && lines.length) lines = lines.slice(1);
  let truncated = start + consumed < size;
  if (lines.length > limit) {
    if (fromEnd) lines = lines.slice(-limit);
    else {
      const kept = lines.slice(0, limit);
      consumed = kept.reduce((n, l) => n + Buffer.byteLength(l, 'utf8') + 1, 0);
      lines = kept;
      truncated = true;
    }
  }
  return { file, cursor: start + consumed, size, lines: lines.filter((l) => l.length > 0), truncated, reset };
}
