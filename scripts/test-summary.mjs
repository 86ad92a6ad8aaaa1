// Prints `N passed, N failed, N skipped` from a Vitest JSON report (used by `.ci/run` as its last line).
//
//   node scripts/test-summary.mjs <report.json> <exit status of `npm test`>
//
// Failed = failed tests + test files that failed without a failed test (a file that crashed on
// import or in a hook), so a broken file can never read as "0 failed". A missing report (lint or
// the type check failed, or Vitest died) and a non-zero exit status with no failure in the report
// (e.g. an unhandled error) each count as one failure. Skipped = every test that did not run
// (skip, todo, skipIf, runIf, a run-time ctx.skip()), each named on stderr; `.ci/run` fails on any.
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';

const [reportPath, statusArgument = '0'] = process.argv.slice(2);
const status = Number(statusArgument);
let passed = 0;
let failed = 0;
let skipped = 0;

if (reportPath !== undefined && existsSync(reportPath)) {
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  passed = report.numPassedTests ?? 0;
  failed = report.numFailedTests ?? 0;
  const files = report.testResults ?? [];
  const crashedFiles = files.filter(
    (file) => file.status === 'failed' && !(file.assertionResults ?? []).some((test) => test.status === 'failed'),
  );
  for (const file of crashedFiles)
    console.error(`failed without a failed test: ${file.name}${file.message ? ` (${file.message})` : ''}`);
  failed += crashedFiles.length;
  for (const file of files) {
    for (const test of file.assertionResults ?? []) {
      if (test.status === 'passed' || test.status === 'failed') continue;
      skipped += 1;
      console.error(`did not run (${test.status}): ${relative(process.cwd(), file.name)} > ${test.fullName}`);
    }
  }
} else {
  console.error('no Vitest report: lint, the type check or Vitest itself failed before the tests ran');
  failed = 1;
}
if (status !== 0 && failed === 0 && skipped === 0) {
  console.error(`npm test exited with status ${status} although no test failed (see the output above)`);
  failed = 1;
}
process.stdout.write(`${passed} passed, ${failed} failed, ${skipped} skipped\n`);
