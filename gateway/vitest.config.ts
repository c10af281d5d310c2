import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'gateway',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Files run side by side on two cores: what a test waits for may take a while to show.
    expect: { poll: { timeout: 10_000 } },
  },
});
