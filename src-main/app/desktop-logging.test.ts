import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { desktopLogSettings } from './desktop-logging.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function config(text: string | undefined): string {
  dir = mkdtempSync(join(tmpdir(), 'openclaw-desktop-logging-'));
  const path = join(dir, 'openclaw.json');
  if (text !== undefined) writeFileSync(path, text);
  return path;
}

describe('the app main process log settings', () => {
  it("follow the config's logging file and level, as the gateway's do", () => {
    const path = config(`{ logging: { file: '/var/log/oc.log', level: 'debug', maxFileBytes: 1000 }, gateway: { port: 'broken' } }`);
    expect(desktopLogSettings(path, 'work')).toEqual({ console: false, profile: 'work', file: '/var/log/oc.log', level: 'debug', maxFileBytes: 1000 });
  });

  it('fall back to the defaults for a missing or unparsable config, an unknown level or a variable in the path', () => {
    expect(desktopLogSettings(config(undefined), undefined)).toEqual({ console: false });
    expect(desktopLogSettings(config('{ logging: '), undefined)).toEqual({ console: false });
    expect(desktopLogSettings(config(`{ logging: { level: 'loud', file: '\${LOGS}/x.log' } }`), undefined)).toEqual({ console: false });
  });
});
