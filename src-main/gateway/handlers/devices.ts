import { assertCanGrant } from '../../../src-shared/domain/scope-grant.js';
import { BOOTSTRAP_OPERATOR_SCOPES, encodeSetupCode } from '../../nodes/bootstrap-tokens.js';
import type { PairingCaller } from '../../nodes/device-pairing.js';
import type { NodesRuntime } from '../../nodes/runtime-types.js';
import type { CallContext, Handlers } from '../dispatcher.js';
import { InvalidRequestError } from '../errors.js';
import { pinFor } from '../../nodes/reach.js';
import { nodePageUrl } from '../node-page.js';

export const callerOf = (ctx: CallContext): PairingCaller => ({ scopes: ctx.scopes, deviceId: ctx.deviceId, role: ctx.role, connId: ctx.connId });

/** `device.*`: device pairing, device tokens and setup codes. */
export function deviceHandlers(nodes: Pick<NodesRuntime, 'devices' | 'bootstrap' | 'reachableUrls'>): Handlers {
  const pairing = nodes.devices;
  return {
    'device.pair.list': () => pairing.list(),
    'device.pair.approve': async (p, ctx) => ({ ok: true, device: await pairing.approve(p.requestId, callerOf(ctx)) }),
    'device.pair.reject': (p) => {
      pairing.reject(p.requestId);
      return { ok: true, requestId: p.requestId };
    },
    'device.pair.remove': async (p, ctx) => ({ ok: true, deviceId: p.deviceId, ...(await pairing.remove(p.deviceId, callerOf(ctx))) }),
    'device.pair.rename': async (p, ctx) => ({ ok: true, device: await pairing.rename(p.deviceId, p.displayName, callerOf(ctx)) }),
    'device.token.rotate': async (p, ctx) => {
      const r = await pairing.rotateToken(p.deviceId, p.role, callerOf(ctx));
      return { ok: true, deviceId: p.deviceId, role: r.role, deviceToken: r.token, issuedAtMs: r.issuedAtMs };
    },
    'device.token.revoke': async (p, ctx) => ({ ok: true, deviceId: p.deviceId, ...(await pairing.revokeToken(p.deviceId, p.role, callerOf(ctx))) }),
    'device.pair.setupCode': (p, ctx) => {
      // A setup code pairs a node and hands it an operator token: only for a caller who holds what it grants.
      assertCanGrant(ctx.scopes, BOOTSTRAP_OPERATOR_SCOPES, `create a setup code (it grants ${BOOTSTRAP_OPERATOR_SCOPES.join(', ')})`);
      const reach = nodes.reachableUrls();
      const urls = p.url ? [p.url, ...reach.urls.filter((u) => u !== p.url)] : reach.loopbackOnly ? [] : reach.urls;
      if (!urls.length) {
        throw new InvalidRequestError(
          'the gateway listens on loopback only, so a phone cannot reach it: give the address the phone should use, through an SSH tunnel, Tailscale or a reverse proxy (openclaw qr --url wss://…, or the address field on the Nodes page), or bind to the LAN with auth (gateway.bind "lan")',
          { code: 'GATEWAY_NOT_REACHABLE' },
        );
      }
      const { token, expiresAtMs } = nodes.bootstrap.issue();
      const pageUrl = nodePageUrl(urls[0]!);
      const pin = pinFor(urls[0]!, reach);
      const setupCode = encodeSetupCode({ url: urls[0]!, urls, bootstrapToken: token, expiresAtMs, pageUrl, ...(pin ? { tlsFingerprint: pin } : {}) });
      return { setupCode, url: urls[0]!, urls, expiresAtMs, pairingPageUrl: nodePageUrl(urls[0]!, setupCode) };
    },
  };
}
