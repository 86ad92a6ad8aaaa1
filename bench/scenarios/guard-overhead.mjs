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
    { key: 'allowGuard', label: "a guard that returns true (Nest's guard machinery alone)", guard: 'allow', token: fixture.jwt },
    { key: 'zitadelJwt', label: '(a) ZitadelAuthGuard, JWT verified locally', guard: 'zitadel', token: fixture.jwt },
    { key: 'zitadelIntrospection', label: '(b) ZitadelAuthGuard, opaque token, introspection cache warm', guard: 'zitadel', token: fixture.opaque },
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
 * Each figure: mean req/s over the rounds divided by the baseline's (the target's measure), the
 * per-round ratios and their median, and the best round's req/s over the baseline's best round
 * (noise from other processes only ever lowers throughput, so the best rounds are the closest to
 * a quiet machine).
 *
 * Beside throughput, the server's CPU time per request (`cpu()` before and after each run): it
 * moves much less than throughput when other processes take the cores, so it tells noise from
 * cost. The ratio it implies is `cpu per request unguarded / cpu per request guarded`.
 */
export async function guardOverhead({ servers, fixture, rounds, seconds, warmupSeconds, connections }) {
  const list = variants(fixture);
  say(`  warm-up: ${warmupSeconds} s per route`);
  for (const variant of list) {
    await hammer({ url: servers[variant.guard].url, token: variant.token, seconds: warmupSeconds, connections, label: `warm-up ${variant.key}` });
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
      runs.push({ round: pass, variant: variant.key, ...result, cpuMicrosPerRequest, otherCores, loadBefore: before, loadAfter: load() });
      say(`  round ${pass} ${variant.key.padEnd(21)} ${Math.round(result.rps).toString().padStart(6)} req/s  ${cpuMicrosPerRequest} µs CPU/req  p99 ${result.latencyMsP99} ms  other processes ${otherCores} cores  load ${before.load1}`);
    }
  }

  return summarise(list, runs, { connections, seconds, rounds, warmupSeconds });
}

/** Other processes may use at most this many cores' worth of CPU during a run for it to count as clean. */
export const CLEAN_OTHER_CORES = 0.15;

/**
 * The figures of the runs. Every ratio compares a variant with the baseline of the same rounds.
 * "Clean" figures use only the rounds in which neither the variant's run nor the baseline's was
 * disturbed by other processes (at most {@link CLEAN_OTHER_CORES}); the targets are judged on them
 * when there are at least three such rounds, else on all rounds, and the run is marked noisy.
 */
export function summarise(list, runs, settings) {
  const runOf = (key, pass) => runs.find((run) => run.round === pass && run.variant === key);
  const clean = (run) => run.otherCores <= CLEAN_OTHER_CORES;
  const figures = {};
  for (const variant of list) {
    const mine = runs.filter((run) => run.variant === variant.key);
    const pairs = mine.map((run) => [run, runOf('unguarded', run.round)]);
    const cleanPairs = pairs.filter(([run, base]) => clean(run) && clean(base));
    const ratioOf = (selected) => (selected.length === 0 ? undefined : round(mean(selected.map(([run]) => run.rps)) / mean(selected.map(([, base]) => base.rps)), 3));
    const cpuOf = (selected) => (selected.length === 0 ? undefined : median(selected.map(([run]) => run.cpuMicrosPerRequest)));
    figures[variant.key] = {
      label: variant.label,
      rps: round(mean(mine.map((run) => run.rps))),
      ratio: ratioOf(pairs),
      ratioPerRound: pairs.map(([run, base]) => round(run.rps / base.rps, 3)),
      otherCoresPerRound: mine.map((run) => run.otherCores),
      cleanRounds: cleanPairs.length,
      cleanRps: cleanPairs.length === 0 ? undefined : round(mean(cleanPairs.map(([run]) => run.rps))),
      cleanRatio: ratioOf(cleanPairs),
      cpuMicrosPerRequest: cpuOf(cleanPairs.length > 0 ? cleanPairs : pairs),
      bestRps: round(Math.max(...mine.map((run) => run.rps))),
    };
  }
  for (const figure of Object.values(figures)) {
    figure.cpuRatio = round(figures.unguarded.cpuMicrosPerRequest / figure.cpuMicrosPerRequest, 3);
  }
  const trusted = figures.zitadelJwt.cleanRounds >= 3 && figures.zitadelIntrospection.cleanRounds >= 3;
  const judged = (key) => (trusted ? figures[key].cleanRatio : figures[key].ratio);
  const jwtVsPassport = round(judged('zitadelJwt') / (trusted && figures.passport.cleanRatio !== undefined ? figures.passport.cleanRatio : figures.passport.ratio), 2);
  const targets = {
    zitadelJwt: { target: '>= 0.9 of unguarded', value: judged('zitadelJwt'), met: judged('zitadelJwt') >= 0.9 },
    zitadelIntrospection: { target: '>= 0.9 of unguarded', value: judged('zitadelIntrospection'), met: judged('zitadelIntrospection') >= 0.9 },
    zitadelJwtVsPassport: { target: '>= 1.3 x passport', value: jwtVsPassport, met: jwtVsPassport >= 1.3 },
  };
  const noisy = !trusted;
  const basis = trusted ? 'clean rounds' : 'all rounds (noisy run)';
  if (noisy) {
    say(`  NOISY: fewer than 3 undisturbed rounds for (a) or (b) (other processes above ${CLEAN_OTHER_CORES} cores): the ratios below are not to be trusted; re-run when the machine is quiet`);
  }
  return { settings, cleanOtherCores: CLEAN_OTHER_CORES, basis, noisy, figures, jwtVsPassport, targets, runs };
}
