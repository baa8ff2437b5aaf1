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

/** A method outside the protocol table (a plugin's namespaced method): its params arrive as sent, checked by its own validator. */
export type ExtraHandler = (params: unknown, ctx: CallContext) => unknown;

/** Routes a method call: known method, role, scope, params schema, then the handler. */
export interface Dispatcher {
  /** Methods this gateway answers now (advertised in `hello-ok.features.methods`). */
  readonly methods: readonly string[];
  call(method: string, params: unknown, ctx: CallContext): Promise<unknown>;
  /** Adds handlers for protocol methods (a family built after the dispatcher). A method answered twice is a wiring mistake. */
  add(handlers: Handlers): void;
  /**
   * Adds a method outside the protocol table (plugins add namespaced ones at run time).
   * Operators need `scope`; `roles` defaults to operators only. Returns the function that removes it.
   */
  register(name: string, scope: string, handler: ExtraHandler, paramsValidator?: Validator<unknown>, roles?: readonly string[]): () => void;
}

interface Entry {
  handler: (params: unknown, ctx: CallContext) => unknown;
  validator?: Validator<unknown>;
  roles: readonly string[];
  scope(role: string): string | null;
}

export function createDispatcher(initial: Handlers = {}): Dispatcher {
  const entries = new Map<string, Entry>();
  let methods: string[] = [];
  const sync = () => void (methods = [...entries.keys()].sort());
  const claim = (name: string) => {
    if (entries.has(name)) throw new Error(`method ${name} is already handled`);
  };

  const add = (handlers: Handlers) => {
    for (const [name, handler] of Object.entries(handlers) as [MethodName, Handler<MethodName>][]) {
      if (!handler) continue;
      claim(name);
      const spec = METHODS[name];
      entries.set(name, {
        handler: handler as Entry['handler'],
        validator: compile(spec.params),
        roles: spec.roles ?? ['operator'],
        scope: (role) => (role === 'operator' ? requiredScopeFor(name, spec) : null),
      });
    }
    sync();
  };
  add(initial);

  return {
    get methods() {
      return methods;
    },
    add,
    register(name, scope, handler, paramsValidator, roles = ['operator']) {
      if (isMethodName(name)) throw new Error(`method ${name} is part of the protocol; register it with add()`);
      claim(name);
      const entry: Entry = { handler, validator: paramsValidator, roles, scope: (role) => (role === 'operator' ? scope : null) };
      entries.set(name, entry);
      sync();
      return () => {
        if (entries.get(name) === entry) entries.delete(name);
        sync();
      };
    },
    async call(method, params, ctx) {
      const entry = entries.get(method);
      if (!entry) throw new InvalidRequestError(`unknown method: ${method}`, { method });
      if (!entry.roles.includes(ctx.role)) throw new InvalidRequestError(`unauthorized role: ${ctx.role}`, { method, role: ctx.role });
      const scope = entry.scope(ctx.role);
      if (scope && !hasScope(ctx.scopes, scope)) throw new MissingScopeError(scope, [scope]);
      const p = params ?? {};
      const v = entry.validator;
      if (v && !v.check(p)) throw new InvalidRequestError(`invalid ${method} params: ${v.explain(p)}`, { method });
      return entry.handler(p, ctx);
    },
  };
}
