import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Process-level tests start servers and DynamoDB Local; two cores are enough for a few at once.
    maxWorkers: 2,
  },
})
