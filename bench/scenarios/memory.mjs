// Scenario 4: memory under a flood of distinct valid tokens (bench/memory.mjs is the measured
// process; bench/signer.mjs mints the tokens).
import { startChild, stopChild } from '../lib/processes.mjs';
import { check, load, round, say } from '../lib/report.mjs';

export async function memoryScenario({ fixture, tokens, jwtMaxEntries, introspectionMaxEntries, signers }) {
  const loadBefore = load();
  const config = {
    issuer: fixture.memoryIssuer,
    projectId: fixture.projectId,
    apiApplication: fixture.apiApplication,
    jwtMaxEntries,
    introspectionMaxEntries,
    tokens,
    signers,
    batchSize: 1000,
    concurrency: 64,
    signer: { ...fixture.jwtSigner, lifetimeSeconds: 3600 },
  };
  const { child, first } = await startChild('memory.mjs', { BENCH_MEMORY_CONFIG: JSON.stringify(config) }, [
    '--expose-gc',
  ]);
  await stopChild(child);
  check(first?.type === 'result', `memory: unexpected message ${JSON.stringify(first)}`);
  const result = first.result;
  check(
    result.failures === 0,
    `memory: ${result.failures} of ${result.tokens} valid tokens were refused (first: ${result.firstFailure})`,
  );
  check(result.tokens === tokens, `memory: ${result.tokens} tokens went through, not ${tokens}`);
  const samples = result.samples.map((s) => ({
    ...s,
    rssMB: round(s.rssMB, 1),
    liveHeapMB: round(s.liveHeapMB, 1),
    externalMB: round(s.externalMB, 1),
  }));
  const full = samples.find((s) => s.processed === jwtMaxEntries);
  const empty = samples.find((s) => s.processed === 1);
  const last = samples.at(-1);
  const bytesPerEntry =
    full && empty ? ((full.liveHeapMB - empty.liveHeapMB) * 1024 * 1024) / jwtMaxEntries : undefined;
  say(
    `  ${result.tokens} tokens in ${result.seconds.toFixed(0)} s (${Math.round(result.tokensPerSecond)}/s): peak RSS ${result.peakRssMB.toFixed(0)} MB, live heap ${empty?.liveHeapMB} MB empty, ${full?.liveHeapMB} MB cache full, ${last.liveHeapMB} MB at the end; cache entries ${last.cacheEntries}`,
  );
  if (last.cacheEntries !== undefined)
    check(
      last.cacheEntries <= jwtMaxEntries,
      `memory: the verified-token cache holds ${last.cacheEntries} entries, above its limit of ${jwtMaxEntries}`,
    );
  return {
    tokens: result.tokens,
    limits: { 'jwt.cache.maxEntries': jwtMaxEntries, 'introspection.cache.maxEntries': introspectionMaxEntries },
    peakRssMB: round(result.peakRssMB, 1),
    peakRssPerTenthMB: result.peakRssPerTenthMB.map((mb) => round(mb, 0)),
    liveHeapBytesPerCachedToken: bytesPerEntry === undefined ? undefined : Math.round(bytesPerEntry),
    seconds: round(result.seconds, 1),
    tokensPerSecond: Math.round(result.tokensPerSecond),
    secondsWaitingForSigners: round(result.secondsWaitingForSigners, 1),
    samples,
    loadBefore,
    loadAfter: load(),
  };
}
