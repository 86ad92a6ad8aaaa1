// The `nestjs-zitadel` CLI, run as a user runs it (the bin the manifest declares, executed
// directly, after the global setup's `npm run build:lib`), against the emulator.
import { execFile } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ZitadelEmulator } from 'nestjs-zitadel/testing';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const LIBRARY = join(ROOT, 'libs/zitadel');
const MANIFEST = JSON.parse(readFileSync(join(LIBRARY, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  type: string;
  bin: Record<string, string>;
};
const BIN_TARGET = MANIFEST.bin['nestjs-zitadel'] ?? '(no nestjs-zitadel bin)';
const BIN = join(LIBRARY, BIN_TARGET);

let zitadel: ZitadelEmulator;
let dir: string;
let serviceUserKeyPath: string;
let serviceUserKeyJson: string;
let apiKeyPath: string;
let apiKeyJson: string;
let projectId: string;
let userId: string;
let secretUser: { clientId: string; clientSecret: string; userId: string };
let basicApi: { clientId: string; clientSecret: string };

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(
  file: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; stdin?: string },
) {
  return new Promise<Run>((resolve) => {
    const child = execFile(
      file,
      [...args],
      { cwd: options.cwd, env: { PATH: process.env['PATH'] ?? '', ...options.env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
      },
    );
    // A program may exit without reading its input (git, a usage error): that is no failure.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.stdin ?? '');
  });
}

/** The declared bin, executed as a program (its run bit and shebang count). */
function cli(args: string[], stdin?: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return run(BIN, args, { stdin, env });
}

beforeAll(async () => {
  zitadel = await ZitadelEmulator.start();
  projectId = zitadel.createProject({ name: 'cli' }).id;
  userId = zitadel.createServiceUser({ userName: 'cli-user' }).userId;
  const withSecret = zitadel.createServiceUser({ userName: 'cli-secret-user', withSecret: true });
  secretUser = {
    clientId: withSecret.clientId ?? '',
    clientSecret: withSecret.clientSecret ?? '',
    userId: withSecret.userId,
  };
  const app = await zitadel.createApiApplication({ projectId, authMethod: 'private_key_jwt' });
  const basic = await zitadel.createApiApplication({ projectId, name: 'basic', authMethod: 'client_secret_basic' });
  basicApi = { clientId: basic.clientId, clientSecret: basic.clientSecret ?? '' };
  dir = await mkdtemp(join(tmpdir(), 'zitadel-cli-'));
  serviceUserKeyPath = join(dir, 'service-user.json');
  apiKeyPath = join(dir, 'api.json');
  serviceUserKeyJson = JSON.stringify(await zitadel.addServiceUserKey(userId));
  apiKeyJson = JSON.stringify(app.keyFile);
  await writeFile(serviceUserKeyPath, serviceUserKeyJson);
  await writeFile(apiKeyPath, apiKeyJson);
});
afterAll(async () => {
  await zitadel.close();
  await rm(dir, { recursive: true, force: true });
});

async function closedPort(): Promise<number> {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  return port;
}

const audience = (): string => `urn:zitadel:iam:org:project:id:${projectId}:aud`;

describe('nestjs-zitadel CLI', () => {
  it('prints an access token, which introspect then reports active', async () => {
    const token = await cli([
      'token',
      '--issuer',
      zitadel.issuer,
      '--key-file',
      serviceUserKeyPath,
      '--scope',
      audience(),
    ]);
    expect(token).toMatchObject({ code: 0, stderr: '' });
    const value = token.stdout.trim();
    expect(value).toMatch(/^\S{20,}$/);
    const viaFlag = await cli(['introspect', '--issuer', zitadel.issuer, '--key-file', apiKeyPath, '--token', value]);
    expect(viaFlag.code).toBe(0);
    expect(JSON.parse(viaFlag.stdout)).toMatchObject({ active: true, sub: userId, aud: [projectId] });
    const viaStdin = await cli(['introspect', '--issuer', zitadel.issuer, '--key-file', apiKeyPath], `${value}\n`);
    expect(JSON.parse(viaStdin.stdout)).toMatchObject({ active: true, sub: userId });
  });

  it('takes the key inline (--key-json) and client id and secret, for both commands', async () => {
    const viaJson = await cli([
      'token',
      '--issuer',
      zitadel.issuer,
      '--key-json',
      serviceUserKeyJson,
      '--scope',
      audience(),
    ]);
    expect(viaJson).toMatchObject({ code: 0, stderr: '' });
    const viaSecret = await cli([
      'token',
      '--issuer',
      zitadel.issuer,
      '--client-id',
      secretUser.clientId,
      '--client-secret',
      secretUser.clientSecret,
      '--scope',
      audience(),
    ]);
    expect(viaSecret).toMatchObject({ code: 0, stderr: '' });
    const asJsonApp = await cli(['introspect', '--issuer', zitadel.issuer, '--key-json', apiKeyJson], viaJson.stdout);
    expect(JSON.parse(asJsonApp.stdout)).toMatchObject({ active: true, sub: userId });
    const asBasicApp = await cli(
      [
        'introspect',
        '--issuer',
        zitadel.issuer,
        '--client-id',
        basicApi.clientId,
        '--client-secret',
        basicApi.clientSecret,
      ],
      viaSecret.stdout,
    );
    expect(JSON.parse(asBasicApp.stdout)).toMatchObject({ active: true, sub: secretUser.userId });
  });

  it("reads the sample app's environment variables, and flags win over them", async () => {
    const env = {
      ZITADEL_ISSUER: zitadel.issuer,
      ZITADEL_SERVICE_USER_CLIENT_ID: secretUser.clientId,
      ZITADEL_SERVICE_USER_CLIENT_SECRET: secretUser.clientSecret,
      ZITADEL_API_KEY_FILE: apiKeyPath,
    };
    const token = await cli(['token', '--scope', audience()], undefined, env);
    expect(token).toMatchObject({ code: 0, stderr: '' });
    const introspected = await cli(['introspect'], token.stdout, env);
    expect(JSON.parse(introspected.stdout)).toMatchObject({ active: true, sub: secretUser.userId });
    const byFlag = await cli(['token', '--key-file', serviceUserKeyPath, '--scope', audience()], undefined, env);
    expect(byFlag.code).toBe(0);
    const flagged = await cli(['introspect'], byFlag.stdout, env);
    expect(JSON.parse(flagged.stdout)).toMatchObject({ active: true, sub: userId });
    const keyJsonEnv = { ZITADEL_ISSUER: zitadel.issuer, ZITADEL_SERVICE_USER_KEY_JSON: serviceUserKeyJson };
    expect(await cli(['token'], undefined, keyJsonEnv)).toMatchObject({ code: 0, stderr: '' });
    const basicEnv = {
      ZITADEL_ISSUER: zitadel.issuer,
      ZITADEL_API_CLIENT_ID: basicApi.clientId,
      ZITADEL_API_CLIENT_SECRET: basicApi.clientSecret,
    };
    expect(JSON.parse((await cli(['introspect'], byFlag.stdout, basicEnv)).stdout)).toMatchObject({ active: true });
  });

  it('prints a personal access token as it is, without asking ZITADEL; it cannot introspect', async () => {
    const pat = 'pat-value-that-must-not-leak-123';
    const before = zitadel.requestCount('discovery');
    expect(await cli(['token', '--issuer', zitadel.issuer, '--pat', pat])).toEqual({
      code: 0,
      stdout: `${pat}\n`,
      stderr: '',
    });
    expect(
      await cli(['token'], undefined, { ZITADEL_ISSUER: zitadel.issuer, ZITADEL_SERVICE_USER_PAT: pat }),
    ).toMatchObject({ code: 0, stdout: `${pat}\n` });
    expect(zitadel.requestCount('discovery')).toBe(before);
    const introspect = await cli(['introspect', '--issuer', zitadel.issuer, '--pat', pat, '--token', 't']);
    expect(introspect).toMatchObject({ code: 2, stderr: expect.stringContaining('--pat applies to "token" only') });
    const scoped = await cli(['token', '--issuer', zitadel.issuer, '--pat', pat, '--scope', 'openid']);
    expect(scoped).toMatchObject({ code: 2, stderr: expect.stringContaining('--scope does not apply') });
    expect(introspect.stderr + scoped.stderr).not.toContain(pat);
  });

  it('exits 3 for an inactive token, still printing the answer', async () => {
    const inactive = await cli([
      'introspect',
      '--issuer',
      zitadel.issuer,
      '--key-file',
      apiKeyPath,
      '--token',
      'no-such-token',
    ]);
    expect(inactive.code).toBe(3);
    expect(JSON.parse(inactive.stdout)).toEqual({ active: false });
    expect(inactive.stderr).toBe('');
    // Opaque tokens are base64url: one in 64 starts with '-', which only the '=' form passes as a value.
    const dashed = await cli(['introspect', '--issuer', zitadel.issuer, '--key-file', apiKeyPath, '--token=-no-such']);
    expect(dashed).toMatchObject({ code: 3, stderr: '' });
  });

  it('lists every option, the environment variables and the exit codes in --help', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    for (const word of [
      'token',
      'introspect',
      '--issuer',
      '--allow-insecure-issuer',
      '--trusted-origin',
      '--key-file',
      '--key-json',
      '--client-id',
      '--client-secret',
      '--pat',
      '--scope',
      '--token',
      '--help',
      '--version',
      'ZITADEL_ISSUER',
      'ZITADEL_SERVICE_USER_PAT',
      'ZITADEL_API_CLIENT_SECRET',
      'Exit codes',
      '3  introspect: the token is not active',
    ])
      expect(help.stdout).toContain(word);
  });

  it('exits 2 for bad usage, suggesting the closest option or command for a typo', async () => {
    expect(await cli(['token', '--key-file', serviceUserKeyPath])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--issuer is required'),
    });
    expect(await cli(['mint'])).toMatchObject({ code: 2, stderr: expect.stringContaining('Unknown command "mint"') });
    expect(await cli(['tokne', '--issuer', zitadel.issuer])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('did you mean "token"?'),
    });
    expect(await cli(['token', '--issuer', zitadel.issuer, '--key-fil', serviceUserKeyPath])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('Unknown option --key-fil; did you mean --key-file?'),
    });
    expect(await cli(['introspect', '--issuer', zitadel.issuer, '--client-secrte', 's'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('did you mean --client-secret?'),
    });
  });

  it('speaks CLI words in configuration errors and never echoes a secret', async () => {
    const insecure = await cli(['token', '--issuer', 'http://zitadel.example', '--key-file', serviceUserKeyPath]);
    expect(insecure.code).toBe(2);
    expect(insecure.stderr).toContain('--issuer: must use https');
    expect(insecure.stderr).toContain('--allow-insecure-issuer');
    const wrongType = await cli(['token', '--issuer', zitadel.issuer, '--key-file', apiKeyPath]);
    expect(wrongType.code).toBe(2);
    expect(wrongType.stderr).toContain('use it with "introspect", not "token"');
    const fromEnv = await cli(['introspect', '--token', 't'], undefined, {
      ZITADEL_ISSUER: 'ftp://zitadel.example',
      ZITADEL_API_KEY_FILE: serviceUserKeyPath,
    });
    expect(fromEnv.stderr).toContain('ZITADEL_ISSUER: must use https');
    expect(fromEnv.stderr).toContain('ZITADEL_API_KEY_FILE:');
    const halfSecret = await cli(['token', '--issuer', zitadel.issuer, '--client-secret', 'hunter2-secret']);
    expect(halfSecret).toMatchObject({ code: 2, stderr: expect.stringContaining('--client-id and --client-secret') });
    const stray = await cli(['introspect', '--issuer', zitadel.issuer, '--key-file', apiKeyPath, 'stray-token-value']);
    expect(stray.code).toBe(2);
    const all = [insecure, wrongType, fromEnv, halfSecret, stray].map((result) => result.stderr).join('\n');
    for (const word of ['allowInsecureIssuer', 'ZitadelModule', 'serviceUser', 'apiApplication', 'PRIVATE KEY'])
      expect(all).not.toContain(word);
    expect(all).not.toContain('hunter2-secret');
    expect(all).not.toContain('stray-token-value');
  });

  it('exits 2 naming the flag and field of a bad key file, without echoing key material', async () => {
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ type: 'serviceaccount', keyId: '1', userId: '2', key: 'not a key' }));
    const result = await cli(['token', '--issuer', zitadel.issuer, '--key-file', bad]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--key-file: ${bad}: "key" is not a PEM-encoded private key`);
    const inline = await cli(['token', '--issuer', zitadel.issuer, '--key-json', '{"type":"serviceaccount"}']);
    expect(inline).toMatchObject({ code: 2, stderr: expect.stringContaining('--key-json: "userId" is missing') });
  });

  it('exits 1 naming the URL it could not reach: the discovery document, then the endpoint', async () => {
    const issuer = `http://127.0.0.1:${await closedPort()}`;
    const unreachable = await cli(['token', '--issuer', issuer, '--key-file', serviceUserKeyPath]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain('unreachable: ECONNREFUSED');
    expect(unreachable.stderr).toContain(`${issuer}/.well-known/openid-configuration`);
    const remove = zitadel.injectFault({ endpoint: 'token', drop: true });
    try {
      const dropped = await cli(['token', '--issuer', zitadel.issuer, '--key-file', serviceUserKeyPath]);
      expect(dropped.code).toBe(1);
      expect(dropped.stderr).toContain(`ZITADEL token endpoint is unreachable`);
      expect(dropped.stderr).toContain(`${zitadel.issuer}/oauth/v2/token`);
    } finally {
      remove();
    }
    const removeIntrospection = zitadel.injectFault({ endpoint: 'introspect', drop: true });
    try {
      const dropped = await cli(['introspect', '--issuer', zitadel.issuer, '--key-file', apiKeyPath, '--token', 't']);
      expect(dropped.code).toBe(1);
      expect(dropped.stderr).toContain(`${zitadel.issuer}/oauth/v2/introspect`);
    } finally {
      removeIntrospection();
    }
  });

  it('exits 1 for a rejected grant, without the secret', async () => {
    // A key file whose userId is another user's: ZITADEL refuses the assertion.
    const stranger = zitadel.createServiceUser({ userName: 'cli-stranger' });
    const forged = join(dir, 'forged.json');
    await writeFile(forged, JSON.stringify({ ...(await zitadel.addServiceUserKey(stranger.userId)), userId }));
    const rejected = await cli(['token', '--issuer', zitadel.issuer, '--key-file', forged]);
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toMatch(/token endpoint refused the request \(400 invalid_grant/);
    const wrongSecret = 'wrong-secret-not-to-print';
    const refused = await cli([
      'token',
      '--issuer',
      zitadel.issuer,
      '--client-id',
      secretUser.clientId,
      '--client-secret',
      wrongSecret,
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).not.toContain(wrongSecret);
  });
});

describe('the nestjs-zitadel bin in an npm workspace', () => {
  let workspace: string;
  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'zitadel-cli-workspace-'));
  });
  afterAll(() => rm(workspace, { recursive: true, force: true }));

  it('is a committed file with its run bit in git, and runnable on disk', async () => {
    const listed = await run('git', ['ls-files', '--stage', '--', BIN_TARGET], { cwd: LIBRARY });
    expect(listed.stdout).toMatch(/^100755 /);
    expect(() => accessSync(BIN, constants.X_OK)).not.toThrow();
    expect((await cli(['--version'])).stdout).toBe(`${MANIFEST.version}\n`);
  });

  it('is linked by npm install before dist/ exists, and runs with npx once it is built', async () => {
    // The library's manifest (bin included) without dependencies, so the install needs no registry.
    const lib = join(workspace, 'lib');
    await mkdir(join(lib, dirname(BIN_TARGET)), { recursive: true });
    const { name, version, type, bin } = MANIFEST;
    await writeFile(join(lib, 'package.json'), JSON.stringify({ name, version, type, bin }));
    await cp(join(LIBRARY, dirname(BIN_TARGET)), join(lib, dirname(BIN_TARGET)), { recursive: true });
    await writeFile(join(workspace, 'package.json'), JSON.stringify({ name: 'w', private: true, workspaces: ['lib'] }));
    const install = await run('npm', ['install', '--ignore-scripts', '--offline', '--no-audit', '--no-fund'], {
      cwd: workspace,
      env: { HOME: process.env['HOME'] ?? workspace },
    });
    expect(install).toMatchObject({ code: 0 });
    const npx = (): Promise<Run> =>
      run('npm', ['exec', '--offline', '--', 'nestjs-zitadel', '--version'], {
        cwd: workspace,
        env: { HOME: process.env['HOME'] ?? workspace },
      });
    const unbuilt = await npx();
    expect(unbuilt).toMatchObject({ code: 1, stderr: expect.stringContaining('run "npm run build:lib"') });
    // "Building" after the install: the global setup's build output appears under the package.
    await symlink(join(LIBRARY, 'dist'), join(lib, 'dist'), 'dir');
    expect(await npx()).toMatchObject({ code: 0, stdout: `${version}\n` });
  });
});
