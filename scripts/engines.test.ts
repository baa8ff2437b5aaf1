import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../test-support/gateway.js';

type Version = [number, number, number];
const parse = (v: string): Version => v.replace(/^v/, '').split('.').map((n) => Number.parseInt(n, 10) || 0).concat(0, 0).slice(0, 3) as Version;
const cmp = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/** Enough of npm's range syntax for `engines.node` fields: `||`, `>=`, `^`, `20.x`, spaces after operators. */
function accepts(range: string, version: string): boolean {
  const v = parse(version);
  return range.split('||').some((alt) =>
    alt
      .trim()
      .replace(/(>=|<=|>|<|\^|~)\s+/g, '$1')
      .split(/\s+/)
      .every((c) => {
        const m = /^(>=|<=|>|<|\^|~)?v?(\d+)(?:\.(\d+|x))?(?:\.(\d+|x))?/.exec(c);
        if (!m) return true;
        const want = parse(`${m[2]}.${m[3] === 'x' ? 0 : (m[3] ?? 0)}.${m[4] === 'x' ? 0 : (m[4] ?? 0)}`);
        switch (m[1]) {
          case '>=': return cmp(v, want) >= 0;
          case '>': return cmp(v, want) > 0;
          case '<': return cmp(v, want) < 0;
          case '<=': return cmp(v, want) <= 0;
          case '^': return v[0] === want[0] && cmp(v, want) >= 0;
          case '~': return v[0] === want[0] && v[1] === want[1] && cmp(v, want) >= 0;
          default: return v[0] === want[0] && (m[3] === undefined || m[3] === 'x' || v[1] === want[1]);
        }
      }),
  );
}

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { engines: { node: string }; dependencies: Record<string, string>; devDependencies: Record<string, string> };
/** A dependency's `engines.node`, from the plugin's own node_modules where npm put it there, else the app's. */
const enginesOf = (name: string, from = REPO_ROOT) => {
  const own = join(from, 'node_modules', name, 'package.json');
  const file = existsSync(own) ? own : join(REPO_ROOT, 'node_modules', name, 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { engines?: { node?: string } }).engines?.node;
};
/** Every bundled plugin's own dependencies, with the folder they are installed for. */
const pluginDeps = readdirSync(join(REPO_ROOT, 'extensions'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(REPO_ROOT, 'extensions', d.name, 'package.json')))
  .flatMap((d) => {
    const dir = join(REPO_ROOT, 'extensions', d.name);
    const own = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    return Object.keys(own.dependencies ?? {}).map((name) => ({ name, dir }));
  });

describe('package.json engines says what is true', () => {
  it('accepts the Node running the tests, and the lowest version it names is one every build tool accepts', () => {
    expect(accepts(pkg.engines.node, process.version)).toBe(true);
    for (const tool of ['vite', 'electron-vite', 'vitest', 'better-sqlite3']) expect(accepts(enginesOf(tool) ?? '*', '20.19.0'), tool).toBe(true);
    expect(accepts(pkg.engines.node, '20.18.0')).toBe(false);
    expect(accepts(pkg.engines.node, '22.11.0')).toBe(false);
    expect(accepts(pkg.engines.node, '22.12.0')).toBe(true);
  });

  it('the only packages (the app\'s and its plugins\') that ask for more than Node 20.19 are the ones the README names', () => {
    const all = [...Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).map((name) => ({ name, dir: REPO_ROOT })), ...pluginDeps];
    const asking = [
      ...new Set(
        all
          .filter(({ name, dir }) => {
            const range = enginesOf(name, dir);
            return range !== undefined && !accepts(range, '20.19.0');
          })
          .map((d) => d.name),
      ),
    ].sort();
    expect(asking).toEqual(['@lancedb/lancedb', '@line/bot-sdk', 'electron', 'matrix-js-sdk', 'openai']);
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    for (const name of asking) expect(readme).toContain(`\`${name}\``);
  });
});
