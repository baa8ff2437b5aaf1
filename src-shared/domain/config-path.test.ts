import { describe, expect, it } from 'vitest';
import { formatConfigPath, getAtPath, parseConfigPath, setAtPath, unsetAtPath } from './config-path.js';

describe('parseConfigPath', () => {
  it.each([
    ['gateway.port', ['gateway', 'port']],
    ['agents.list[0].id', ['agents', 'list', 0, 'id']],
    ['channels["my.bot"].token', ['channels', 'my.bot', 'token']],
    ["a['b']", ['a', 'b']],
    ['a["0"]', ['a', '0']],
    ['a[12][3]', ['a', 12, 3]],
    ['a["x\\"y"]', ['a', 'x"y']],
    ['models.providers.open-ai.apiKey', ['models', 'providers', 'open-ai', 'apiKey']],
    ['$schema', ['$schema']],
    ['[0]', [0]],
  ])('%s', (input, expected) => {
    expect(parseConfigPath(input)).toEqual(expected);
  });

  it.each([
    ['a[0', 'unterminated bracket in path "a[0"'],
    ['a["b', 'unterminated quoted key in path "a["b"'],
    ['a["b"', 'unterminated bracket in path "a["b""'],
    ['', 'empty path'],
    ['a..b', 'empty segment'],
    ['.a', 'empty segment'],
    ['a.', 'empty segment'],
    ['a]', 'unexpected "]"'],
    ['a[x]', 'expected an index or a quoted key'],
    ['a[-1]', 'expected an index or a quoted key'],
    ['a[0]b', 'expected "." or "["'],
    ['a.[0]', 'unexpected "["'],
    ['__proto__.x', 'forbidden path segment "__proto__"'],
    ['a.constructor', 'forbidden path segment "constructor"'],
    ['a["prototype"]', 'forbidden path segment "prototype"'],
  ])('rejects %j', (input, message) => {
    expect(() => parseConfigPath(input)).toThrow(message);
  });
});

describe('formatConfigPath', () => {
  it.each([
    [['gateway', 'port'], 'gateway.port'],
    [['agents', 'list', 0, 'id'], 'agents.list[0].id'],
    [['channels', 'my.bot', 'token'], 'channels["my.bot"].token'],
    [[], ''],
  ])('%j → %s and round-trips', (segments, expected) => {
    expect(formatConfigPath(segments)).toBe(expected);
    if (expected !== '') expect(parseConfigPath(expected)).toEqual(segments);
  });
});

describe('getAtPath', () => {
  const obj = { a: { b: [10, { c: 'x' }], u: undefined }, n: null };
  it.each([
    [['a', 'b', 0], { found: true, value: 10 }],
    [['a', 'b', '1', 'c'], { found: true, value: 'x' }],
    [['a', 'u'], { found: true, value: undefined }],
    [['n'], { found: true, value: null }],
    [['n', 'x'], { found: false, value: undefined }],
    [['a', 'b', 5], { found: false, value: undefined }],
    [['a', 'missing'], { found: false, value: undefined }],
    [['a', 'toString'], { found: false, value: undefined }],
    [[], { found: true, value: obj }],
  ])('%j', (segments, expected) => {
    expect(getAtPath(obj, segments)).toEqual(expected);
  });
  it('refuses __proto__', () => {
    expect(() => getAtPath({}, ['__proto__'])).toThrow('forbidden');
  });
});

describe('setAtPath', () => {
  it.each([
    [{}, ['gateway', 'port'], 1, { gateway: { port: 1 } }],
    [{}, ['agents', 'list', 0, 'id'], 'a', { agents: { list: [{ id: 'a' }] } }],
    [{ a: [1, 2] }, ['a', 1], 9, { a: [1, 9] }],
    [{ a: [1, 2] }, ['a', 2], 3, { a: [1, 2, 3] }],
    [{ a: { b: 1, c: 2 } }, ['a', 'b'], { x: true }, { a: { b: { x: true }, c: 2 } }],
    [{ a: 1 }, [], { b: 2 }, { b: 2 }],
  ])('%j set %j', (input, segments, value, expected) => {
    const before = structuredClone(input);
    expect(setAtPath(input, segments, value)).toEqual(expected);
    expect(input).toEqual(before);
  });

  it.each([
    [{ a: 'str' }, ['a', 'b'], 'cannot set "a.b": "a" is string'],
    [{ a: [] }, ['a', 3], 'index 3 is past the end'],
    [{ a: [] }, ['a', 'k'], 'cannot use key "k" on an array'],
    [{}, ['a', '__proto__', 'x'], 'forbidden'],
    [{}, ['constructor'], 'forbidden'],
  ])('%j set %j throws', (input, segments, message) => {
    expect(() => setAtPath(input, segments, 1)).toThrow(message);
  });

  it('does not pollute Object.prototype', () => {
    expect(() => setAtPath({}, parseConfigPath('a.b'), 1)).not.toThrow();
    expect(({} as Record<string, unknown>).b).toBeUndefined();
  });
});

describe('unsetAtPath', () => {
  it.each([
    [{ a: { b: 1, c: 2 } }, ['a', 'b'], true, { a: { c: 2 } }],
    [{ a: { b: 1 } }, ['a', 'b'], true, { a: {} }],
    [{ a: [1, 2, 3] }, ['a', 1], true, { a: [1, 3] }],
    [{ a: 1 }, ['x', 'y'], false, { a: 1 }],
    [{ a: 1 }, [], false, { a: 1 }],
  ])('%j unset %j', (input, segments, changed, expected) => {
    const before = structuredClone(input);
    const result = unsetAtPath(input, segments);
    expect(result).toEqual({ changed, value: expected });
    expect(input).toEqual(before);
  });
  it('refuses prototype', () => {
    expect(() => unsetAtPath({}, ['prototype'])).toThrow('forbidden');
  });
});
