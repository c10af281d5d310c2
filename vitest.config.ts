import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['twin', 'gateway', 'firmware-sim', 'dashboards', 'gateway/vitest.faults.config.ts'],
  },
});
