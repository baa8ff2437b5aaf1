// Registers a tool, then throws: nothing it registered may stay.
export default {
  id: 'throws-in-register',
  register(api) {
    api.registerTool({ name: 'half_done', description: 'Never available.', schema: { type: 'object' }, execute: () => 'no' });
    throw new Error('boom in register');
  },
};
