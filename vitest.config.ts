import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

// Tests import the library by its public names, resolved to the sources so no build is needed.
const alias = {
  'nestjs-zitadel/testing': src('./libs/zitadel/src/testing/index.ts'),
  'nestjs-zitadel/platform-ws': src('./libs/zitadel/src/platform-ws/index.ts'),
  'nestjs-zitadel/swagger': src('./libs/zitadel/src/swagger/index.ts'),
  'nestjs-zitadel/health': src('./libs/zitadel/src/health/index.ts'),
  'nestjs-zitadel': src('./libs/zitadel/src/index.ts'),
};

// CI (`.ci/run`) sets VITEST_JSON_REPORT to a file path: Vitest then also writes its JSON report
// there, from which the run's `N passed, N failed, N skipped` line is computed.
const jsonReport = process.env['VITEST_JSON_REPORT'];

// Every run: a test that did not run (skip, todo, skipIf, runIf, ctx.skip()) fails the run, by name.
const didNotRun = './test/support/tests-that-did-not-run.reporter.ts';

export default defineConfig({
  resolve: { alias },
  test: {
    globals: true,
    reporters: jsonReport ? ['default', didNotRun, ['json', { outputFile: jsonReport }]] : ['default', didNotRun],
    // Files and the tests inside them run in a random order, so no test can lean on another; the seed
    // is printed at the start and the end of the run (replay: `npx vitest run --sequence.seed=<seed>`).
    sequence: { shuffle: { files: true, tests: true } },
    testTimeout: 20_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['libs/**/*.spec.ts', 'apps/**/*.spec.ts'] },
      },
      {
        extends: true,
        test: { name: 'e2e', include: ['test/**/*.e2e-spec.ts'], globalSetup: ['test/global-setup.ts'] },
      },
    ],
  },
});
