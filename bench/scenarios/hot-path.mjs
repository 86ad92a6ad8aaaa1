// The guard's cost per request on a warm cache, in process (bench/hot-path.mjs): what the
// guard-overhead ratios are made of, free of HTTP and of most of the machine's noise.
import { startChild, stopChild } from '../lib/processes.mjs';
import { check, load, say } from '../lib/report.mjs';

export async function hotPath({ fixture }) {
  const loadBefore = load();
  const config = {
    issuer: fixture.issuer,
    projectId: fixture.projectId,
    apiApplication: fixture.apiApplication,
    jwt: fixture.jwt,
    opaque: fixture.opaque,
  };
  const { child, first } = await startChild('hot-path.mjs', { BENCH_HOT_CONFIG: JSON.stringify(config) });
  await stopChild(child);
  check(first?.type === 'result', `hot path: unexpected message ${JSON.stringify(first)}`);
  const r = first.result;
  say(
    `  canActivate, cache warm (CPU per call): JWT ${r.canActivateJwtMicros} µs (a bare Map in front of jose: ${r.canActivateMapJoseMicros} µs), opaque ${r.canActivateOpaqueMicros} µs (sha256 of the ${r.jwtLength}-character JWT alone: ${r.sha256JwtMicros} µs)`,
  );
  return { ...r, loadBefore, loadAfter: load() };
}
