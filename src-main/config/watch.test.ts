import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { watchConfig, type ConfigReloadEvent, type ConfigWatcher } from './watch.js';
import { writeConfigAtomic } from './write.js';

let dir: string;
let file: string;
let watcher: ConfigWatcher | undefined;
let events: ConfigReloadEvent[];
let waiters: Array<() => void>;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-watch-'));
  file = path.join(dir, 'openclaw.json');
  events = [];
  waiters = [];
});
afterEach(async () => {
  await watcher?.close();
  watcher = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

async function start(initialText: string | null): Promise<void> {
  if (initialText !== null) fs.writeFileSync(file, initialText);
  watcher = watchConfig(file, {}, {
    debounceMs: 30,
    onReload: (event) => {
      events.push(event);
      waiters.splice(0).forEach((wake) => wake());
    },
  });
  await watcher.ready;
}

/** Resolves with the next reload event (generous timeout: file events can be slow on CI). */
function nextEvent(timeoutMs = 10_000): Promise<ConfigReloadEvent> {
  const index = events.length;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no config reload within ${timeoutMs} ms`)), timeoutMs);
    const check = () => {
      if (events.length > index) {
        clearTimeout(timer);
        resolve(events[index]);
      } else waiters.push(check);
    };
    check();
  });
}

describe('watchConfig', () => {
  it('reports a valid change with the changed paths', async () => {
    await start('{ gateway: { port: 20000 } }');
    const next = nextEvent();
    fs.writeFileSync(file, '{ gateway: { port: 20001 }, logging: { level: "debug" } }');
    const event = await next;
    expect(event.ok).toBe(true);
    if (!event.ok) return;
    expect(event.result.resolved.gateway.port).toBe(20001);
    expect(event.changedPaths.sort()).toEqual(['gateway.port', 'logging.level']);
  });

  it('reports an invalid change, then recovers on the next valid one', async () => {
    await start('{}');
    let next = nextEvent();
    fs.writeFileSync(file, '{ gateway: { prot: 1 } }');
    const bad = await next;
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.issues).toEqual([{ path: 'gateway.prot', message: 'unknown key' }]);

    next = nextEvent();
    fs.writeFileSync(file, '{ gateway: { port: 20002 } }');
    const good = await next;
    expect(good.ok).toBe(true);
    if (good.ok) expect(good.changedPaths).toEqual(['gateway.port']);
  });

  it('sees atomic rename-over writes', async () => {
    await start('{ logging: { level: "info" } }');
    const next = nextEvent();
    writeConfigAtomic(file, '{ "logging": { "level": "trace" } }\n');
    const event = await next;
    expect(event.ok && event.changedPaths).toEqual(['logging.level']);
  });

  it('sees creation and deletion of the file', async () => {
    await start(null);
    let next = nextEvent();
    fs.writeFileSync(file, '{ gateway: { port: 20003 } }');
    const created = await next;
    expect(created.ok && created.changedPaths).toEqual(['gateway.port']);

    // Removing the file under a running gateway keeps the last good config (reported), never the defaults.
    next = nextEvent();
    fs.rmSync(file);
    const deleted = await next;
    expect(deleted.ok).toBe(false);
    expect(!deleted.ok && deleted.error.message).toMatch(/the file was removed; the running config is kept/);

    next = nextEvent();
    fs.writeFileSync(file, '');
    const emptied = await next;
    expect(!emptied.ok && emptied.error.message).toMatch(/the file is empty/);
  });

  it('reports a file it cannot read instead of skipping it silently', async () => {
    if (process.platform === 'win32') return;
    await start('{ gateway: { port: 20005 } }');
    const next = nextEvent();
    fs.rmSync(file);
    fs.mkdirSync(file); // reading a directory fails with EISDIR, as root too
    const event = await next;
    expect(!event.ok && event.error.message).toMatch(/cannot read file: .*EISDIR/);
  });

  it('does not fire for a touch or a rewrite with the same bytes', async () => {
    const text = '{ gateway: { port: 20004 } }';
    await start(text);
    fs.writeFileSync(file, text);
    const now = new Date();
    fs.utimesSync(file, now, now);
    // A real change afterwards must be the first event we see.
    const next = nextEvent();
    fs.writeFileSync(file, '{ gateway: { port: 20005 } }');
    const event = await next;
    expect(events).toHaveLength(1);
    expect(event.ok && event.changedPaths).toEqual(['gateway.port']);
  });

  it('debounces a burst of writes into one reload', async () => {
    await start('{}');
    const next = nextEvent();
    for (let port = 20010; port < 20015; port += 1) fs.writeFileSync(file, `{ gateway: { port: ${port} } }`);
    const event = await next;
    expect(event.ok && event.result.resolved.gateway.port).toBe(20014);
  });

  it('creates a missing state directory and sees the file appear in it', async () => {
    file = path.join(dir, 'new-state', 'openclaw.json');
    await start(null);
    const next = nextEvent();
    writeConfigAtomic(file, '{ "gateway": { "port": 20030 } }');
    const event = await next;
    expect(event.ok && event.result.resolved.gateway.port).toBe(20030);
  });
});
