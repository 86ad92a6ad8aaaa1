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

  const rpsOf = (key) => runs.filter((run) => run.variant === key).map((run) => run.rps);
  const baseline = mean(rpsOf('unguarded'));
  const figures = {};
  for (const variant of list) {
    const perRound = [];
    for (let pass = 1; pass <= rounds; pass++) {
      const of = (key) => runs.find((run) => run.round === pass && run.variant === key).rps;
      perRound.push(round(of(variant.key) / of('unguarded'), 3));
    }
    const rps = mean(rpsOf(variant.key));
    const best = Math.max(...rpsOf(variant.key));
    const cpuPerRequest = median(runs.filter((run) => run.variant === variant.key).map((run) => run.cpuMicrosPerRequest));
    figures[variant.key] = {
      label: variant.label,
      rps: round(rps),
      ratio: round(rps / baseline, 3),
      ratioPerRound: perRound,
      medianRatioPerRound: median(perRound),
      bestRps: round(best),
      bestRatio: round(best / Math.max(...rpsOf('unguarded')), 3),
      cpuMicrosPerRequest: cpuPerRequest,
    };
  }
  for (const figure of Object.values(figures)) {
    figure.cpuRatio = round(figures.unguarded.cpuMicrosPerRequest / figure.cpuMicrosPerRequest, 3);
  }
  const jwtVsPassport = round(figures.zitadelJwt.rps / figures.passport.rps, 2);
  const targets = {
    zitadelJwt: { target: '>= 0.9 of unguarded', value: figures.zitadelJwt.ratio, met: figures.zitadelJwt.ratio >= 0.9 },
    zitadelIntrospection: { target: '>= 0.9 of unguarded', value: figures.zitadelIntrospection.ratio, met: figures.zitadelIntrospection.ratio >= 0.9 },
    zitadelJwtVsPassport: { target: '>= 1.3 x passport', value: jwtVsPassport, met: jwtVsPassport >= 1.3 },
  };
  // Other processes on the 2 cores show as a high load or as ratios that swing between rounds.
  const loads = runs.map((run) => run.loadBefore.load1);
  const spread = Math.max(...['zitadelJwt', 'zitadelIntrospection'].map((key) => Math.max(...figures[key].ratioPerRound) - Math.min(...figures[key].ratioPerRound)));
  const noisy = Math.max(...loads) > 1 || spread > 0.15;
  if (noisy) say(`  NOISY: load up to ${Math.max(...loads)}, per-round ratios of (a)/(b) spread over ${round(spread, 2)}: re-run in a quiet moment before trusting the ratios`);
  return { settings: { connections, seconds, rounds, warmupSeconds }, figures, jwtVsPassport, targets, noisy, maxLoad: Math.max(...loads), ratioSpread: round(spread, 3), runs };
}
