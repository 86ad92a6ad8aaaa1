// The built `nestjs-zitadel` CLI, run as a user runs it, against the emulator.
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ZitadelEmulator } from 'nestjs-zitadel/testing';

const BIN = fileURLToPath(new URL('../libs/zitadel/dist/cli/bin.js', import.meta.url));

let zitadel: ZitadelEmulator;
let dir: string;
let serviceUserKeyPath: string;
let apiKeyPath: string;
let projectId: string;
let userId: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], stdin?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { env: { PATH: process.env['PATH'] ?? '' }, timeout: 30_000 },
      (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
      },
    );
    child.stdin?.end(stdin ?? '');
  });
}

beforeAll(async () => {
  zitadel = await ZitadelEmulator.start();
  projectId = zitadel.createProject({ name: 'cli' }).id;
  const user = zitadel.createServiceUser({ userName: 'cli-user' });
  userId = user.userId;
  const app = await zitadel.createApiApplication({ projectId, authMethod: 'private_key_jwt' });
  dir = await mkdtemp(join(tmpdir(), 'zitadel-cli-'));
  serviceUserKeyPath = join(dir, 'service-user.json');
  apiKeyPath = join(dir, 'api.json');
  await writeFile(serviceUserKeyPath, JSON.stringify(await zitadel.addServiceUserKey(userId)));
  await writeFile(apiKeyPath, JSON.stringify(app.keyFile));
});
afterAll(() => zitadel.close());

describe('nestjs-zitadel CLI', () => {
  it('prints an access token, which introspect then reports active', async () => {
    const token = await cli([
      'token',
      '--issuer',
      zitadel.issuer,
      '--key-file',
      serviceUserKeyPath,
      '--scope',
      `urn:zitadel:iam:org:project:id:${projectId}:aud`,
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

  it('lists every option in --help', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    for (const option of ['token', 'introspect', '--issuer', '--key-file', '--scope', '--token', '--help', '--version'])
      expect(help.stdout).toContain(option);
  });

  it('exits 2 with a clear message for bad usage', async () => {
    expect(await cli(['token', '--key-file', serviceUserKeyPath])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--issuer is required'),
    });
    expect(await cli(['mint'])).toMatchObject({ code: 2, stderr: expect.stringContaining('Unknown command "mint"') });
  });

  it('exits 1 naming the field of a bad key file, without echoing key material', async () => {
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ type: 'serviceaccount', keyId: '1', userId: '2', key: 'not a key' }));
    const run = await cli(['token', '--issuer', zitadel.issuer, '--key-file', bad]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`serviceUser.keyFile: ${bad}: "key" is not a PEM-encoded private key`);
    const wrongType = await cli(['token', '--issuer', zitadel.issuer, '--key-file', apiKeyPath]);
    expect(wrongType.code).toBe(1);
    expect(wrongType.stderr).toContain('configure it as apiApplication');
    expect(wrongType.stderr).not.toContain('PRIVATE KEY');
  });

  it('exits 1 for an unreachable issuer and for a rejected grant', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = await cli(['token', '--issuer', `http://127.0.0.1:${port}`, '--key-file', serviceUserKeyPath]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/unreachable: ECONNREFUSED/);
    // A key file whose userId is another user's: ZITADEL refuses the assertion.
    const stranger = zitadel.createServiceUser({ userName: 'cli-stranger' });
    const forged = join(dir, 'forged.json');
    await writeFile(forged, JSON.stringify({ ...(await zitadel.addServiceUserKey(stranger.userId)), userId }));
    const rejected = await cli(['token', '--issuer', zitadel.issuer, '--key-file', forged]);
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toMatch(/token endpoint refused the request \(400 invalid_grant/);
  });
});
