import { relative } from 'node:path';
import type { Reporter, TestModule, Vitest } from 'vitest/node';

/**
 * A Vitest reporter, registered for every run in `vitest.config.ts`, that fails the run when a test
 * did not run: `it.skip`, `it.todo`, `it.skipIf(true)`, `it.runIf(false)` and a run-time `ctx.skip()`
 * all leave Vitest's exit status at 0 on their own. Each such test is named with its file.
 *
 * A run filtered by name (`-t`) skips every test it does not select on purpose: those are counted and
 * not held against the run. It also prints the shuffle seed, so a failing order can be replayed.
 */
export default class TestsThatDidNotRunReporter implements Reporter {
  private vitest: Vitest | undefined;

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const root = this.vitest?.config.root ?? process.cwd();
    const notRun: string[] = [];
    for (const testModule of testModules) {
      for (const testCase of testModule.children.allTests()) {
        const state = testCase.result().state;
        if (state === 'skipped' || state === 'pending') {
          const how = testCase.options.mode === 'todo' ? 'todo' : 'skipped';
          notRun.push(`  ${relative(root, testModule.moduleId)} > ${testCase.fullName} (${how})`);
        }
      }
    }
    const seed = this.vitest?.config.sequence.seed;
    if (seed !== undefined && this.vitest?.config.sequence.shuffle)
      console.error(`\nTest order: shuffled with seed ${seed}; replay it with --sequence.seed=${seed}`);
    if (notRun.length === 0) return;
    if (this.vitest?.config.testNamePattern !== undefined) {
      console.error(`\n${notRun.length} test(s) not selected by the name filter (-t) did not run.`);
      return;
    }
    console.error(`\n${notRun.length} test(s) did not run, which fails the run:\n${notRun.join('\n')}`);
    process.exitCode = 1;
  }
}
