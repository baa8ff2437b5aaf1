import {
  CloseCodes,
  ErrorCodes,
  MISSING_SCOPE,
  type ConnectErrorDetailCode,
  type ErrorCode,
  type ErrorShape,
  type RecommendedNextStep,
} from '../../src-shared/protocol/index.js';
import { StoreUnavailableError } from '../store/store-guard.js';
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

/** The one place an internal error becomes a wire error. Unknown errors never leak their text. */
export function toErrorShape(err: unknown): ErrorShape {
  if (err instanceof ConnectRefusal) return err.toErrorShape();
  if (err instanceof RpcError) {
    const shape: ErrorShape = { code: err.code, message: err.message };
    if (err.details) shape.details = err.details;
    if (err.retryAfterMs !== undefined) {
      shape.retryable = true;
      shape.retryAfterMs = err.retryAfterMs;
    }
    return shape;
  }
  // Its text is written for the user and holds no secret; the guard already logged the cause once.
  if (err instanceof StoreUnavailableError) return { code: ErrorCodes.UNAVAILABLE, message: err.message, details: { code: err.code }, retryable: true };
  // A plugin's failure names the plugin; its text was written by the platform, not taken from the plugin's secrets.
  if (err instanceof PluginParamsError) return { code: ErrorCodes.INVALID_REQUEST, message: err.message, details: { code: 'PLUGIN_INVALID_PARAMS' } };
  if (err instanceof PluginUnavailableError) return { code: ErrorCodes.UNAVAILABLE, message: err.message, details: { code: 'PLUGIN_UNAVAILABLE', pluginId: err.pluginId } };
  if (err instanceof PluginCallError) return { code: ErrorCodes.UNAVAILABLE, message: err.message, details: { code: 'PLUGIN_FAILED', pluginId: err.pluginId } };
  return { code: ErrorCodes.UNAVAILABLE, message: 'internal error (see the gateway log)' };
}
