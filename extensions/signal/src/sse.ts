/**
 * A reader for server-sent events (WHATWG `text/event-stream`): `id`,
 * `event`, `data` fields, comments (signal-cli's keep-alives), events ended
 * by a blank line. Node 20 has no EventSource; this is the part of it the
 * event stream needs.
 */

/** One event. */
export interface ServerSentEvent {
  id?: string;
  event: string;
  data: string;
}

/** Parses chunks as they arrive; calls `onEvent` per event and `onActivity` per chunk (keep-alives included). */
export class SseParser {
  private buffer = '';
  private id?: string;
  private event = '';
  private data: string[] = [];

  constructor(private readonly onEvent: (e: ServerSentEvent) => void) {}

  push(chunk: string): void {
    this.buffer += chunk;
    for (;;) {
      const nl = this.buffer.search(/\r\n|\r|\n/);
      if (nl < 0) return;
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + (this.buffer.startsWith('\r\n', nl) ? 2 : 1));
      this.line(line);
    }
  }

  private line(line: string): void {
    if (line === '') {
      if (this.data.length) this.onEvent({ ...(this.id !== undefined ? { id: this.id } : {}), event: this.event || 'message', data: this.data.join('\n') });
      this.event = '';
      this.data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) this.id = value;
  }
}
