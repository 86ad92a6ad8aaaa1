// Scenario 1: the guard's cost. The same app and handler, unguarded and guarded three ways,
// loaded by autocannon on loopback; every figure is a ratio to the unguarded route of the same run.
import { startInterference } from '../lib/interference.mjs';
import { hammer } from '../lib/load.mjs';
import { load, mean, median, round, say } from '../lib/report.mjs';

/** The variants, in the order of the first round (the second round runs them backwards). */
export function variants(fixture) {
  // The baselines get the same Authorization header as (a) and (c): the same request bytes, only the guard differs.
  return [
    { key: 'unguarded', label: 'no guard (baseline)', guard: 'none', token: fixture.jwt },
    {
      key: 'allowGuard',
      label: "a guard that returns true (Nest's guard machinery alone)",
      guard: 'allow',
      token: fixture.jwt,
    },
    { key: 'zitadelJwt', label: '(a) ZitadelAuthGuard, JWT verified locally', guard: 'zitadel', token: fixture.jwt },
    {
      key: 'zitadelIntrospection',
      label: '(b) ZitadelAuthGuard, opaque token, introspection cache warm',
      guard: 'zitadel',
      token: fixture.opaque,
    },
    { key: 'passport', label: '(c) @nestjs/passport + passport-jwt + jwks-rsa', guard: 'passport', token: fixture.jwt },
  ];
}

/** The guards the variants need, each served by its own process. */
export const GUARDS = ['none', 'allow', 'zitadel', 'passport'];

/**
 * Warm-up of every variant (JIT, JWKS and introspection caches), then `rounds` rounds of every
 * route for `seconds` each, alternating the order (ABCD DCBA ...) so that a drift of the
 * machine's load weighs on every route alike.
 *
 * See {@link summarise} for how the rounds become figures.
 *
 * Beside throughput, the server's CPU time per request (`cpu()` before and after each run): it
 * moves much less than throughput when other processes take the cores, so it tells noise from
 * cost. The ratio it implies is `cpu per request unguarded / cpu per request guarded`.
 */
export async function guardOverhead({ servers, fixture, rounds, seconds, warmupSeconds, connections }) {
  const list = variants(fixture);
  say(`  warm-up: ${warmupSeconds} s per route`);
  for (const variant of list) {
    await hammer({
      url: servers[variant.guard].url,
      token: variant.token,
      seconds: warmupSeconds,
      connections,
      label: `warm-up ${variant.key}`,
    });
  }
  const runs = [];
  for (let pass = 1; pass <= rounds; pass++) {
    const order = pass % 2 === 1 ? list : list.toReversed();
    for (const variant of order) {
      const before = load();
      const server = servers[variant.guard];
      const cpuBefore = await server.cpu();
      const interference = startInterference();
      const result = await hammer({ url: server.url, token: variant.token, seconds, connections, label: variant.key });
      const serverMicros = (await server.cpu()) - cpuBefore;
      const otherCores = round(interference(serverMicros), 2);
      const cpuMicrosPerRequest = round(serverMicros / result.requests, 1);
      runs.push({
        round: pass,
        variant: variant.key,
        ...result,
        cpuMicrosPerRequest,
        otherCores,
        loadBefore: before,
        loadAfter: load(),
      });
      say(
        `  round ${pass} ${variant.key.padEnd(21)} ${Math.round(result.rps).toString().padStart(6)} req/s  ${cpuMicrosPerRequest} µs CPU/req  p99 ${result.latencyMsP99} ms  other processes ${otherCores} cores  load ${before.load1}`,
      );
    }
  }

  return summarise(list, runs, { connections, seconds, rounds, warmupSeconds });
}

/** Other processes may use at most this many cores' worth of CPU during a run for it to count as clean. */
export const CLEAN_OTHER_CORES = 0.15;
/** Clean rounds needed to judge the targets on them. */
const MIN_CLEAN_ROUNDS = 6;

function quartiles(values) {
  const sorted = values.toSorted((a, b) => a - b);
  const at = (q) => {
    const i = (sorted.length - 1) * q;
    const lo = Math.floor(i);
    return sorted[lo] + (sorted[Math.ceil(i)] - sorted[lo]) * (i - lo);
  };
  return [at(0.25), at(0.5), at(0.75)];
}

/**
 * The figures of the runs. A route's ratio in a round is its req/s over the baseline's req/s in
 * the same round (at most a few seconds apart); the figure is the median of those ratios, which
 * a burst of noise in a few rounds does not move. This 2-core VM is noisy beyond other
 * processes (its CPU time per request swings by a third within a minute, with the cores
 * otherwise idle, presumably neighbours on the host), so medians of paired rounds, not means of
 * throughput, are what the targets are judged on. Rounds in which other processes took more
 * than {@link CLEAN_OTHER_CORES} cores during the route's or the baseline's run are left out when
 * at least {@link MIN_CLEAN_ROUNDS} remain; otherwise all rounds count and the run is marked noisy.
 */
export function summarise(list, runs, settings) {
  const runOf = (key, pass) => runs.find((run) => run.round === pass && run.variant === key);
  const clean = (run) => run.otherCores <= CLEAN_OTHER_CORES;
  const figures = {};
  for (const variant of list) {
    const mine = runs.filter((run) => run.variant === variant.key);
    const pairs = mine.map((run) => [run, runOf('unguarded', run.round)]);
    const cleanPairs = pairs.filter(([run, base]) => clean(run) && clean(base));
    const used = cleanPairs.length >= MIN_CLEAN_ROUNDS ? cleanPairs : pairs;
    const ratios = used.map(([run, base]) => run.rps / base.rps);
    const [q1, ratio, q3] = quartiles(ratios);
    figures[variant.key] = {
      label: variant.label,
      rps: round(mean(used.map(([run]) => run.rps))),
      ratio: round(ratio, 3),
      ratioQuartiles: [round(q1, 3), round(q3, 3)],
      ratioOfMeans: round(mean(used.map(([run]) => run.rps)) / mean(used.map(([, base]) => base.rps)), 3),
      ratioPerRound: pairs.map(([run, base]) => round(run.rps / base.rps, 3)),
      otherCoresPerRound: mine.map((run) => run.otherCores),
      roundsUsed: used.length,
      cleanRounds: cleanPairs.length,
      cpuMicrosPerRequest: median(used.map(([run]) => run.cpuMicrosPerRequest)),
      cpuRatio: round(median(used.map(([run, base]) => base.cpuMicrosPerRequest / run.cpuMicrosPerRequest)), 3),
    };
  }
  const noisy =
    figures.zitadelJwt.cleanRounds < MIN_CLEAN_ROUNDS || figures.zitadelIntrospection.cleanRounds < MIN_CLEAN_ROUNDS;
  const jwtVsPassport = round(figures.zitadelJwt.ratio / figures.passport.ratio, 2);
  const target = (key) => ({
    target: '>= 0.9 of unguarded',
    value: figures[key].ratio,
    met: figures[key].ratio >= 0.9,
  });
  const targets = {
    zitadelJwt: target('zitadelJwt'),
    zitadelIntrospection: target('zitadelIntrospection'),
    zitadelJwtVsPassport: { target: '>= 1.3 x passport', value: jwtVsPassport, met: jwtVsPassport >= 1.3 },
  };
  if (noisy)
    say(
      `  NOISY: fewer than ${MIN_CLEAN_ROUNDS} rounds undisturbed by other processes (at most ${CLEAN_OTHER_CORES} cores) for (a) or (b): all rounds count`,
    );
  return {
    settings,
    cleanOtherCores: CLEAN_OTHER_CORES,
    minCleanRounds: MIN_CLEAN_ROUNDS,
    noisy,
    figures,
    jwtVsPassport,
    targets,
    runs,
  };
}
