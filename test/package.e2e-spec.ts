// The published package, as a user gets it: `npm pack` of the built library, installed by two
// brand-new NestJS apps outside the repository (CommonJS and ESM) that import `nestjs-zitadel` and
// `nestjs-zitadel/testing`, type-check strictly against the shipped declarations, boot, and mint a
// token from the ZITADEL emulator; a user's AppModule (forRootAsync with @nestjs/config, a Redis
// store) is tested with SeededZitadel, compiled under every supported moduleResolution (CommonJS:
// nodenext, node16, node10; ESM: nodenext); the `nestjs-zitadel` executable runs once installed.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ensureLibraryBuild,
  installAndRunConsumer,
  LIBRARY_ROOT,
  packLibrary,
  writeConsumerApp,
  type ConsumerKind,
  type ConsumerRun,
  type PackedLibrary,
} from './support/package-consumer.js';
import { RedisServer } from './support/redis.js';

const FIVE_MINUTES = 300_000;
/** One throwaway app: two installs, three to five builds and runs, on a machine that may be busy. */
const TEN_MINUTES = 600_000;

interface LibraryManifest {
  main?: string;
  types?: string;
  bin?: string | Record<string, string>;
  exports: Record<string, string | Record<string, string>>;
  typesVersions?: Record<string, Record<string, string[]>>;
}

const libraryVersion = (JSON.parse(readFileSync(join(LIBRARY_ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;
let workDir: string;
let packed: PackedLibrary;
let redis: RedisServer;

beforeAll(async () => {
  redis = await RedisServer.start();
  workDir = mkdtempSync(join(tmpdir(), 'nestjs-zitadel-package-'));
  await ensureLibraryBuild();
  packed = await packLibrary(workDir);
}, FIVE_MINUTES);

afterAll(async () => {
  await redis?.stop();
  if (workDir !== undefined) rmSync(workDir, { recursive: true, force: true });
}, FIVE_MINUTES);

describe('the npm package', () => {
  it('ships the build, its declarations, package.json and README: no sources, specs or tests', () => {
    expect(packed.files).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'dist/index.js',
        'dist/index.d.ts',
        'dist/testing/index.js',
        'dist/testing/index.d.ts',
      ]),
    );
    expect(
      packed.files.filter(
        (file) =>
          /\.spec\.|(^|\/)(src|test|tests|__tests__)\//.test(file) || (file.endsWith('.ts') && !file.endsWith('.d.ts')),
      ),
    ).toEqual([]);
    expect(
      packed.files.filter(
        (file) => !/^(dist\/|bin\/nestjs-zitadel\.js$|package\.json$|README\.md$|LICENSE)/.test(file),
      ),
    ).toEqual([]);
  });

  it('ships every file its manifest points to (exports, main, types, bin)', () => {
    const manifest = JSON.parse(readFileSync(join(LIBRARY_ROOT, 'package.json'), 'utf8')) as LibraryManifest;
    const targets = [
      manifest.main,
      manifest.types,
      ...Object.values(manifest.exports).flatMap((target) =>
        typeof target === 'string' ? [target] : Object.values(target),
      ),
    ];
    targets.push(...Object.values(manifest.typesVersions ?? {}).flatMap((paths) => Object.values(paths).flat()));
    if (typeof manifest.bin === 'string') targets.push(manifest.bin);
    else if (manifest.bin !== undefined) targets.push(...Object.values(manifest.bin));
    const missing = targets
      .filter((target) => target !== undefined)
      .map((target) => target.replace(/^\.\//, ''))
      .filter((target) => !packed.files.includes(target));
    expect(missing).toEqual([]);
  });

  it('maps every subpath export to its declarations in typesVersions too, for `moduleResolution: "node"` (node10)', () => {
    const manifest = JSON.parse(readFileSync(join(LIBRARY_ROOT, 'package.json'), 'utf8')) as LibraryManifest;
    const subpaths = Object.entries(manifest.exports).flatMap(([subpath, target]) =>
      subpath === '.' || typeof target === 'string' || target['types'] === undefined
        ? []
        : [[subpath.replace(/^\.\//, ''), [target['types']]] as const],
    );
    expect(Object.entries(manifest.typesVersions?.['*'] ?? {})).toEqual(subpaths);
  });
});

describe('a brand-new NestJS app outside the repository', () => {
  it.concurrent.each<ConsumerKind>(['commonjs', 'module'])(
    '"type": "%s": installs the tarball, type-checks, boots with ZitadelModule, mints a token from the emulator; its first-hour app (SeededZitadel, forRootAsync, Redis store) compiles and passes under each moduleResolution; the bin runs; then with the optional peers of ZitadelApi, type-checks strictly and makes a typed v2 call',
    async (kind) => {
      const dir = join(workDir, `consumer-${kind}`);
      writeConsumerApp(dir, kind, packed.tarball);
      const result: ConsumerRun = await installAndRunConsumer(dir, kind, redis.url);
      const failed = [
        result.apiStart,
        result.apiCompile,
        result.peers,
        result.bin,
        ...(result.firstHour ?? []).flatMap((step) => [step.start, step.compile]).toReversed(),
        result.start,
        result.compile,
        result.install,
      ].find((step) => step !== undefined && step.code !== 0);
      expect(failed === undefined ? '' : `${failed.stdout}\n${failed.stderr}`).toBe('');
      expect(result.start?.code).toBe(0);
      expect(result.start?.stdout.trim().split('\n')).toContain(`OK ${kind}`);
      // The first-hour app: CommonJS under nodenext, node16 and node10 (`moduleResolution: "node"`), ESM under nodenext.
      const labels = kind === 'commonjs' ? ['nodenext', 'node16', 'node10'] : ['nodenext'];
      expect(result.firstHour?.map((step) => step.start?.stdout.trim())).toEqual(
        labels.map((label) => `OK first-hour ${label}`),
      );
      expect(result.bin?.stdout.trim()).toBe(libraryVersion);
      expect(result.peersAbsent).toBe(true);
      expect(result.apiStart?.code).toBe(0);
      expect(result.apiStart?.stdout).toContain(`OK api ${kind} (ZitadelApiError `);
    },
    TEN_MINUTES,
  );
});
