import {
  METHODS,
  compile,
  hasScope,
  isMethodName,
  requiredScopeFor,
  type MethodName,
  type MethodParams,
  type MethodResult,
  type Validator,
} from '../../src-shared/protocol/index.js';
import { InvalidRequestError, MissingScopeError } from './errors.js';

/** Who is calling. Built once per connection at handshake (or for the in-process client). */
export interface CallContext {
  connId: string;
  role: string;
  scopes: readonly string[];
  clientId: string;
  deviceId?: string;
  /** Send an interim `res` for this request (the `agent` method's "accepted"); absent where not supported. */
  ack?(payload: unknown): void;
}

export type Handler<M extends MethodName> = (params: MethodParams<M>, ctx: CallContext) => MethodResult<M> | Promise<MethodResult<M>>;
export type Handlers = { [M in MethodName]?: Handler<M> };

/** Routes a method call: known method, role, scope, params schema, then the handler. */
export interface Dispatcher {
  /** Methods this gateway answers (advertised in `hello-ok.features.methods`). */
  readonly methods: readonly string[];
  call(method: string, params: unknown, ctx: CallContext): Promise<unknown>;
}

/** A method added at run time (a plugin's `<id>.<name>`): it checks its own params. */
export interface ExtraMethod {
  scope: string;
  call(params: unknown, ctx: CallContext): Promise<unknown>;
}

export interface DispatcherOptions {
  /** Methods beyond the protocol table (plugins), looked up per call; operators only, scope-checked here. */
  extra?(method: string): ExtraMethod | undefined;
}

export function createDispatcher(handlers: Handlers, opts: DispatcherOptions = {}): Dispatcher {
  const validators = new Map<string, Validator<unknown>>();
  for (const name of Object.keys(handlers)) validators.set(name, compile(METHODS[name as MethodName].params));
  const methods = Object.keys(handlers).sort();

  return {
    methods,
    async call(method, params, ctx) {
      const handler = isMethodName(method) ? (handlers[method] as Handler<MethodName> | undefined) : undefined;
      if (!handler) {
        const extra = isMethodName(method) ? undefined : opts.extra?.(method);
        if (!extra) throw new InvalidRequestError(`unknown method: ${method}`, { method });
        if (ctx.role !== 'operator') throw new InvalidRequestError(`unauthorized role: ${ctx.role}`, { method, role: ctx.role });
        if (!hasScope(ctx.scopes, extra.scope)) throw new MissingScopeError(extra.scope, [extra.scope]);
        return extra.call(params ?? {}, ctx);
      }
      const spec = METHODS[method as MethodName];
      const roles = spec.roles ?? ['operator'];
      if (!roles.includes(ctx.role)) throw new InvalidRequestError(`unauthorized role: ${ctx.role}`, { method, role: ctx.role });
      const scope = ctx.role === 'operator' ? requiredScopeFor(method, spec) : null;
      if (scope && !hasScope(ctx.scopes, scope)) throw new MissingScopeError(scope, [scope]);
      const p = params ?? {};
      const v = validators.get(method)!;
      if (!v.check(p)) throw new InvalidRequestError(`invalid ${method} params: ${v.explain(p)}`, { method });
      return handler(p as never, ctx);
    },
  };
}
