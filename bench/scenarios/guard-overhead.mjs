// Scenario 1: the guard's cost. The same app and handler, unguarded and guarded three ways,
// loaded by autocannon on loopback; every figure is a ratio to the unguarded route of the same run.
import { hammer } from '../lib/load.mjs';
import { load, mean, round, say } from '../lib/report.mjs';

/** The variants, in the order of the first round (the second round runs them backwards). */
export function variants(fixture) {
  return [
    { key: 'unguarded', label: 'no guard (baseline)', path: '/none', token: undefined },
    { key: 'zitadelJwt', label: '(a) ZitadelAuthGuard, JWT verified locally', path: '/zitadel', token: fixture.jwt },
    { key: 'zitadelIntrospection', label: '(b) ZitadelAuthGuard, opaque token, introspection cache warm', path: '/zitadel', token: fixture.opaque },
    { key: 'passport', label: '(c) @nestjs/passport + passport-jwt + jwks-rsa', path: '/passport', token: fixture.jwt },
  ];
}

/**
 * Warm-up of every route (JIT, JWKS and introspection caches), then `rounds` rounds of every
 * route for `seconds` each, alternating the order (ABCD DCBA ...) so that a drift of the
 * machine's load weighs on every route alike.
 */
export async function guardOverhead({ base, fixture, rounds, seconds, warmupSeconds, connections }) {
  const list = variants(fixture);
  say(`  warm-up: ${warmupSeconds} s per route`);
  for (const variant of list) {
    await hammer({ url: base + variant.path, token: variant.token, seconds: warmupSeconds, connections, label: `warm-up ${variant.key}` });
  }
  const runs = [];
  for (let pass = 1; pass <= rounds; pass++) {
    const order = pass % 2 === 1 ? list : list.toReversed();
    for (const variant of order) {
      const before = load();
      const result = await hammer({ url: base + variant.path, token: variant.token, seconds, connections, label: variant.key });
      runs.push({ round: pass, variant: variant.key, ...result, loadBefore: before, loadAfter: load() });
      say(`  round ${pass} ${variant.key.padEnd(21)} ${Math.round(result.rps).toString().padStart(6)} req/s  p99 ${result.latencyMsP99} ms  load ${before.load1}`);
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
    figures[variant.key] = { label: variant.label, rps: round(rps), ratio: round(rps / baseline, 3), ratioPerRound: perRound };
  }
  const jwtVsPassport = round(figures.zitadelJwt.rps / figures.passport.rps, 2);
  const targets = {
    zitadelJwt: { target: '>= 0.9 of unguarded', value: figures.zitadelJwt.ratio, met: figures.zitadelJwt.ratio >= 0.9 },
    zitadelIntrospection: { target: '>= 0.9 of unguarded', value: figures.zitadelIntrospection.ratio, met: figures.zitadelIntrospection.ratio >= 0.9 },
    zitadelJwtVsPassport: { target: '>= 1.3 x passport', value: jwtVsPassport, met: jwtVsPassport >= 1.3 },
  };
  return { settings: { connections, seconds, rounds, warmupSeconds }, figures, jwtVsPassport, targets, runs };
}
