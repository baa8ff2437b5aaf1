// Its tool blocks the event loop forever.
export default {
  id: 'loops',
  register(api) {
    api.registerTool({
      name: 'spin',
      description: 'Never returns.',
      schema: { type: 'object' },
      execute: () => {
        for (;;) {
          // spin
        }
      },
    });
    api.registerTool({ name: 'ok', description: 'Works.', schema: { type: 'object' }, execute: () => 'ok' });
  },
};
