// Loads only with a valid config (apiKey required).
export default {
  id: 'needs-config',
  register(api) {
    api.registerTool({ name: 'needs_config_key', description: 'Shows the key length.', schema: { type: 'object' }, execute: () => String(api.config.apiKey.length) });
  },
};
