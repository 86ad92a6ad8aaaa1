// Helpers of the packaging tests: build and pack the library, and create throwaway NestJS apps
// (outside the repository) that install the tarball as a user would.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder. */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The library's package folder (`nestjs-zitadel`). */
export const LIBRARY_ROOT = join(REPO_ROOT, 'libs/zitadel');

/** What a finished child process left behind. */
export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment for child processes: without the `npm_*` variables of the `npm test` that runs
 * us (a nested npm would otherwise take the repository for its prefix) and without Vitest's.
 */
function childEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(npm_|vitest|node_options$|node_env$|init_cwd$)/i.test(name)) continue;
    env[name] = value;
  }
  return env;
}

/** Runs a command to its end; never rejects on a non-zero exit code (the result carries it). */
export function run(
  command: string,
  args: readonly string[],
  cwd: string,
  timeoutMs = 180_000,
  env: Readonly<Record<string, string>> = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd, env: { ...childEnvironment(), ...env }, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') {
          reject(new Error(`${command} ${args.join(' ')} (in ${cwd}) failed to run: ${error.message}\n${stderr}`));
          return;
        }
        resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr });
      },
    );
  });
}

/** Runs a command and fails with its output unless it exits with 0. */
export async function runOrThrow(
  command: string,
  args: readonly string[],
  cwd: string,
  timeoutMs?: number,
): Promise<RunResult> {
  const result = await run(command, args, cwd, timeoutMs);
  if (result.code !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} (in ${cwd}) exited with ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
    );
  }
  return result;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/**
 * Whether `libs/zitadel/dist` is a complete build of the current sources: every non-spec source
 * has its `.js` and `.d.ts`, the README copy exists, and no build output is older than a source,
 * a tsconfig or the README.
 */
export function isLibraryBuildFresh(): boolean {
  const dist = join(LIBRARY_ROOT, 'dist');
  let outputs: string[];
  try {
    outputs = filesUnder(dist).filter((file) => /\.(js|d\.ts)$/.test(file));
  } catch {
    return false;
  }
  const sources = filesUnder(join(LIBRARY_ROOT, 'src')).filter(
    (file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'),
  );
  const inputs = [
    ...sources,
    join(LIBRARY_ROOT, 'tsconfig.lib.json'),
    join(REPO_ROOT, 'tsconfig.base.json'),
    join(REPO_ROOT, 'README.md'),
  ];
  if (!existsSync(join(LIBRARY_ROOT, 'README.md'))) return false;
  outputs.push(join(LIBRARY_ROOT, 'README.md'));
  const outputSet = new Set(outputs);
  for (const source of sources) {
    const stem = join(dist, relative(join(LIBRARY_ROOT, 'src'), source)).replace(/\.ts$/, '');
    if (!outputSet.has(`${stem}.js`) || !outputSet.has(`${stem}.d.ts`)) return false;
  }
  const newestInput = Math.max(...inputs.map((file) => statSync(file).mtimeMs));
  const oldestOutput = Math.min(...outputs.map((file) => statSync(file).mtimeMs));
  return oldestOutput >= newestInput;
}

/** Builds the library (`npm run build:lib`) unless its `dist` is already a fresh build. */
export async function ensureLibraryBuild(): Promise<void> {
  if (!isLibraryBuildFresh()) await runOrThrow('npm', ['run', 'build:lib'], REPO_ROOT);
}

/** A packed `nestjs-zitadel` tarball. */
export interface PackedLibrary {
  /** Absolute path of the `.tgz`. */
  readonly tarball: string;
  /** The paths inside the package, e.g. `dist/index.js`, `package.json`. */
  readonly files: readonly string[];
}

/** `npm pack` of libs/zitadel into `destination`. */
export async function packLibrary(destination: string): Promise<PackedLibrary> {
  const { stdout } = await runOrThrow('npm', ['pack', '--json', '--pack-destination', destination], LIBRARY_ROOT);
  const [pack] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
  return { tarball: join(destination, pack.filename), files: pack.files.map((file) => file.path).sort() };
}

/** The version of a package installed in the repository, so the throwaway apps use the same. */
export function repoVersionOf(name: string): string {
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

/** The module system of a throwaway app. */
export type ConsumerKind = 'commonjs' | 'module';

/**
 * The throwaway app's only source file. It boots a Nest HTTP app wired to the ZITADEL emulator
 * with a service user's key, mints a token through `TokenService` (directly and over HTTP),
 * checks that internal paths of the package are closed, and prints `OK <module system>`.
 * It compiles unchanged as CommonJS and as ESM.
 */
const CONSUMER_MAIN = `import 'reflect-metadata';
import { Controller, Get, Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  TokenService,
  ZitadelApi,
  ZitadelDependencyMissingError,
  ZitadelModule,
  ZitadelScopes,
  type ZitadelModuleOptions,
} from 'nestjs-zitadel';
import { ZitadelEmulator } from 'nestjs-zitadel/testing';

@Controller('token')
class TokenController {
  constructor(private readonly tokens: TokenService) {}

  @Get()
  async token(): Promise<{ length: number }> {
    return { length: (await this.tokens.getAccessToken()).length };
  }
}

@Module({})
class AppModule {
  static register(options: ZitadelModuleOptions): DynamicModule {
    return { module: AppModule, imports: [ZitadelModule.forRoot(options)], controllers: [TokenController] };
  }
}

async function main(): Promise<void> {
  const moduleSystem = typeof require === 'function' && typeof module === 'object' ? 'commonjs' : 'module';
  const internal: string = 'nestjs-zitadel/dist/token/token.service.js';
  const internalImport = await import(internal).then(
    () => 'importable',
    (error: { code?: string }) => error.code ?? 'unknown error',
  );
  if (internalImport !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw new Error('an internal path of the package: ' + internalImport);

  const emulator = await ZitadelEmulator.start();
  try {
    const project = emulator.createProject({ name: 'consumer' });
    const user = emulator.createServiceUser({ userName: 'consumer' });
    const key = await emulator.addServiceUserKey(user.userId);
    const app = await NestFactory.create(AppModule.register({ issuer: emulator.issuer, serviceUser: { key } }), { logger: ['error', 'warn'] });
    try {
      await app.listen(0, '127.0.0.1');
      const token = await app.get(TokenService).getAccessToken({ scopes: ['openid', ZitadelScopes.projectAudience(project.id)] });
      if (token.length < 16) throw new Error('no access token');
      const response = await fetch((await app.getUrl()).replace('[::1]', '127.0.0.1') + '/token');
      const body = (await response.json()) as { length?: unknown };
      if (response.status !== 200 || typeof body.length !== 'number' || body.length < 16) {
        throw new Error('GET /token answered ' + response.status + ' ' + JSON.stringify(body));
      }
      // Without the optional peers ZitadelApi is provided, and says what to install once used.
      const service = { typeName: 'zitadel.user.v2.UserService', methods: [{ name: 'GetUserByID', localName: 'getUserByID', methodKind: 'unary', idempotency: 0 }] };
      const users = app.get(ZitadelApi).client(service as never) as unknown as { getUserByID(request: object): Promise<unknown> };
      const missing = await users.getUserByID({}).then(() => undefined, (error: unknown) => error);
      if (!(missing instanceof ZitadelDependencyMissingError)) throw new Error('ZitadelApi without its peers: ' + String(missing));
      console.log('OK ' + moduleSystem);
    } finally {
      await app.close();
    }
  } finally {
    await emulator.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
`;

/**
 * The throwaway app's second source file, added once the optional peers are installed: a typed
 * `ZitadelApi` call to the emulator with `@zitadel/proto`'s `UserService`. Whatever the emulator
 * answers for a user that does not exist, it must come back as a `ZitadelApiError`: the peers
 * loaded, the request was encoded and sent, the answer read.
 */
const CONSUMER_API = `import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ZitadelApi, ZitadelApiError, ZitadelModule } from 'nestjs-zitadel';
import { ZitadelEmulator } from 'nestjs-zitadel/testing';

async function main(): Promise<void> {
  const moduleSystem = typeof require === 'function' && typeof module === 'object' ? 'commonjs' : 'module';
  const emulator = await ZitadelEmulator.start();
  try {
    const user = emulator.createServiceUser({ userName: 'api-consumer' });
    const key = await emulator.addServiceUserKey(user.userId);
    @Module({ imports: [ZitadelModule.forRoot({ issuer: emulator.issuer, serviceUser: { key } })] })
    class ApiModule {}
    const app = await NestFactory.createApplicationContext(ApiModule, { logger: ['error', 'warn'] });
    try {
      // A dynamic import, as a CommonJS app needs it: @zitadel/proto 1.3's own CommonJS build does not
      // load (its cjs files sit in a "type": "module" package; zitadel/zitadel#10290).
      const { UserService } = await import('@zitadel/proto/zitadel/user/v2/user_service_pb.js');
      const users = app.get(ZitadelApi).client(UserService);
      const outcome = await users.getUserByID({ userId: '404404404' }).then(
        (answer) => 'answered ' + answer.$typeName,
        (error: unknown) => (error instanceof ZitadelApiError ? 'ZitadelApiError ' + error.kind : error),
      );
      if (typeof outcome !== 'string' || !outcome.startsWith('ZitadelApiError')) throw new Error('ZitadelApi: ' + String(outcome));
      console.log('OK api ' + moduleSystem + ' (' + outcome + ')');
    } finally {
      await app.close();
    }
  } finally {
    await emulator.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
`;

/**
 * The throwaway app's first-hour file: an `AppModule` as a user writes it (`forRootAsync` reading
 * `ConfigService`, the guard as `APP_GUARD`, introspection results shared through Redis with
 * `new Keyv(new KeyvRedis(url))`: TS2719 in CommonJS apps while the option was typed as keyv's
 * class), booted from the variables of `SeededZitadel` (`nestjs-zitadel/testing`, which must resolve
 * under every supported `moduleResolution`). A user's JWT and opaque token pass `@Roles('admin')`;
 * the opaque token's second use is a Redis hit. Prints `OK first-hour <label>` (the first argument).
 */
const CONSUMER_FIRST_HOUR = `import 'reflect-metadata';
import KeyvRedis from '@keyv/redis';
import { Controller, Get, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { Keyv } from 'keyv';
import { CurrentUser, Roles, ZitadelAuthGuard, ZitadelModule, type ZitadelUser } from 'nestjs-zitadel';
import { SeededZitadel } from 'nestjs-zitadel/testing';

const stores: Keyv[] = [];

@Controller('reports')
class ReportsController {
  @Roles('admin')
  @Get()
  all(@CurrentUser() user: ZitadelUser): { sub: string } {
    return { sub: user.sub };
  }
}

@Module({
  imports: [
    ConfigModule.forRoot({ ignoreEnvFile: true }),
    ZitadelModule.forRootAsync({
      isGlobal: true,
      imports: [ConfigModule],
      inject: [ConfigService],
      useFactory: (config: ConfigService) => {
        const store = new Keyv(new KeyvRedis(config.getOrThrow<string>('REDIS_URL')));
        stores.push(store);
        return {
          issuer: config.getOrThrow<string>('ZITADEL_ISSUER'),
          serviceUser: { keyFile: config.getOrThrow<string>('ZITADEL_SERVICE_USER_KEY_FILE') },
          apiApplication: { keyFile: config.getOrThrow<string>('ZITADEL_API_KEY_FILE') },
          projectId: config.getOrThrow<string>('ZITADEL_PROJECT_ID'),
          introspection: { cache: { stores: [store] } },
        };
      },
    }),
  ],
  controllers: [ReportsController],
  providers: [{ provide: APP_GUARD, useClass: ZitadelAuthGuard }],
})
class AppModule {}

async function main(): Promise<void> {
  const zitadel = await SeededZitadel.start({ roles: ['admin'] });
  try {
    Object.assign(process.env, zitadel.env);
    const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
    try {
      await app.listen(0, '127.0.0.1');
      const url = (await app.getUrl()).replace('[::1]', '127.0.0.1') + '/reports';
      const alice = await zitadel.createUser({ userName: 'alice', roles: ['admin'] });
      const bob = await zitadel.createUser({ userName: 'bob' });
      const status = async (token: string): Promise<number> =>
        (await fetch(url, { headers: { authorization: 'Bearer ' + token } })).status;
      const answers = [
        await status(alice.tokens.jwt),
        await status(alice.tokens.opaque),
        await status(alice.tokens.opaque),
        await status(bob.tokens.jwt),
      ];
      if (answers.join() !== '200,200,200,403') throw new Error('GET /reports answered ' + answers.join());
      const introspections = zitadel.emulator.requestCount('introspect');
      if (introspections !== 1) throw new Error('introspected ' + introspections + ' times, not once: no Redis hit');
      console.log('OK first-hour ' + (process.argv[2] ?? ''));
    } finally {
      await app.close();
      for (const store of stores) await store.disconnect();
    }
  } finally {
    await zitadel.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
`;

/**
 * The `moduleResolution` settings a CommonJS app may have besides `nodenext` (its main tsconfig):
 * Node 16's (with `module: node20`: `module: node16` cannot `require` ESM, so not Nest 12 itself),
 * and the classic `node` (node10) of Nest ≤ 11 apps, which TypeScript 6 deprecates.
 */
const COMMONJS_VARIANTS = {
  node16: { module: 'node20', moduleResolution: 'node16' },
  node10: { module: 'commonjs', moduleResolution: 'node10', ignoreDeprecations: '6.0' },
} as const;

/** The optional peers `ZitadelApi` needs, at the repository's versions. */
export const API_PEERS = ['@zitadel/proto', '@bufbuild/protobuf', '@connectrpc/connect'] as const;

/**
 * Writes a brand-new NestJS app into `dir`: its package.json (the tarball, Nest and TypeScript at
 * the repository's versions), a strict tsconfig (`module: nodenext`) and `src/main.ts`.
 */
export function writeConsumerApp(dir: string, kind: ConsumerKind, tarball: string): void {
  mkdirSync(join(dir, 'src'), { recursive: true });
  const dependencies: Record<string, string> = { 'nestjs-zitadel': `file:${tarball}` };
  for (const name of [
    '@nestjs/common',
    '@nestjs/core',
    '@nestjs/platform-express',
    '@nestjs/config',
    'reflect-metadata',
    'rxjs',
    'keyv',
    '@keyv/redis',
  ]) {
    dependencies[name] = repoVersionOf(name);
  }
  const devDependencies = { typescript: repoVersionOf('typescript'), '@types/node': repoVersionOf('@types/node') };
  const manifest = {
    name: `consumer-${kind}`,
    version: '1.0.0',
    private: true,
    type: kind,
    dependencies,
    devDependencies,
  };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const compilerOptions = {
    target: 'ES2022',
    module: 'nodenext',
    moduleResolution: 'nodenext',
    strict: true,
    noUnusedLocals: true,
    noImplicitReturns: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    esModuleInterop: true,
    // Without the optional peers the package's declarations name types it cannot find (as with
    // any optional peer); Nest's own app template skips library checks. Strict once they are in.
    skipLibCheck: true,
    types: ['node'],
    rootDir: 'src',
    outDir: 'dist',
  };
  writeFileSync(join(dir, 'tsconfig.json'), `${JSON.stringify({ compilerOptions, include: ['src'] }, null, 2)}\n`);
  writeFileSync(join(dir, 'src/main.ts'), CONSUMER_MAIN);
  writeFileSync(join(dir, 'src/first-hour.ts'), CONSUMER_FIRST_HOUR);
  if (kind !== 'commonjs') return;
  for (const [name, options] of Object.entries(COMMONJS_VARIANTS)) {
    const variant = { extends: './tsconfig.json', compilerOptions: { ...options, outDir: `dist-${name}` } };
    writeFileSync(
      join(dir, `tsconfig.${name}.json`),
      `${JSON.stringify({ ...variant, files: ['src/first-hour.ts'], include: [] }, null, 2)}\n`,
    );
  }
}

/** What happened to a throwaway app: each step's output, up to the first failure. */
export interface ConsumerRun {
  readonly install: RunResult;
  /** `tsc -p`: the type check and the build in one run (tsc exits non-zero on any type error). */
  readonly compile?: RunResult;
  readonly start?: RunResult;
  /** `npx nestjs-zitadel --version`: the package's executable, as installed. */
  readonly bin?: RunResult;
  /**
   * `src/first-hour.ts` run as built by the main tsconfig (label `nodenext`), then for a CommonJS
   * app compiled and run under each of `COMMONJS_VARIANTS` (labels `node16`, `node10`), in order.
   */
  readonly firstHour?: readonly { readonly label: string; readonly compile?: RunResult; readonly start?: RunResult }[];
  /** Whether the first install left the optional peers out (npm installs only required peers). */
  readonly peersAbsent?: boolean;
  /** `npm install` of the optional peers, then the strict type check and build, and the run of `src/api.ts`. */
  readonly peers?: RunResult;
  readonly apiCompile?: RunResult;
  readonly apiStart?: RunResult;
}

/**
 * Runs `dist/first-hour.js` (built by the main tsconfig), then for a CommonJS app compiles and runs
 * it under each `moduleResolution` variant; stops at the first failure.
 */
async function runFirstHour(
  dir: string,
  kind: ConsumerKind,
  redisUrl: string,
): Promise<NonNullable<ConsumerRun['firstHour']>> {
  const tsc = join(dir, 'node_modules/typescript/bin/tsc');
  const env = { REDIS_URL: redisUrl };
  const steps: { label: string; compile?: RunResult; start?: RunResult }[] = [];
  const start = await run(process.execPath, [join(dir, 'dist/first-hour.js'), 'nodenext'], dir, 60_000, env);
  steps.push({ label: 'nodenext', start });
  if (start.code !== 0 || kind !== 'commonjs') return steps;
  for (const name of Object.keys(COMMONJS_VARIANTS)) {
    const compile = await run(process.execPath, [tsc, '-p', join(dir, `tsconfig.${name}.json`)], dir);
    if (compile.code !== 0) return [...steps, { label: name, compile }];
    const started = await run(process.execPath, [join(dir, `dist-${name}/first-hour.js`), name], dir, 60_000, env);
    steps.push({ label: name, compile, start: started });
    if (started.code !== 0) return steps;
  }
  return steps;
}

/**
 * Installs the throwaway app, type-checks and compiles it (one `tsc`), runs it, runs its
 * first-hour file (against the Redis at `redisUrl`), then runs the package's executable.
 */
export async function installAndRunConsumer(dir: string, kind: ConsumerKind, redisUrl: string): Promise<ConsumerRun> {
  const install = await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], dir);
  if (install.code !== 0) return { install };
  const tsc = join(dir, 'node_modules/typescript/bin/tsc');
  const compile = await run(process.execPath, [tsc, '-p', dir], dir);
  if (compile.code !== 0) return { install, compile };
  const start = await run(process.execPath, [join(dir, 'dist/main.js')], dir, 60_000);
  if (start.code !== 0) return { install, compile, start };
  const firstHour = await runFirstHour(dir, kind, redisUrl);
  const last = firstHour.at(-1);
  if (last?.start?.code !== 0) return { install, compile, start, firstHour };
  const bin = await run(join(dir, 'node_modules/.bin/nestjs-zitadel'), ['--version'], dir, 60_000);
  if (bin.code !== 0) return { install, compile, start, firstHour, bin };
  const first = {
    install,
    compile,
    start,
    firstHour,
    bin,
    peersAbsent: !API_PEERS.some((name) => existsSync(join(dir, 'node_modules', name))),
  };

  const peers = await run(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      ...API_PEERS.map((name) => `${name}@${repoVersionOf(name)}`),
    ],
    dir,
  );
  if (peers.code !== 0) return { ...first, peers };
  writeFileSync(join(dir, 'src/api.ts'), CONSUMER_API);
  const config = JSON.parse(readFileSync(join(dir, 'tsconfig.json'), 'utf8')) as {
    compilerOptions: Record<string, unknown>;
  };
  config.compilerOptions['skipLibCheck'] = false;
  writeFileSync(join(dir, 'tsconfig.json'), `${JSON.stringify(config, null, 2)}\n`);
  const apiCompile = await run(process.execPath, [tsc, '-p', dir], dir);
  if (apiCompile.code !== 0) return { ...first, peers, apiCompile };
  const apiStart = await run(process.execPath, [join(dir, 'dist/api.js')], dir, 60_000);
  return { ...first, peers, apiCompile, apiStart };
}
