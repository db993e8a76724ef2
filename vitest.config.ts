import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    // 2 cores: keep the pool small so CLI subprocess tests do not starve each other.
    maxWorkers: 2,
    testTimeout: 30000,
  },
});
