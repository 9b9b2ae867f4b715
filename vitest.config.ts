import { defineConfig } from 'vitest/config';

// When KINDLING_TEST_JSON names a file, vitest also writes its JSON report there (used by .ci/run
// to print the closing "N passed, M failed" line), next to the usual console output.
const jsonReport = process.env.KINDLING_TEST_JSON;

export default defineConfig({
  resolve: { conditions: ['@kindling/source'] },
  ssr: { resolve: { conditions: ['@kindling/source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'tools/*/test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    ...(jsonReport ? { reporters: ['default', 'json'], outputFile: { json: jsonReport } } : {}),
  },
});
