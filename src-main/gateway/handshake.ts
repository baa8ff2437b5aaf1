import { timingSafeEqual, createHash } from 'node:crypto';
import {
  CloseCodes,
  ConnectErrorDetailCodes as C,
  MIN_CLIENT_PROTOCOL_VERSION,
  MIN_NODE_PROTOCOL_VERSION,
  MIN_PROBE_PROTOCOL_VERSION,
  PROTOCOL_VERSION,
  ROLES,
  normalizeScopes,
  type ConnectParams,
} from '../../src-shared/protocol/index.js';
import { verifyDeviceProof, type DeviceProofResult } from '../nodes/device-identity.js';
import { inCidrs } from '../nodes/device-pairing.js';
import { BOOTSTRAP_OPERATOR_SCOPES } from '../nodes/bootstrap-tokens.js';
import type { DeviceRecord, Store } from '../store/types.js';
import type { AuthRateLimiter, RateLimitSubject } from './auth-rate-limit.js';
import { ConnectRefusal } from './errors.js';

/** Live auth settings (re-read on every connect so reloads apply at once). */
export interface AuthSettings {
  mode: 'none' | 'token' | 'password' | 'trusted-proxy';
  token?: string;
  password?: string;
}

export interface HandshakeContext {
  params: ConnectParams;
  remoteAddress: string;
  isLoopback: boolean;
  challengeNonce: string;
  nowMs: number;
  auth: AuthSettings;
  store: Store;
  limiter: AuthRateLimiter;
  /** Record a pending pairing request for an unknown device (or a wider role/scope); returns its id. */
  requestPairing?(r: { deviceId: string; publicKey: string; role: string; scopes: string[]; reason: string; params: ConnectParams; remoteAddress: string }): { requestId: string };
  /** `gateway.nodes.pairing.autoApproveCidrs`: scope-less node requests from these addresses are approved at once. */
  autoApproveCidrs?: readonly string[];
  /** Single-use setup-code tokens: true once per valid token. */
  consumeBootstrapToken?(token: string): boolean;
}

/** What a successful handshake grants. `credential` lets a reload find connections using a rotated secret. */
export interface HandshakeGrant {
  role: 'operator' | 'node';
  scopes: string[];
  method: 'none' | 'token' | 'password' | 'device-token' | 'bootstrap-token';
  credential: { kind: 'none' | 'token' | 'password' | 'device-token' | 'bootstrap-token'; fingerprint: string };
  deviceId?: string;
  deviceToken?: string;
  issuedAtMs?: number;
  /** Extra tokens handed out with a bootstrap connect (a bounded operator token). */
  deviceTokens?: { role: string; token: string; scopes: string[]; issuedAtMs: number }[];
}

/** sha256 fingerprint so connections can be matched to a secret without keeping it. */
export function fingerprintSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function secretsEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** Protocol range check: v4 for everyone, v3 still allowed for nodes and probes. */
export function checkProtocol(params: ConnectParams): void {
  const role = params.role ?? 'operator';
  const isNode = role === 'node' && params.client.mode === 'node';
  const isProbe = params.client.mode === 'probe';
  const min = isNode ? MIN_NODE_PROTOCOL_VERSION : isProbe ? MIN_PROBE_PROTOCOL_VERSION : MIN_CLIENT_PROTOCOL_VERSION;
  const lo = Math.max(min, params.minProtocol);
  const hi = Math.min(PROTOCOL_VERSION, params.maxProtocol);
  if (lo > hi) {
    throw new ConnectRefusal('protocol mismatch', C.PROTOCOL_MISMATCH, {
      closeCode: CloseCodes.PROTOCOL_ERROR,
      extra: {
        clientMinProtocol: params.minProtocol,
        clientMaxProtocol: params.maxProtocol,
        expectedProtocol: PROTOCOL_VERSION,
        minimumProbeProtocol: MIN_PROBE_PROTOCOL_VERSION,
      },
    });
  }
}

function authFailure(ctx: HandshakeContext, subject: RateLimitSubject, message: string, code: (typeof C)[keyof typeof C], canRetryWithDeviceToken = false): never {
  const lockout = ctx.limiter.recordFailure(subject, ctx.nowMs);
  throw new ConnectRefusal(message, code, {
    authReason: code.toLowerCase(),
    canRetryWithDeviceToken,
    recommendedNextStep: lockout ? 'wait_then_retry' : canRetryWithDeviceToken ? 'retry_with_device_token' : 'update_auth_credentials',
    retryAfterMs: lockout || undefined,
  });
}

/** The credential a connect presents, decided once; `signed` is the token string its device proof must bind. */
type PresentedCredential =
  | { kind: 'token' | 'password' | 'device-token' | 'bootstrap-token'; secret: string; signed: string }
  | { kind: 'none' | 'missing'; signed: '' };

function presentedCredential(a: NonNullable<ConnectParams['auth']>, auth: AuthSettings): PresentedCredential {
  if (a.token !== undefined && auth.mode === 'token') return { kind: 'token', secret: a.token, signed: a.token };
  if (a.password !== undefined && auth.mode === 'password') return { kind: 'password', secret: a.password, signed: a.token ?? '' };
  if (a.deviceToken !== undefined) return { kind: 'device-token', secret: a.deviceToken, signed: a.deviceToken };
  if (a.bootstrapToken !== undefined && !a.token && !a.password) return { kind: 'bootstrap-token', secret: a.bootstrapToken, signed: a.bootstrapToken };
  return { kind: auth.mode === 'none' ? 'none' : 'missing', signed: '' };
}

/**
 * Whose failures this connect counts toward: a device that is already paired
 * and proved its key on this connect (which nobody else can do: the proof
 * binds this connection's challenge) has its own bucket, so strangers failing
 * at the same address cannot lock the owner's devices out; anything else
 * counts toward its address. Guessing stays limited either way.
 */
async function rateLimitSubject(ctx: HandshakeContext, proof: DeviceProofResult | undefined): Promise<RateLimitSubject> {
  if (proof?.ok && (await ctx.store.devices.get(proof.deviceId))?.publicKey === proof.publicKey) return { deviceId: proof.deviceId, address: ctx.remoteAddress };
  return { address: ctx.remoteAddress };
}

/** Record a device as approved now, keeping what an earlier record knew (creation time, name). */
async function approveDevice(ctx: HandshakeContext, d: { deviceId: string; publicKey: string; role: string; scopes: string[]; prior?: DeviceRecord }): Promise<void> {
  const c = ctx.params.client;
  await ctx.store.devices.upsert({
    deviceId: d.deviceId,
    publicKey: d.publicKey,
    role: d.role,
    scopes: d.scopes,
    clientId: c.id,
    clientMode: c.mode,
    platform: c.platform,
    deviceFamily: c.deviceFamily,
    displayName: c.displayName ?? d.prior?.displayName,
    createdAtMs: d.prior?.createdAtMs ?? ctx.nowMs,
    approvedAtMs: ctx.nowMs,
    lastSeenAtMs: ctx.nowMs,
  });
}

/**
 * Decide a `connect`: protocol, role, rate limit, shared secret or device
 * token, device proof, and the scopes the server grants. Scopes come from the
 * credential or the device record, never from the client's own list alone.
 */
export async function authenticateConnect(ctx: HandshakeContext): Promise<HandshakeGrant> {
  const { params, auth } = ctx;
  checkProtocol(params);

  const role = params.role ?? 'operator';
  if (!(ROLES as readonly string[]).includes(role)) throw new ConnectRefusal('invalid role', undefined);
  if (role === 'worker') throw new ConnectRefusal('invalid role: workers connect on their own endpoint', undefined);

  const presented = presentedCredential(params.auth ?? {}, auth);
  // Verified once, before the lockout check, only to choose the bucket; a failed proof is reported after the credential, as ever.
  const proof = params.device
    ? verifyDeviceProof(params.device, {
        clientId: params.client.id,
        clientMode: params.client.mode,
        role,
        scopes: params.scopes ?? [],
        token: presented.signed,
        platform: params.client.platform,
        deviceFamily: params.client.deviceFamily,
        challengeNonce: ctx.challengeNonce,
        nowMs: ctx.nowMs,
      })
    : undefined;
  const subject = await rateLimitSubject(ctx, proof);

  // Before any credential is examined: a locked-out source gets nothing, whatever it sends.
  const wait = ctx.limiter.retryAfterMs(subject, ctx.nowMs);
  if (wait > 0) {
    throw new ConnectRefusal('too many failed authentication attempts; retry later', C.AUTH_RATE_LIMITED, {
      authReason: 'rate_limited',
      recommendedNextStep: 'wait_then_retry',
      retryAfterMs: wait,
    });
  }
  const fail: (message: string, code: (typeof C)[keyof typeof C], canRetryWithDeviceToken?: boolean) => never = (message, code, canRetry = false) =>
    authFailure(ctx, subject, message, code, canRetry);

  let method: HandshakeGrant['method'];
  let credential: HandshakeGrant['credential'];
  let deviceTokenScopes: string[] | undefined;

  if (presented.kind === 'token') {
    if (!auth.token) fail('gateway token is not configured on the server', C.AUTH_TOKEN_NOT_CONFIGURED);
    if (!secretsEqual(presented.secret, auth.token)) fail('unauthorized: gateway token mismatch', C.AUTH_TOKEN_MISMATCH, Boolean(params.device));
    method = 'token';
    credential = { kind: 'token', fingerprint: fingerprintSecret(auth.token) };
  } else if (presented.kind === 'password') {
    if (!auth.password) fail('gateway password is not configured on the server', C.AUTH_PASSWORD_NOT_CONFIGURED);
    if (!secretsEqual(presented.secret, auth.password)) fail('unauthorized: gateway password mismatch', C.AUTH_PASSWORD_MISMATCH);
    method = 'password';
    credential = { kind: 'password', fingerprint: fingerprintSecret(auth.password) };
  } else if (presented.kind === 'device-token') {
    if (!params.device) fail('a device token needs the signed device identity it was issued to', C.DEVICE_IDENTITY_REQUIRED);
    const info = await ctx.store.deviceTokens.verify(params.device.id.toLowerCase(), role, presented.secret);
    if (!info) fail('unauthorized: device token mismatch or revoked', C.AUTH_DEVICE_TOKEN_MISMATCH);
    method = 'device-token';
    credential = { kind: 'device-token', fingerprint: fingerprintSecret(presented.secret) };
    deviceTokenScopes = info.scopes;
  } else if (presented.kind === 'bootstrap-token') {
    // A setup code from `openclaw qr`: single use, 10 minutes, and only with the device it pairs.
    if (!params.device) fail('a bootstrap token needs a signed device identity', C.DEVICE_IDENTITY_REQUIRED);
    if (!ctx.consumeBootstrapToken?.(presented.secret)) fail('setup code is invalid, expired or already used: create a new one with openclaw qr', C.AUTH_BOOTSTRAP_TOKEN_INVALID);
    method = 'bootstrap-token';
    credential = { kind: 'bootstrap-token', fingerprint: fingerprintSecret(presented.secret) };
  } else if (presented.kind === 'none') {
    method = 'none';
    credential = { kind: 'none', fingerprint: '' };
  } else if (auth.mode === 'password') {
    fail('unauthorized: gateway password missing', C.AUTH_PASSWORD_MISSING);
  } else {
    fail('unauthorized: gateway token missing (set OPENCLAW_GATEWAY_TOKEN or pass --token)', C.AUTH_TOKEN_MISSING);
  }

  // Nodes are devices: their identity is what an operator approves.
  if (role === 'node' && !params.device) {
    throw new ConnectRefusal('a node must present a signed device identity', C.DEVICE_IDENTITY_REQUIRED, { recommendedNextStep: 'review_auth_configuration' });
  }
  const requested = normalizeScopes(role, params.scopes);
  let scopes: string[];
  let deviceId: string | undefined;
  let deviceToken: string | undefined;
  let issuedAtMs: number | undefined;

  if (params.device && proof) {
    if (!proof.ok) fail(proof.message, proof.code);
    deviceId = proof.deviceId;
    if (method === 'bootstrap-token') {
      // The owner created the setup code: pair this device as a node, with a bounded operator token beside it.
      const prior = await ctx.store.devices.get(deviceId);
      await approveDevice(ctx, { deviceId, publicKey: proof.publicKey, role: 'node', scopes: [], prior });
      const nodeToken = await ctx.store.deviceTokens.issue(deviceId, 'node', [], ctx.nowMs);
      const opScopes = [...BOOTSTRAP_OPERATOR_SCOPES];
      const opToken = await ctx.store.deviceTokens.issue(deviceId, 'operator', opScopes, ctx.nowMs);
      ctx.limiter.recordSuccess(subject, ctx.nowMs);
      return {
        role: 'node',
        scopes: [],
        method,
        credential,
        deviceId,
        deviceToken: nodeToken.token,
        issuedAtMs: nodeToken.issuedAtMs,
        deviceTokens: [
          { role: 'node', token: nodeToken.token, scopes: [], issuedAtMs: nodeToken.issuedAtMs },
          { role: 'operator', token: opToken.token, scopes: opScopes, issuedAtMs: opToken.issuedAtMs },
        ],
      };
    }
    if (deviceTokenScopes) {
      // A device token grants at most what it was issued with.
      scopes = params.scopes ? requested.filter((s) => deviceTokenScopes.includes(s)) : deviceTokenScopes;
    } else {
      const rec = await ctx.store.devices.get(deviceId);
      const widening = rec ? requested.filter((s) => !rec.scopes.includes(s)) : requested;
      if (!rec || rec.role !== role || widening.length > 0) {
        const autoNode = role === 'node' && requested.length === 0 && inCidrs(ctx.remoteAddress, ctx.autoApproveCidrs ?? []);
        if (!ctx.isLoopback && !autoNode) {
          const reason = !rec ? 'not-paired' : rec.role !== role ? 'role-upgrade' : 'scope-upgrade';
          const pending = ctx.requestPairing?.({ deviceId, publicKey: proof.publicKey, role, scopes: requested, reason, params, remoteAddress: ctx.remoteAddress });
          throw new ConnectRefusal('pairing required: approve this device on the gateway (openclaw devices approve, or the desktop app)', C.PAIRING_REQUIRED, {
            authReason: reason,
            recommendedNextStep: 'review_auth_configuration',
            extra: { reason, deviceId, ...(pending ? { requestId: pending.requestId } : {}) },
          });
        }
        // Direct loopback connects holding the shared secret are the owner: approve at once.
        await approveDevice(ctx, {
          deviceId,
          publicKey: proof.publicKey,
          role,
          scopes: role === 'operator' ? [...new Set([...(rec?.role === role ? rec.scopes : []), ...requested])] : [],
          prior: rec,
        });
      } else {
        await ctx.store.devices.touch(deviceId, ctx.nowMs);
      }
      scopes = role === 'operator' ? requested : [];
      const issued = await ctx.store.deviceTokens.issue(deviceId, role, scopes, ctx.nowMs);
      deviceToken = issued.token;
      issuedAtMs = issued.issuedAtMs;
    }
  } else if (method === 'device-token') {
    fail('a device token needs the signed device identity it was issued to', C.DEVICE_IDENTITY_REQUIRED);
  } else {
    // Device-less: self-declared scopes are dropped (GHSA-rqpp-rjj8-7wv8), except for a backend or the CLI
    // on direct loopback holding the shared secret. That caller could sign a fresh device and be approved
    // with the same scopes at once, so the exception grants nothing new, and existing CLIs keep working.
    // A probe (`openclaw gateway probe`) on the same terms gets no more than reading.
    const sharedSecretOnLoopback = ctx.isLoopback && (method === 'token' || method === 'password');
    const trustedLocal =
      sharedSecretOnLoopback &&
      ((params.client.id === 'gateway-client' && params.client.mode === 'backend') || (params.client.id === 'cli' && params.client.mode === 'cli'));
    const localProbe = sharedSecretOnLoopback && (params.client.id === 'cli' || params.client.id === 'openclaw-probe') && params.client.mode === 'probe';
    scopes = trustedLocal ? requested : localProbe ? requested.filter((s) => s === 'operator.read') : [];
  }

  ctx.limiter.recordSuccess(subject, ctx.nowMs);
  return { role: role as 'operator' | 'node', scopes, method, credential, deviceId, deviceToken, issuedAtMs };
}
