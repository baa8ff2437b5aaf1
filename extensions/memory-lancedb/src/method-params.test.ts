import { describe, expect, it } from 'vitest';
import { MEMORY_METHODS } from '../../../src-shared/protocol/methods/memory.js';
import { METHOD_SPECS } from './method-params.js';

describe('memory method params', () => {
  it('are the shared memory method contract, scope and schema', () => {
    expect(Object.keys(METHOD_SPECS).sort()).toEqual(Object.keys(MEMORY_METHODS).sort());
    for (const [name, spec] of Object.entries(MEMORY_METHODS)) {
      const mine = METHOD_SPECS[name as keyof typeof METHOD_SPECS];
      expect(mine.scope, name).toBe(spec.scope);
      // JSON round trip: TypeBox's symbol keys are not part of the schema.
      expect(mine.params, name).toEqual(JSON.parse(JSON.stringify(spec.params)));
    }
  });
});
