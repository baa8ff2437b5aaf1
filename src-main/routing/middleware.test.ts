import { describe, expect, it } from 'vitest';
import { compose, type Middleware } from './middleware.js';

describe('compose', () => {
  it('runs steps in order around next(), and a step that handles stops the chain', async () => {
    const seen: string[] = [];
    const step =
      (name: string, handle = false): Middleware<string[]> =>
      async (ctx, next) => {
        ctx.push(`${name}>`);
        if (!handle) await next();
        ctx.push(`<${name}`);
      };
    await compose([step('a'), step('b', true), step('c')])(seen);
    expect(seen).toEqual(['a>', 'b>', '<b', '<a']);
  });

  it('refuses a double next()', async () => {
    const bad: Middleware<object> = async (_c, next) => {
      await next();
      await next();
    };
    await expect(compose([bad])({})).rejects.toThrow(/more than once/);
  });
});
