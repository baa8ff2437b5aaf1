import type { MethodResult } from '../../../src-shared/protocol/index.js';
import { connectCli, type GlobalOptions } from '../connect.js';
import { printJson } from '../output.js';

interface LogsOptions extends GlobalOptions {
  follow?: boolean;
  json?: boolean;
  lines?: string;
  interval?: string;
}

function pretty(line: string): string {
  try {
    const r = JSON.parse(line) as { time?: string; level?: string; subsystem?: string; message?: string; [k: string]: unknown };
    const { time, level, subsystem, message, ...rest } = r;
    const extra = Object.entries(rest)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ');
    return `${time ?? ''} ${(level ?? '').padEnd(5)} [${subsystem ?? '-'}] ${message ?? ''}${extra ? ' ' + extra : ''}`;
  } catch {
    return line;
  }
}

/** `openclaw logs [--follow] [--json]` over `logs.tail`; JSON mode starts with a meta record. */
export async function runLogs(opts: LogsOptions): Promise<void> {
  const client = await connectCli(opts);
  const emit = (page: MethodResult<'logs.tail'>) => {
    for (const line of page.lines) {
      if (opts.json) {
        let rec: unknown;
        try {
          rec = JSON.parse(line);
        } catch {
          rec = { raw: line };
        }
        printJson({ type: 'log', ...(rec as object) }, false);
      } else process.stdout.write(pretty(line) + '\n');
    }
  };
  try {
    let page = await client.call<MethodResult<'logs.tail'>>('logs.tail', { limit: opts.lines ? Number(opts.lines) : 200 });
    if (opts.json) printJson({ type: 'meta', file: page.file, sourceKind: 'file', cursor: page.cursor, size: page.size }, false);
    emit(page);
    if (!opts.follow) return;
    const interval = opts.interval ? Number(opts.interval) : 1000;
    let stop = false;
    process.once('SIGINT', () => {
      stop = true;
    });
    while (!stop) {
      await new Promise((r) => setTimeout(r, interval));
      page = await client.call<MethodResult<'logs.tail'>>('logs.tail', { cursor: page.cursor, limit: 5000 });
      if (page.reset && opts.json) printJson({ type: 'meta', file: page.file, sourceKind: 'file', cursor: page.cursor, size: page.size, reset: true }, false);
      emit(page);
    }
  } finally {
    client.close();
  }
}
