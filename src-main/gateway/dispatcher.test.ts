import { describe, expect, it } from 'vitest';
import { compile } from '../../src-shared/protocol/index.js';
import { Type } from '@sinclair/typebox';
import { createDispatcher, type CallContext } from './dispatcher.js';

const operator = (scopes: string[]): CallContext => ({ connId: 'c', role: 'operator', scopes, clientId: 'test' });

describe('dispatcher', () => {
  it('answers protocol methods added after construction and lists them', async () => {
    const d = createDispatcher();
    d.add({ 'system-presence': () => [] });
    expect(d.methods).toEqual(['system-presence']);
    await expect(d.call('system-presence', {}, operator(['operator.read']))).resolves.toEqual([]);
    expect(() => d.add({ 'system-presence': () => [] })).toThrow(/already handled/);
  });

  it('registers a method outside the table with its scope and validator, and removes it again', async () => {
    const d = createDispatcher();
    const off = d.register('demo.echo', 'operator.write', (p) => p, compile(Type.Object({ text: Type.String() }, { additionalProperties: false })));
    expect(d.methods).toContain('demo.echo');
    await expect(d.call('demo.echo', { text: 'hi' }, operator(['operator.write']))).resolves.toEqual({ text: 'hi' });
    await expect(d.call('demo.echo', { text: 'hi' }, operator(['operator.read']))).rejects.toThrow(/missing scope: operator.write/);
    await expect(d.call('demo.echo', { text: 1 }, operator(['operator.write']))).rejects.toThrow(/invalid demo.echo params/);
    await expect(d.call('demo.echo', {}, { ...operator([]), role: 'node' })).rejects.toThrow(/unauthorized role: node/);
    expect(() => d.register('health', 'operator.read', () => 1)).toThrow(/part of the protocol/);
    off();
    await expect(d.call('demo.echo', { text: 'hi' }, operator(['operator.write']))).rejects.toThrow(/unknown method: demo.echo/);
  });
});
