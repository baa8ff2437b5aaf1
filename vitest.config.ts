import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src-shared/**/*.test.ts', 'extensions/*/src/**/*.test.ts', 'src-main/**/*.test.ts', 'src-preload/**/*.test.ts', 'src-renderer/**/*.test.ts', 'test-support/**/*.test.ts', 'build/**/*.test.ts', 'scripts/**/*.test.ts', 'plugin-kit/**/*.test.ts'],
    pool: 'forks',
    setupFiles: ['test-support/vitest-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
