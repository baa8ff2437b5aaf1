import { describe, expect, it } from 'vitest';
import { isLoopbackAddress, isOriginAllowed } from './origin.js';

const local = { port: 18789, allowedOrigins: [], lanBind: false };
const lan = { port: 18789, allowedOrigins: ['https://ui.example.com'], lanBind: true };

describe('isOriginAllowed', () => {
  it.each([
    [undefined, '127.0.0.1:18789', local, true],
    ['http://127.0.0.1:18789', '127.0.0.1:18789', local, true],
    ['http://localhost:18789', 'localhost:18789', local, true],
    ['http://[::1]:18789', '[::1]:18789', local, true],
    ['http://127.0.0.1:3000', '127.0.0.1:18789', local, false],
    ['https://evil.example', '127.0.0.1:18789', local, false],
    // DNS rebinding: the attacker's name resolves to 127.0.0.1; Host and Origin agree but the name is not trusted.
    ['http://evil.example:18789', 'evil.example:18789', local, false],
    ['http://evil.example:18789', 'evil.example:18789', lan, false],
    ['null', '127.0.0.1:18789', local, false],
    ['file://', '127.0.0.1:18789', local, false],
    ['http://192.168.1.20:18789', '192.168.1.20:18789', lan, true],
    ['http://192.168.1.20:18789', '192.168.1.20:18789', local, false],
    ['https://ui.example.com', 'x', lan, true],
  ])('origin %s host %s → %s', (origin, host, policy, ok) => {
    expect(isOriginAllowed(origin, host, policy)).toBe(ok);
  });

  it('recognises loopback socket addresses', () => {
    expect(['127.0.0.1', '::1', '::ffff:127.0.0.1', '127.8.9.1'].every(isLoopbackAddress)).toBe(true);
    expect(['10.0.0.1', '::ffff:10.0.0.1', '', undefined].some(isLoopbackAddress)).toBe(false);
  });
});
