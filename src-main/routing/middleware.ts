/** A pipeline step: handle the context, or pass it on with `next()`. A step that handles a message does not call next. */
export type Middleware<C> = (ctx: C, next: () => Promise<void>) => Promise<void>;

/** Compose steps into one function, grammY/Koa style. Calling `next` twice is a bug and throws. */
export function compose<C>(steps: Middleware<C>[]): (ctx: C) => Promise<void> {
  return (ctx) => {
    let index = -1;
    const dispatch = async (i: number): Promise<void> => {
      if (i <= index) throw new Error('next() called more than once in a pipeline step');
      index = i;
      const step = steps[i];
      if (step) await step(ctx, () => dispatch(i + 1));
    };
    return dispatch(0);
  };
}
