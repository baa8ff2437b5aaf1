import { describe, expect, it } from 'vitest';
import { collectFieldPaths, fieldForIssue, fieldKind, issuesByField, mergePatchDiff, nodeAt, searchFields, sectionOf, setAt, type SchemaNode } from './config-form.js';

const schema: SchemaNode = {
  type: 'object',
  properties: {
    gateway: { type: 'object', properties: { port: { type: 'integer' }, bind: { anyOf: [{ const: 'loopback', type: 'string' }, { const: 'lan', type: 'string' }] } } },
    logging: { type: 'object', properties: { level: { anyOf: [{ const: 'info' }, { const: 'debug' }] }, redact: { type: 'boolean' } } },
    channels: { type: 'object', patternProperties: { '^(.*)$': { type: 'object' } } },
    bindings: { type: 'array', items: { type: 'object' } },
  },
};

describe('config form model', () => {
  it('classifies schema nodes', () => {
    expect(fieldKind(schema.properties!.gateway)).toBe('object');
    expect(fieldKind(schema.properties!.gateway.properties!.bind)).toBe('enum');
    expect(fieldKind(schema.properties!.gateway.properties!.port)).toBe('integer');
    expect(fieldKind(schema.properties!.channels)).toBe('json');
    expect(fieldKind(schema.properties!.bindings)).toBe('json');
    expect(fieldKind({ anyOf: [{ type: 'string' }, { type: 'object' }] })).toBe('json');
  });

  it('lists the leaf fields', () => {
    expect(collectFieldPaths(schema)).toEqual(['gateway.port', 'gateway.bind', 'logging.level', 'logging.redact', 'channels', 'bindings']);
  });

  it('sets and clears values immutably', () => {
    const before = { gateway: { port: 1 } };
    expect(setAt(before, ['gateway', 'port'], 2)).toEqual({ gateway: { port: 2 } });
    expect(setAt(before, ['gateway', 'port'], undefined)).toEqual({});
    expect(before).toEqual({ gateway: { port: 1 } });
  });

  it('diffs into a merge patch with only what changed', () => {
    const before = { gateway: { port: 1, bind: 'loopback' }, logging: { level: 'info' }, bindings: [1] };
    const after = { gateway: { port: 1 }, logging: { level: 'debug' }, bindings: [1, 2] };
    expect(mergePatchDiff(before, after)).toEqual({ gateway: { bind: null }, logging: { level: 'debug' }, bindings: [1, 2] });
    expect(mergePatchDiff(before, before)).toEqual({});
  });

  it('maps issue paths to the field, its closest ancestor field, or the general list', () => {
    const fields = new Set(collectFieldPaths(schema));
    expect(fieldForIssue('gateway.port', fields)).toBe('gateway.port');
    expect(fieldForIssue('/gateway/port', fields)).toBe('gateway.port');
    expect(fieldForIssue('channels.telegram.botToken', fields)).toBe('channels');
    expect(fieldForIssue('bindings[0].agentId', fields)).toBe('bindings');
    expect(fieldForIssue('', fields)).toBeUndefined();
    const grouped = issuesByField([{ path: 'gateway.port', message: 'must be >= 1' }, { path: 'nope', message: 'unknown key' }], fields);
    expect(grouped.get('gateway.port')).toEqual(['must be >= 1']);
    expect(grouped.get('')).toEqual(['nope: unknown key']);
  });
});

describe('config sections and search', () => {
  const tree: SchemaNode = {
    type: 'object',
    properties: {
      gateway: { type: 'object', properties: { port: { type: 'integer', description: 'TCP port' }, bind: { type: 'string' } } },
      logging: { type: 'object', properties: { level: { type: 'string', description: 'Minimum level written to the file' } } },
      canvasHost: { type: 'object', properties: { port: { type: 'integer' } } },
    },
  };
  it('finds fields by every word of the query in their path or description', () => {
    expect(searchFields(tree, 'port')).toEqual(['gateway.port', 'canvasHost.port']);
    expect(searchFields(tree, 'log level')).toEqual(['logging.level']);
    expect(searchFields(tree, 'LOGGING.LEVEL')).toEqual(['logging.level']);
    expect(searchFields(tree, 'written file')).toEqual(['logging.level']);
    expect(searchFields(tree, '  ')).toEqual([]);
    expect(nodeAt(tree, ['gateway', 'port'])?.type).toBe('integer');
    expect(sectionOf('logging.level')).toBe('logging');
  });
});

