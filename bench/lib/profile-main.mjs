// CPU profile of the benchmarked app under load. Run `node bench/profile.mjs [variant ...]`
// after `npm run build:lib`. Variants: unguarded, zitadelJwt, zitadelIntrospection, passport
// (default: all but passport).
// Each variant gets its own server process started with --cpu-prof, a warm-up, then
// BENCH_PROFILE_SECONDS (default 6) of autocannon load; the summaries (self time, time in the
// library's functions including callees, time by package) are printed and written to
// bench/profiles/<variant>.json with the raw .cpuprofile next to them.
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { summariseProfile } from './cpu-profile.mjs';
import { createFixture } from './fixture.mjs';
import { hammer } from './load.mjs';
import { startChild, stopChild } from './processes.mjs';
import { load, say } from './report.mjs';
import { variants } from '../scenarios/guard-overhead.mjs';

const dir = fileURLToPath(new URL('../profiles/', import.meta.url));
const seconds = Number(process.env['BENCH_PROFILE_SECONDS'] ?? 6);
const wanted = process.argv.slice(2);
const fixture = await createFixture();
try {
  const list = variants(fixture).filter((v) => (wanted.length > 0 ? wanted.includes(v.key) : v.key !== 'passport'));
  mkdirSync(dir, { recursive: true });
  for (const variant of list) {
    const tmp = join(dir, `.tmp-${variant.key}`);
    mkdirSync(tmp, { recursive: true });
    const config = { ...fixture.serverConfig, guard: variant.guard };
    const { child, first } = await startChild('server.mjs', { BENCH_SERVER_CONFIG: JSON.stringify(config) }, [
      '--cpu-prof',
      `--cpu-prof-dir=${tmp}`,
    ]);
    const url = `http://127.0.0.1:${first.port}/bench`;
    await hammer({ url, token: variant.token, seconds: 2, label: `warm-up ${variant.key}` });
    const loadBefore = load();
    const result = await hammer({ url, token: variant.token, seconds, label: variant.key });
    await stopChild(child);
    const [file] = readdirSync(tmp).filter((name) => name.endsWith('.cpuprofile'));
    const raw = join(dir, `${variant.key}.cpuprofile`);
    renameSync(join(tmp, file), raw);
    rmSync(tmp, { recursive: true, force: true });
    const summary = { variant: variant.key, rps: Math.round(result.rps), loadBefore, ...summariseProfile(raw) };
    writeFileSync(join(dir, `${variant.key}.json`), `${JSON.stringify(summary, null, 2)}\n`);
    say(
      `\n== ${variant.key}: ${summary.rps} req/s (profiled), ${summary.samples} samples, idle ${summary.idlePercent}%, GC ${summary.gcPercent}%, load ${loadBefore.load1}`,
    );
    say('by package:');
    for (const row of summary.byArea.slice(0, 12)) say(`  ${String(row.percent).padStart(5)}%  ${row.frame}`);
    say('self time:');
    for (const row of summary.selfTop.slice(0, 20)) say(`  ${String(row.percent).padStart(5)}%  ${row.frame}`);
    say('nestjs-zitadel, including callees:');
    for (const row of summary.zitadelInclusive.slice(0, 15)) say(`  ${String(row.percent).padStart(5)}%  ${row.frame}`);
  }
} finally {
  await fixture.close();
}
