// Run by bench/run.mjs (`npm run bench`) once the library is copied: every scenario of
// bench/README.md (guard overhead, cold introspection, TokenService, memory) against the ZITADEL
// emulator; writes bench/results.json and the results section of bench/README.md.
//
// Environment (for quicker partial runs; a partial run prints its results and writes nothing
// unless BENCH_WRITE=1, which replaces the scenarios it ran in results.json and keeps the others,
// each with its own date and load): BENCH_ONLY=guard,hot,cold,token,memory, BENCH_ROUNDS (12), BENCH_SECONDS (1),
// BENCH_WARMUP_SECONDS (2), BENCH_CONNECTIONS (10), BENCH_MEMORY_TOKENS (1000000),
// BENCH_INTROSPECTION_DELAY_MS (20). BENCH_STRICT=1 also fails the run when a target is missed.
import { fileURLToPath } from 'node:url';
import { runBench, settingsFromEnv } from './bench.mjs';
import { createFixture } from './fixture.mjs';
import { BenchFailure, say } from './report.mjs';
import { writeResults } from './write-results.mjs';

const started = performance.now();
const settings = settingsFromEnv();
const full = settings.scenarios.length === 5 && settings.memory.tokens === 1_000_000 && settings.guard.rounds >= 2;
const fixture = await createFixture();
let results;
try {
  results = await runBench(fixture, settings);
} catch (error) {
  if (!(error instanceof BenchFailure)) throw error;
  process.stderr.write(`\nBENCH FAILED: ${error.message}\n`);
  process.exitCode = 1;
} finally {
  await fixture.close();
}

if (results !== undefined) {
  // The command as typed: the settings taken from the environment, then the script.
  const env = Object.keys(process.env)
    .filter((name) => name.startsWith('BENCH_') && !name.startsWith('BENCH_SERVER') && !name.startsWith('BENCH_HOT'))
    .toSorted()
    .map((name) => `${name}=${process.env[name]}`);
  results.command = [
    ...env,
    process.env['npm_lifecycle_event'] === 'bench' ? 'npm run bench' : 'node bench/run.mjs',
  ].join(' ');
  for (const key of ['guardOverhead', 'hotPath', 'coldIntrospection', 'tokenService', 'memory'])
    if (results[key] !== undefined) results[key].command = results.command;
  results.totalSeconds = Math.round((performance.now() - started) / 1000);
  const targets = Object.entries(results.guardOverhead?.targets ?? {});
  const missed = targets.filter(([, t]) => !t.met);
  if (full || process.env['BENCH_WRITE'] === '1') {
    writeResults(
      results,
      fileURLToPath(new URL('../results.json', import.meta.url)),
      fileURLToPath(new URL('../README.md', import.meta.url)),
      { merge: !full },
    );
    say(`\nWrote bench/results.json and bench/README.md (${results.totalSeconds} s).`);
  } else {
    say(`\nPartial run (${results.totalSeconds} s): nothing written.\n${JSON.stringify(results, null, 2)}`);
  }
  for (const [name, target] of targets)
    say(
      `${target.met ? 'target met' : 'TARGET MISSED'}: ${name} = ${target.value} by CPU time per request (target ${target.target}); throughput ${target.throughputValue}${target.throughputMet ? '' : ', missed'}${target.noisy ? ', NOISY' : ''}`,
    );
  for (const [name, target] of missed)
    process.stderr.write(`TARGET MISSED: ${name} = ${target.value} (target ${target.target})\n`);
  if (results.guardOverhead?.noisy) say('Guard ratios taken on a busy machine: not to be trusted (see NOISY above).');
  else if (missed.length === 0 && results.guardOverhead) say('Guard targets met.');
  if (missed.length > 0 && process.env['BENCH_STRICT'] === '1') process.exitCode = 1;
}
