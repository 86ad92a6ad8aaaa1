// Writes bench/results.json and the generated part of bench/README.md (between the markers).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';

const int = (n) => Math.round(n).toLocaleString('en-US');
const fixed = (n, d = 2) => (n === undefined ? 'n/a' : n.toFixed(d));
const yes = (met) => (met ? 'met' : '**missed**');
const loadText = (l) => (l === undefined ? 'n/a' : `${l.load1} (5 min: ${l.load5})`);

const TARGET_NAMES = {
  zitadelJwt: '(a) JWT vs unguarded',
  zitadelIntrospection: '(b) opaque vs unguarded',
  zitadelJwtVsPassport: '(a) vs (c) passport',
  zitadelJwtVsMap: '(a) vs (d) bare Map in front of jose',
};

/** One line per target, missed ones first and in bold: a missed target is never hidden below the tables. */
function targetLines(targets) {
  const entries = Object.entries(targets).toSorted(([, a], [, b]) => Number(a.met) - Number(b.met));
  return entries.map(([name, t]) => {
    const lead = `${TARGET_NAMES[name] ?? name}: **${fixed(t.value, 3)}** by CPU time per request (target ${t.target}): ${yes(t.met)}`;
    const secondary = `; throughput ${fixed(t.throughputValue, 3)}: ${t.throughputMet ? 'met' : 'missed'}`;
    const rounds = `; ${t.roundsUsed} rounds${t.noisy ? ', **noisy** (too few undisturbed rounds: all count)' : ' undisturbed'}`;
    return `- ${t.met ? '' : '**TARGET MISSED** '}${lead}${secondary}${rounds}`;
  });
}

function pair(p, name) {
  return `${name}: CPU-based **${fixed(p.cpuRatio, 3)}** (quartiles ${fixed(p.cpuRatioQuartiles[0], 3)} to ${fixed(p.cpuRatioQuartiles[1], 3)}), throughput ${fixed(p.rpsRatio, 3)} (${fixed(p.rpsRatioQuartiles[0], 3)} to ${fixed(p.rpsRatioQuartiles[1], 3)}), ${p.usedRounds.length} rounds${p.noisy ? ' (noisy)' : ''}; per round (CPU): ${p.cpuRatioPerRound.map((r) => fixed(r)).join(', ')}.`;
}

function guardTable(g) {
  const t = g.targets;
  const rows = [
    `Targets (medians of paired per-round ratios; the lead figure is the app process's CPU time per request, throughput beside it):`,
    '',
    ...targetLines(t),
    '',
    '| route | server CPU per request (median) | **CPU-based ratio to unguarded: median of per-round ratios** | quartiles | req/s (mean of the rounds used) | throughput ratio: median of per-round ratios | quartiles | rounds used |',
    '|---|---:|---:|---|---:|---:|---|---:|',
  ];
  for (const f of Object.values(g.figures)) {
    rows.push(
      `| ${f.label} | ${fixed(f.cpuMicrosPerRequest, 1)} µs | **${fixed(f.cpuRatio)}** | ${fixed(f.cpuRatioQuartiles[0])} to ${fixed(f.cpuRatioQuartiles[1])} | ${int(f.rps)} | ${fixed(f.ratio)} | ${fixed(f.ratioQuartiles[0])} to ${fixed(f.ratioQuartiles[1])} | ${f.roundsUsed}${f.noisy ? ' (noisy)' : ''} |`,
    );
  }
  rows.push(
    '',
    `A round is used when both runs of the pair had a disturbance (|CPU of other processes| + steal, in cores) of at most ${g.cleanOtherCores}, if at least ${g.minCleanRounds} such rounds remain; otherwise all rounds count and the figure says noisy.`,
    '',
    pair(g.jwtVsMap, '(a) vs (d), the bare Map in front of jose'),
    '',
    pair(g.jwtVsPassport, '(a) vs (c), the passport recipe'),
    '',
    `Autocannon: ${g.settings.connections} connections, ${g.settings.seconds} s per run, ${g.settings.rounds} rounds (orders ABCDEF, FEDCBA, ...), ${g.settings.warmupSeconds} s warm-up per route. Per-round CPU-based ratios to unguarded, with the run's disturbance in brackets (other processes, signed, + steal):`,
    '',
  );
  for (const f of Object.values(g.figures)) {
    rows.push(
      `- ${f.label}: ${f.cpuRatioPerRound
        .map(
          (r, i) =>
            `${fixed(r)} (${fixed(f.otherCoresPerRound[i], 2)}${f.stealCoresPerRound?.[i] ? ` + ${fixed(f.stealCoresPerRound[i], 2)}` : ''})`,
        )
        .join(', ')}`,
    );
  }
  return rows.join('\n');
}

function hotTable(h) {
  return [
    '| awaited call | CPU µs per call |',
    '|---|---:|',
    `| \`ZitadelAuthGuard.canActivate\`, JWT (${h.jwtLength} characters), verified-token cache hit | **${fixed(h.canActivateJwtMicros, 2)}** |`,
    `| a bare \`Map\` in front of \`jose\` (the floor of a JWT guard), same JWT, cache hit | **${fixed(h.canActivateMapJoseMicros, 2)}** |`,
    `| \`ZitadelAuthGuard.canActivate\`, opaque token (${h.opaqueLength} characters), introspection cache hit | **${fixed(h.canActivateOpaqueMicros, 2)}** |`,
    `| of which at least: sha256 base64url of the JWT (the cache key) | ${fixed(h.sha256JwtMicros, 2)} |`,
    `| an empty async function (the loop's own cost) | ${fixed(h.emptyAsyncCallMicros, 3)} |`,
    '',
    ...(h.jwtVsMapEstimate === undefined
      ? []
      : [
          `(a) − (d) in process: **${fixed(h.jwtVsMapEstimate.gapMicros, 2)} µs** per request; over (d)'s CPU per request in the app (${fixed(h.jwtVsMapEstimate.mapRequestCpuMicros, 1)} µs, section 1 of the same run) that is a ratio of **${fixed(h.jwtVsMapEstimate.ratio, 3)}**: what section 1's (a) vs (d) figure would read without the machine's noise, if the rest of the request costs the same in both processes. An estimate beside the target, not its figure.`,
          '',
        ]),
    `Each call with a fresh request object and Nest's \`ExecutionContextHost\`, as per request in the app; the two JWT guards interleaved, best of three 1 s runs each. Load: ${loadText(h.loadBefore)}.`,
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
    `Command: \`${r.command}\`${r.merged ? ' (sections not re-run keep the date of the run that made them)' : ''}. Date: ${r.date}. Machine: \`nproc\` = ${m.nproc} (${m.cpu}), ${m.memoryGB} GB, Node ${m.node}, ${m.platform}. Load average (\`uptime\`) at start ${loadText(r.loadAtStart)}, at end ${loadText(r.loadAtEnd)}.`,
  ];
  const missed = r.targetsMissed ?? [];
  parts.push(
    '',
    missed.length === 0
      ? 'Targets: all met (see section 1).'
      : `**TARGETS MISSED: ${missed.map((name) => TARGET_NAMES[name] ?? name).join('; ')}** (see section 1).`,
  );
  const when = (s) => `Run ${s.date ?? r.date}${s.command === undefined ? '' : ` by \`${s.command}\``}.`;
  if (r.guardOverhead)
    parts.push(
      '',
      '### 1. Guard overhead (CPU time per request, then throughput, as ratios to the unguarded route of the same round)',
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
  // Named at the top of results.json as well, so a missed target shows without reading the figures.
  results.targetsMissed = Object.entries(results.guardOverhead?.targets ?? {})
    .filter(([, t]) => !t.met)
    .map(([name]) => name);
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
