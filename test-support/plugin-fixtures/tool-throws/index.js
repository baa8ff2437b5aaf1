// Its tool throws on every call; its other tool works.
export function makeError() {
  return new Error('thrown from tool-throws');
}

export default {
  id: 'tool-throws',
  register(api) {
    api.registerTool({ name: 'explode', description: 'Always throws.', schema: { type: 'object' }, execute: () => { throw makeError(); } });
    api.registerTool({ name: 'bad_result', description: 'Returns the wrong shape.', schema: { type: 'object' }, execute: () => 42 });
    api.registerTool({ name: 'never_ends', description: 'Never settles.', schema: { type: 'object' }, execute: () => new Promise(() => {}) });
    api.registerTool({ name: 'still_fine', description: 'Works.', schema: { type: 'object' }, execute: () => 'fine' });
    api.on('before_tool_call', () => { throw new Error('hook exploded'); });
  },
};
