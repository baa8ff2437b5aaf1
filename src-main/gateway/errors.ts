import {
  CloseCodes,
  ErrorCodes,
  MISSING_SCOPE,
  type ConnectErrorDetailCode,
  type ErrorCode,
  type ErrorShape,
  type RecommendedNextStep,
} from '../../src-shared/protocol/index.js';
import { ScopeGrantError } from '../../src-shared/domain/scope-grant.js';
import { ChannelAccessDeniedError, ChannelRequestError, ChannelUnavailableError } from '../channels/errors.js';
import { ChannelNotFoundError } from '../channels/manager.js';
import { DeliveryError } from '../delivery/deliver.js';
import { PairingError } from '../nodes/device-pairing.js';
import { NodeApprovalError } from '../nodes/node-approvals.js';
import { NodeInvokeError } from '../nodes/node-registry.js';
import { PairingCodeNotFoundError } from '../routing/channel-access.js';
import { StoreUnavailableError } from '../store/store-guard.js';
import { CronJobNotFoundError, CronRequestError } from '../cron/errors.js';
import { CronScheduleError } from '../cron/schedule.js';
import { PluginCallError, PluginParamsError, PluginUnavailableError } from '../plugins/errors.js';

/** An RPC failure with a closed wire code. Thrown inside; converted once by {@link toErrorShape}. */
export class RpcError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

/** A method or params the gateway does not accept. */
export class InvalidRequestError extends RpcError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(ErrorCodes.INVALID_REQUEST, message, details);
    this.name = 'InvalidRequestError';
  }
}

/** The caller lacks a scope. Carries the legacy message text old clients parse. */
export class MissingScopeError extends RpcError {
  constructor(readonly missingScope: string, requiredScopes: string[]) {
    super(ErrorCodes.FORBIDDEN, `missing scope: ${missingScope}`, { code: MISSING_SCOPE, missingScope, requiredScopes });
    this.name = 'MissingScopeError';
  }
}

/** A refused `connect`: answered with INVALID_REQUEST, then the socket is closed with `closeCode`. */
export class ConnectRefusal extends Error {
  readonly closeCode: number;
  constructor(
    message: string,
    readonly detailCode: ConnectErrorDetailCode | undefined,
    opts: {
      closeCode?: number;
      recommendedNextStep?: RecommendedNextStep;
      authReason?: string;
      canRetryWithDeviceToken?: boolean;
      retryAfterMs?: number;
      extra?: Record<string, unknown>;
    } = {},
  ) {
    super(message);
    this.name = 'ConnectRefusal';
    this.closeCode = opts.closeCode ?? CloseCodes.POLICY_VIOLATION;
    this.opts = opts;
  }
  readonly opts: {
    recommendedNextStep?: RecommendedNextStep;
    authReason?: string;
    canRetryWithDeviceToken?: boolean;
    retryAfterMs?: number;
    extra?: Record<string, unknown>;
  };

  toErrorShape(): ErrorShape {
    const details: Record<string, unknown> = { ...this.opts.extra };
    if (this.detailCode) details.code = this.detailCode;
    if (this.opts.authReason !== undefined) details.authReason = this.opts.authReason;
    if (this.opts.canRetryWithDeviceToken !== undefined) details.canRetryWithDeviceToken = this.opts.canRetryWithDeviceToken;
    if (this.opts.recommendedNextStep) details.recommendedNextStep = this.opts.recommendedNextStep;
    const shape: ErrorShape = { code: ErrorCodes.INVALID_REQUEST, message: this.message };
    if (Object.keys(details).length) shape.details = details;
    if (this.opts.retryAfterMs !== undefined) {
      shape.retryable = true;
      shape.retryAfterMs = this.opts.retryAfterMs;
    }
    return shape;
  }
}

/** How one domain error class goes on the wire. */
interface WireRule<E extends Error> {
  type: abstract new (...args: never[]) => E;
  shape(err: E): ErrorShape;
}
const rule = <E extends Error>(type: WireRule<E>['type'], shape: (err: E) => ErrorShape): WireRule<Error> => ({ type, shape: shape as (err: Error) => ErrorShape });

/**
 * The one table of domain errors and their wire form. Handlers throw the
 * domain's own errors; nothing else converts them. First match wins, so a
 * subclass goes before its base.
 */
export const WIRE_ERRORS: readonly WireRule<Error>[] = [
  rule(ConnectRefusal, (e) => e.toErrorShape()),
  rule(RpcError, (e) => ({
    code: e.code,
    message: e.message,
    ...(e.details ? { details: e.details } : {}),
    ...(e.retryAfterMs !== undefined ? { retryable: true, retryAfterMs: e.retryAfterMs } : {}),
  })),
  // Its text is written for the user and holds no secret; the guard already logged the cause once.
  rule(StoreUnavailableError, (e) => ({ code: ErrorCodes.UNAVAILABLE, message: e.message, details: { code: e.code }, retryable: true })),
  rule(ScopeGrantError, (e) => ({
    code: ErrorCodes.FORBIDDEN,
    message: e.message,
    details: { code: MISSING_SCOPE, missingScope: e.missingScopes[0], missingScopes: e.missingScopes, requiredScopes: e.requiredScopes },
  })),
  rule(PairingError, (e) => ({ code: e.code === 'APPROVAL_NOT_FOUND' ? 'APPROVAL_NOT_FOUND' : ErrorCodes.INVALID_REQUEST, message: e.message, details: { code: e.code } })),
  rule(NodeApprovalError, (e) => ({ code: 'APPROVAL_NOT_FOUND', message: e.message, details: { code: e.code } })),
  rule(NodeInvokeError, (e) => ({ code: e.code === 'NODE_NOT_CONNECTED' ? ErrorCodes.UNAVAILABLE : ErrorCodes.INVALID_REQUEST, message: e.message, details: { code: e.code, ...e.details } })),
  rule(ChannelUnavailableError, (e) => ({ code: ErrorCodes.UNAVAILABLE, message: e.message, ...(e.reason ? { details: { code: e.reason } } : {}) })),
  rule(ChannelAccessDeniedError, (e) => ({ code: ErrorCodes.FORBIDDEN, message: e.message, details: { code: 'ACCESS_POLICY' } })),
  rule(ChannelRequestError, (e) => ({ code: ErrorCodes.INVALID_REQUEST, message: e.message })),
  rule(ChannelNotFoundError, (e) => ({ code: ErrorCodes.INVALID_REQUEST, message: e.message })),
  rule(PairingCodeNotFoundError, (e) => ({ code: ErrorCodes.INVALID_REQUEST, message: e.message })),
  rule(DeliveryError, (e) => ({ code: ErrorCodes.UNAVAILABLE, message: e.message, details: { code: e.permanent ? 'DELIVERY_REJECTED' : 'DELIVERY_FAILED', sent: e.sent } })),
  rule(CronScheduleError, (e) => ({ code: ErrorCodes.INVALID_REQUEST, message: e.message, details: { code: 'CRON_INVALID_SCHEDULE' } })),
  rule(CronRequestError, (e) => ({ code: ErrorCodes.INVALID_REQUEST, message: e.message })),
  rule(CronJobNotFoundError, (e) => ({ code: ErrorCodes.INVALID_REQUEST, message: e.message, details: { code: 'CRON_JOB_NOT_FOUND', jobId: e.jobId } })),
  // A plugin's failure names the plugin; the text is the platform's, not the plugin's own.
  rule(PluginParamsError, (e) => ({ code: ErrorCodes.INVALID_REQUEST, message: e.message, details: { code: 'PLUGIN_INVALID_PARAMS' } })),
  rule(PluginUnavailableError, (e) => ({ code: ErrorCodes.UNAVAILABLE, message: e.message, details: { code: 'PLUGIN_UNAVAILABLE', pluginId: e.pluginId } })),
  rule(PluginCallError, (e) => ({ code: ErrorCodes.UNAVAILABLE, message: e.message, details: { code: 'PLUGIN_FAILED', pluginId: e.pluginId } })),
];

/** The one place an internal error becomes a wire error. Unknown errors never leak their text. */
export function toErrorShape(err: unknown): ErrorShape {
  for (const r of WIRE_ERRORS) if (err instanceof r.type) return r.shape(err);
  return { code: ErrorCodes.UNAVAILABLE, message: 'internal error (see the gateway log)' };
}
