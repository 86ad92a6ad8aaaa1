// Writes bench/results.json and the generated part of bench/README.md (between the markers).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';

const int = (n) => Math.round(n).toLocaleString('en-US');
const fixed = (n, d = 2) => (n === undefined ? 'n/a' : n.toFixed(d));
const yes = (met) => (met ? 'met' : '**missed**');
const loadText = (l) => (l === undefined ? 'n/a' : `${l.load1} (5 min: ${l.load5})`);

function guardTable(g) {
  const t = g.targets;
  const rows = [
    '| route | req/s (mean of the rounds used) | **vs unguarded: median of per-round ratios** | quartiles | ratio of mean req/s | server CPU per request (median) | CPU-based ratio (median) | target |',
    '|---|---:|---:|---|---:|---:|---:|---|',
  ];
  const caveat = g.noisy ? ' (noisy run)' : '';
  const targetOf = {
    zitadelJwt: `>= 0.9: ${yes(t.zitadelJwt.met)}${caveat}`,
    zitadelIntrospection: `>= 0.9: ${yes(t.zitadelIntrospection.met)}${caveat}`,
  };
  for (const [key, f] of Object.entries(g.figures)) {
    rows.push(
      `| ${f.label} | ${int(f.rps)} | **${fixed(f.ratio)}** | ${fixed(f.ratioQuartiles[0])} to ${fixed(f.ratioQuartiles[1])} | ${fixed(f.ratioOfMeans)} | ${fixed(f.cpuMicrosPerRequest, 1)} µs | ${fixed(f.cpuRatio)} | ${targetOf[key] ?? ''} |`,
    );
  }
  const used = g.figures.zitadelJwt.roundsUsed;
  rows.push(
    '',
    g.noisy
      ? `**Noisy run:** fewer than ${g.minCleanRounds} rounds without other processes on the cores for (a) or (b), so all ${used} rounds count; read the ratios with that in mind.`
      : `Rounds used: those in which other processes took at most ${g.cleanOtherCores} cores during both runs of the pair (${used} of ${g.settings.rounds} for (a)).`,
  );
  rows.push(
    '',
    `(a) vs (c): **${fixed(g.jwtVsPassport)}x** the passport recipe's throughput (target >= 1.3: ${yes(t.zitadelJwtVsPassport.met)}${caveat}).`,
  );
  rows.push(
    '',
    `Autocannon: ${g.settings.connections} connections, ${g.settings.seconds} s per run, ${g.settings.rounds} rounds (orders ABCDE, EDCBA, ...), ${g.settings.warmupSeconds} s warm-up per route. Per-round ratios, with the cores' use by other processes in brackets:`,
    '',
  );
  for (const f of Object.values(g.figures)) {
    rows.push(
      `- ${f.label}: ${f.ratioPerRound.map((r, i) => `${fixed(r)} (${fixed(f.otherCoresPerRound[i], 2)})`).join(', ')}`,
    );
  }
  return rows.join('\n');
}

function hotTable(h) {
  return [
    '| awaited call | µs per call |',
    '|---|---:|',
    `| \`ZitadelAuthGuard.canActivate\`, JWT (${h.jwtLength} characters), verified-token cache hit | **${fixed(h.canActivateJwtMicros, 2)}** |`,
    `| \`ZitadelAuthGuard.canActivate\`, opaque token (${h.opaqueLength} characters), introspection cache hit | **${fixed(h.canActivateOpaqueMicros, 2)}** |`,
    `| of which at least: sha256 base64url of the JWT (the cache key) | ${fixed(h.sha256JwtMicros, 2)} |`,
    `| an empty async function (the loop's own cost) | ${fixed(h.emptyAsyncCallMicros, 3)} |`,
    '',
    `Each call with a fresh request object and Nest's \`ExecutionContextHost\`, as per request in the app. Load: ${loadText(h.loadBefore)}.`,
  ].join('\n');
}

function coldTable(c) {
  return [
    '| distinct tokens | concurrent requests per token | requests | introspection calls seen by the emulator | answers | time | load |',
    '|---:|---:|---:|---:|---|---:|---|',
    `| ${int(c.tokens)} | ${c.requestsPerToken} | ${int(c.requests)} | **${int(c.introspectionCalls)}** (expected ${int(c.tokens)}) | ${Object.entries(
      c.answers,
    )
      .map(([s, n]) => `${int(n)} x ${s}`)
      .join(', ')} | ${fixed(c.seconds, 1)} s | ${loadText(c.loadBefore)} |`,
    '',
    `${c.tokensInFlight} tokens in flight at a time; the emulator held each introspection ${c.introspectionDelayMs} ms so that the requests of a token overlap its introspection.`,
  ].join('\n');
}

function tokenTable(t) {
  return [
    '| measure | figure |',
    '|---|---:|',
    `| token requests for ${int(t.concurrentCalls)} concurrent \`getAccessToken\` calls (cold) | **${t.tokenRequests}** (${t.distinctTokens} distinct token) |`,
    `| warm \`getAccessToken()\` | **${int(t.warm.defaultScopes.opsPerSecond)} ops/s** (${fixed(t.warm.defaultScopes.microsecondsPerCall, 2)} µs/call) |`,
    `| warm \`getAccessToken({ scopes })\` (${t.warm.withScopes.scopes} scope${t.warm.withScopes.scopes === 1 ? '' : 's'}, normalised per call) | **${int(t.warm.withScopes.opsPerSecond)} ops/s** (${fixed(t.warm.withScopes.microsecondsPerCall, 2)} µs/call) |`,
    '',
    `Load: ${loadText(t.loadBefore)}.`,
  ].join('\n');
}

function memoryTable(m) {
  const rows = [
    `${int(m.tokens)} distinct valid JWTs through \`ZitadelAuthGuard.canActivate\` in ${fixed(m.seconds, 0)} s (${int(m.tokensPerSecond)} tokens/s, limited by RSA signing in the signer processes), limits \`jwt.cache.maxEntries\` = ${int(m.limits['jwt.cache.maxEntries'])}, \`introspection.cache.maxEntries\` = ${int(m.limits['introspection.cache.maxEntries'])}. Load at start: ${loadText(m.loadBefore)}.`,
    '',
    `**Peak RSS: ${fixed(m.peakRssMB, 0)} MB** (kernel high-water mark of the measured process). Live heap per cached token: about ${m.liveHeapBytesPerCachedToken === undefined ? 'n/a' : int(m.liveHeapBytesPerCachedToken)} bytes, so the full cache holds about ${m.liveHeapBytesPerCachedToken === undefined ? 'n/a' : fixed((m.liveHeapBytesPerCachedToken * m.limits['jwt.cache.maxEntries']) / 1024 ** 2, 0)} MB; an unbounded cache would hold about ${m.liveHeapBytesPerCachedToken === undefined ? 'n/a' : fixed((m.liveHeapBytesPerCachedToken * m.tokens) / 1024 ** 3, 1)} GB after these tokens.`,
    '',
    `Peak RSS in each tenth of the run (${int(m.tokens / 10)} tokens each): ${m.peakRssPerTenthMB.map((mb) => `${mb}`).join(', ')} MB.`,
    '',
    '| after | RSS | live heap (after GC) | external | verified-token cache entries |',
    '|---|---:|---:|---:|---:|',
  ];
  for (const s of m.samples)
    rows.push(
      `| ${s.label} | ${fixed(s.rssMB, 0)} MB | ${fixed(s.liveHeapMB, 1)} MB | ${fixed(s.externalMB, 1)} MB | ${s.cacheEntries === undefined ? 'n/a' : int(s.cacheEntries)} |`,
    );
  return rows.join('\n');
}

/** The generated section of bench/README.md. */
export function resultsMarkdown(r) {
  const m = r.machine;
  const parts = [
    START,
    '<!-- Generated by `npm run bench` from bench/results.json: edit bench/lib/write-results.mjs, not this part. -->',
    '',
    `Command: \`npm run bench\`${r.merged ? ' (sections re-run with `BENCH_ONLY=... BENCH_WRITE=1` carry their own date)' : ''}. Date: ${r.date}. Machine: \`nproc\` = ${m.nproc} (${m.cpu}), ${m.memoryGB} GB, Node ${m.node}, ${m.platform}. Load average (\`uptime\`) at start ${loadText(r.loadAtStart)}, at end ${loadText(r.loadAtEnd)}.`,
  ];
  const when = (s) => `Run ${s.date ?? r.date}.`;
  if (r.guardOverhead)
    parts.push(
      '',
      '### 1. Guard overhead (throughput, ratio to the unguarded route of the same run)',
      '',
      when(r.guardOverhead),
      '',
      guardTable(r.guardOverhead),
    );
  if (r.hotPath)
    parts.push('', '### 1b. The guard alone (in process, cache warm)', '', when(r.hotPath), '', hotTable(r.hotPath));
  if (r.coldIntrospection)
    parts.push(
      '',
      '### 2. Cold introspection under concurrency',
      '',
      when(r.coldIntrospection),
      '',
      coldTable(r.coldIntrospection),
    );
  if (r.tokenService) parts.push('', '### 3. TokenService', '', when(r.tokenService), '', tokenTable(r.tokenService));
  if (r.memory) parts.push('', '### 4. Memory', '', when(r.memory), '', memoryTable(r.memory));
  parts.push(END);
  return parts.join('\n');
}

const SCENARIO_KEYS = ['guardOverhead', 'hotPath', 'coldIntrospection', 'tokenService', 'memory'];

/**
 * Writes results.json and replaces the generated section of README.md (appended if missing).
 * With `merge`, the scenarios of `results` replace theirs in the existing results.json and the
 * others are kept (each scenario carries its own date and load).
 */
export function writeResults(fresh, jsonPath, readmePath, { merge = false } = {}) {
  let results = fresh;
  if (merge && existsSync(jsonPath)) {
    const previous = JSON.parse(readFileSync(jsonPath, 'utf8'));
    results = {
      ...previous,
      machine: fresh.machine,
      command: fresh.command,
      date: fresh.date,
      loadAtStart: fresh.loadAtStart,
      loadAtEnd: fresh.loadAtEnd,
    };
    for (const key of SCENARIO_KEYS) if (fresh[key] !== undefined) results[key] = fresh[key];
    results.merged = true;
  }
  writeFileSync(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
  const generated = resultsMarkdown(results);
  const readme = existsSync(readmePath) ? readFileSync(readmePath, 'utf8') : '# Benchmarks\n';
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  const next =
    start >= 0 && end > start
      ? readme.slice(0, start) + generated + readme.slice(end + END.length)
      : `${readme.trimEnd()}\n\n## Results\n\n${generated}\n`;
  writeFileSync(readmePath, next);
}
