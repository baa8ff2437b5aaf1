import { describe, expect, it } from 'vitest';
import { GatewayCallError } from './client/types.js';
import { describeError } from './ui-error.js';

describe('describeError', () => {
  it('prefers details.code and adds a fix', () => {
    const shown = describeError(new GatewayCallError({ code: 'INVALID_REQUEST', message: 'config changed', details: { code: 'CONFIG_CONFLICT' } }));
    expect(shown).toMatchObject({ message: 'config changed', code: 'CONFIG_CONFLICT' });
    expect(shown.hint).toMatch(/Reload/);
  });

  it('falls back to the error code and wraps plain errors', () => {
    expect(describeError(new GatewayCallError({ code: 'FORBIDDEN', message: 'missing scope: operator.admin' })).hint).toMatch(/Sign out/);
    expect(describeError(new Error('boom'))).toMatchObject({ message: 'boom', code: 'UNAVAILABLE' });
  });
});
