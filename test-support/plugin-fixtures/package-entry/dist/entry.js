// The entry is named by package.json's openclaw.extensions, not by the manifest.
export function register(api) {
  api.registerTool({ name: 'pkg_entry', description: 'Says where it was loaded from.', schema: { type: 'object' }, execute: () => 'loaded via openclaw.extensions' });
}
