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
    {
      key: 'mapJose',
      label: '(d) a bare `Map` of verified tokens in front of `jose` (the floor of a JWT guard)',
      guard: 'map',
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
export const GUARDS = ['none', 'allow', 'map', 'zitadel', 'passport'];

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
      const { otherCores, stealCores, disturbance } = interference(serverMicros);
      const cpuMicrosPerRequest = round(serverMicros / result.requests, 2);
      runs.push({
        round: pass,
        variant: variant.key,
        ...result,
        cpuMicrosPerRequest,
        otherCores: round(otherCores, 3),
        stealCores: round(stealCores, 3),
        disturbance: round(disturbance, 3),
        loadBefore: before,
        loadAfter: load(),
      });
      say(
        `  round ${pass} ${variant.key.padEnd(21)} ${Math.round(result.rps).toString().padStart(6)} req/s  ${cpuMicrosPerRequest} µs CPU/req  p99 ${result.latencyMsP99} ms  other processes ${round(otherCores, 2)} cores, steal ${round(stealCores, 2)}  load ${before.load1}`,
      );
    }
  }

  return summarise(list, runs, { connections, seconds, rounds, warmupSeconds });
}

/**
 * A run is clean when its disturbance (|other processes' CPU| + steal, in cores, see
 * lib/interference.mjs) is at most this much.
 */
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

const clean = (run) => run.disturbance <= CLEAN_OTHER_CORES;
// Higher is better for both: the other route's CPU per request over this one's; this route's req/s over the other's.
const cpuRatio = ([run, base]) => base.cpuMicrosPerRequest / run.cpuMicrosPerRequest;
const rpsRatio = ([run, base]) => run.rps / base.rps;
/** A paired figure without its run objects (those are in `runs` already). */
const comparison = (pair) => Object.fromEntries(Object.entries(pair).filter(([name]) => name !== 'used'));

/**
 * Paired per-round ratios of route `key` against route `against`, each of the two figures (CPU
 * time per request of the app process, the lead; throughput, secondary) as the median of the
 * per-round ratios with quartiles. Rounds in which either run was disturbed are left out when at
 * least {@link MIN_CLEAN_ROUNDS} remain; otherwise every round counts and `noisy` says so.
 */
function paired(runs, key, against) {
  const runOf = (variant, pass) => runs.find((run) => run.round === pass && run.variant === variant);
  const pairs = runs.filter((run) => run.variant === key).map((run) => [run, runOf(against, run.round)]);
  const cleanPairs = pairs.filter(([run, base]) => clean(run) && clean(base));
  const noisy = cleanPairs.length < MIN_CLEAN_ROUNDS;
  const used = noisy ? pairs : cleanPairs;
  const [cq1, cpu, cq3] = quartiles(used.map(cpuRatio));
  const [tq1, rps, tq3] = quartiles(used.map(rpsRatio));
  return {
    cpuRatio: round(cpu, 3),
    cpuRatioQuartiles: [round(cq1, 3), round(cq3, 3)],
    rpsRatio: round(rps, 3),
    rpsRatioQuartiles: [round(tq1, 3), round(tq3, 3)],
    cpuRatioPerRound: pairs.map((pair) => round(cpuRatio(pair), 3)),
    rpsRatioPerRound: pairs.map((pair) => round(rpsRatio(pair), 3)),
    usedRounds: used.map(([run]) => run.round),
    cleanRounds: cleanPairs.length,
    noisy,
    used,
  };
}

/** A target on a paired figure: judged on the CPU-based ratio (the lead), the throughput one beside it. */
function target(text, min, pair) {
  return {
    target: text,
    judgedOn: "the app process's CPU time per request (throughput beside it)",
    min,
    value: pair.cpuRatio,
    met: pair.cpuRatio >= min,
    throughputValue: pair.rpsRatio,
    throughputMet: pair.rpsRatio >= min,
    noisy: pair.noisy,
    roundsUsed: pair.usedRounds.length,
  };
}

/**
 * The figures of the runs. A route's ratio in a round is taken against the baseline's run of the
 * same round (at most a few seconds apart); the figure is the median of those per-round ratios,
 * which a burst of noise in a few rounds does not move. The lead figure is the app process's CPU
 * time per request (`process.cpuUsage()` around each run): on this VM it moves much less than
 * throughput when something else takes the cores. Throughput (req/s) ratios come second. Rounds
 * in which either run of a pair was disturbed (see {@link CLEAN_OTHER_CORES}) are left out when at
 * least {@link MIN_CLEAN_ROUNDS} remain; otherwise all rounds count and the figure is marked noisy.
 * Comparisons between two guards ((a) vs (c), (a) vs (d)) are paired the same way: the median of
 * per-round ratios, never a ratio of two medians.
 */
export function summarise(list, runs, settings) {
  const figures = {};
  for (const variant of list) {
    const mine = runs.filter((run) => run.variant === variant.key);
    const pair = paired(runs, variant.key, 'unguarded');
    figures[variant.key] = {
      label: variant.label,
      cpuMicrosPerRequest: round(median(pair.used.map(([run]) => run.cpuMicrosPerRequest)), 2),
      cpuRatio: pair.cpuRatio,
      cpuRatioQuartiles: pair.cpuRatioQuartiles,
      rps: round(mean(pair.used.map(([run]) => run.rps))),
      ratio: pair.rpsRatio,
      ratioQuartiles: pair.rpsRatioQuartiles,
      cpuRatioPerRound: pair.cpuRatioPerRound,
      ratioPerRound: pair.rpsRatioPerRound,
      otherCoresPerRound: mine.map((run) => run.otherCores),
      stealCoresPerRound: mine.map((run) => run.stealCores),
      disturbancePerRound: mine.map((run) => run.disturbance),
      roundsUsed: pair.usedRounds.length,
      cleanRounds: pair.cleanRounds,
      noisy: pair.noisy,
    };
  }
  const vsPassport = paired(runs, 'zitadelJwt', 'passport');
  const vsMap = paired(runs, 'zitadelJwt', 'mapJose');
  const targets = {
    zitadelJwt: target('>= 0.9 of unguarded', 0.9, paired(runs, 'zitadelJwt', 'unguarded')),
    zitadelIntrospection: target('>= 0.9 of unguarded', 0.9, paired(runs, 'zitadelIntrospection', 'unguarded')),
    zitadelJwtVsPassport: target('>= 1.3 x passport', 1.3, vsPassport),
    zitadelJwtVsMap: target('>= 0.98 of the bare Map in front of jose', 0.98, vsMap),
  };
  const noisy = Object.values(targets).some((t) => t.noisy);
  if (noisy)
    say(
      `  NOISY: fewer than ${MIN_CLEAN_ROUNDS} undisturbed rounds (disturbance at most ${CLEAN_OTHER_CORES} cores) for ${Object.entries(
        targets,
      )
        .filter(([, t]) => t.noisy)
        .map(([name]) => name)
        .join(', ')}: all rounds count there`,
    );
  return {
    settings,
    cleanOtherCores: CLEAN_OTHER_CORES,
    minCleanRounds: MIN_CLEAN_ROUNDS,
    noisy,
    figures,
    jwtVsPassport: comparison(vsPassport),
    jwtVsMap: comparison(vsMap),
    targets,
    runs,
  };
}
