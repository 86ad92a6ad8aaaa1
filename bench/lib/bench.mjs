// The bench run: every scenario in turn against one fixture (the ZITADEL emulator and what it
// issued), results gathered, checked and written.
import { cpus, release, totalmem } from 'node:os';
import { coldIntrospection } from '../scenarios/cold-introspection.mjs';
import { GUARDS, guardOverhead } from '../scenarios/guard-overhead.mjs';
import { hotPath } from '../scenarios/hot-path.mjs';
import { memoryScenario } from '../scenarios/memory.mjs';
import { tokenServiceScenario } from '../scenarios/token-service.mjs';
import { cpuOf, startChild, stopChild } from './processes.mjs';
import { load, round, say } from './report.mjs';

const SCENARIOS = ['guard', 'hot', 'cold', 'token', 'memory'];

function numberFrom(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number, got ${raw}`);
  return value;
}

/** Settings, overridable through the environment for quicker partial runs. */
export function settingsFromEnv() {
  const only = (process.env['BENCH_ONLY'] ?? '').split(',').filter((s) => s !== '');
  for (const name of only)
    if (!SCENARIOS.includes(name))
      throw new Error(`BENCH_ONLY: unknown scenario ${name} (known: ${SCENARIOS.join(', ')})`);
  return {
    scenarios: only.length > 0 ? only : SCENARIOS,
    guard: {
      rounds: numberFrom('BENCH_ROUNDS', 12),
      seconds: numberFrom('BENCH_SECONDS', 1),
      warmupSeconds: numberFrom('BENCH_WARMUP_SECONDS', 2),
      connections: numberFrom('BENCH_CONNECTIONS', 10),
    },
    cold: { tokens: 1000, perToken: 10, window: 100, delayMs: numberFrom('BENCH_INTROSPECTION_DELAY_MS', 20) },
    token: { concurrent: 1000, warmMs: 1500 },
    memory: {
      tokens: numberFrom('BENCH_MEMORY_TOKENS', 1_000_000),
      jwtMaxEntries: 10_000,
      introspectionMaxEntries: 10_000,
      signers: 2,
    },
  };
}

/** The machine, as `nproc`, `node -v` and `uname -r` would tell. */
export function machine() {
  const list = cpus();
  return {
    nproc: list.length,
    cpu: list[0]?.model ?? 'unknown',
    memoryGB: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    platform: `${process.platform} ${release()}`,
  };
}

/** Runs the selected scenarios. Throws a BenchFailure as soon as an invariant fails. */
export async function runBench(fixture, settings) {
  const results = { date: new Date().toISOString(), machine: machine(), loadAtStart: load(), settings };
  const wants = (name) => settings.scenarios.includes(name);

  if (wants('guard') || wants('cold')) {
    const needed = wants('guard') ? GUARDS : ['zitadel'];
    say(`servers: bench/server.mjs, one process per guard (${needed.join(', ')})`);
    const servers = {};
    try {
      for (const guard of needed) {
        const { child, first } = await startChild('server.mjs', {
          BENCH_SERVER_CONFIG: JSON.stringify({ ...fixture.serverConfig, guard }),
        });
        servers[guard] = { child, url: `http://127.0.0.1:${first.port}/bench`, cpu: () => cpuOf(child) };
      }
      if (wants('guard')) {
        say('1. guard overhead');
        results.guardOverhead = {
          date: new Date().toISOString(),
          ...(await guardOverhead({ servers, fixture, ...settings.guard })),
        };
      }
      if (wants('cold')) {
        say('2. cold introspection under concurrency');
        results.coldIntrospection = {
          date: new Date().toISOString(),
          ...(await coldIntrospection({ url: servers.zitadel.url, fixture, ...settings.cold })),
        };
      }
    } finally {
      for (const server of Object.values(servers)) await stopChild(server.child);
    }
  }
  if (wants('hot')) {
    say('1b. the guard alone, in process');
    results.hotPath = { date: new Date().toISOString(), ...(await hotPath({ fixture })) };
    const mapRequest = results.guardOverhead?.figures.mapJose.cpuMicrosPerRequest;
    if (mapRequest !== undefined) {
      // The in-process gap between (a) and (d) over (d)'s whole request in the app: what the
      // (a) vs (d) ratio of section 1 would read without the machine's noise. An estimate, not the target's figure.
      const gap = results.hotPath.canActivateJwtMicros - results.hotPath.canActivateMapJoseMicros;
      results.hotPath.jwtVsMapEstimate = {
        gapMicros: round(gap, 3),
        mapRequestCpuMicros: mapRequest,
        ratio: round(mapRequest / (mapRequest + gap), 3),
      };
    }
  }
  if (wants('token')) {
    say('3. TokenService');
    results.tokenService = {
      date: new Date().toISOString(),
      ...(await tokenServiceScenario({ fixture, ...settings.token })),
    };
  }
  if (wants('memory')) {
    say(`4. memory: ${settings.memory.tokens.toLocaleString('en-US')} distinct valid tokens through the guard`);
    results.memory = { date: new Date().toISOString(), ...(await memoryScenario({ fixture, ...settings.memory })) };
  }
  results.loadAtEnd = load();
  return results;
}
