import { defineConfig } from 'vitest/config';

/**
 * The fault-tolerance suite (`npm run test:faults`): real influxd, the real gateway process,
 * real MQTT and WebSocket clients. Files run one at a time: they measure rates and recovery
 * times, and a neighbour's load would skew them. Within `npm test` they run after the other
 * projects (groupOrder) for the same reason.
 */
export default defineConfig({
  test: {
    name: 'faults',
    include: ['test/faults/**/*.faults.ts'],
    globalSetup: ['test/faults/global-setup.ts'],
    fileParallelism: false,
    sequence: { groupOrder: 1 },
    testTimeout: 240_000,
    hookTimeout: 120_000,
  },
});
