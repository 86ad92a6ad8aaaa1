// The sample app (apps/sample) run as a user runs it: with the embedded ZITADEL (in-process through
// its bootstrap function, and as `node dist/apps/sample/main.js` following the curl commands it
// prints), and pointed at a separate ZITADEL through environment variables only.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ZitadelManagementClient, ZitadelNotFoundError, ZitadelScopes } from 'nestjs-zitadel';
import { ZitadelEmulator } from 'nestjs-zitadel/testing';
import { bootstrap, type SampleApp } from '../apps/sample/src/bootstrap.js';
import { SampleConfigurationError } from '../apps/sample/src/config/zitadel.config.js';
import { RecordingLogger } from './support/nest-app.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const INVALID_TOKEN = /^Bearer realm="api", error="invalid_token"/;
const INSUFFICIENT_SCOPE = 'Bearer realm="api", error="insufficient_scope"';
/** A developer's own `.env` in the working directory stays out of these tests. */
const NO_ENV_FILE: string[] = [];

interface Answer {
  status: number;
  body: unknown;
  text: string;
  challenge: string | null;
}

async function call(url: string, token?: string, init: { method?: string; body?: unknown } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers,
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, body, text, challenge: response.headers.get('www-authenticate') };
}

/**
 * Runs a printed `npx nestjs-zitadel ...` line with the workspace's bin (what npx finds in a
 * checkout): its words split on spaces, as a shell would split these (no quotes in them).
 */
function runCli(line: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const args = line.replace(/^npx nestjs-zitadel /, '').split(/ +/);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(ROOT, 'libs/zitadel/bin/nestjs-zitadel.js'), ...args],
      { env: { PATH: process.env['PATH'] ?? '' } },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }),
    );
  });
}

/** Text as ZITADEL's JSON carries bytes. */
const base64 = (text: string): string => Buffer.from(text).toString('base64');

const newUser = (userName: string) => ({
  userName,
  email: `${userName}@acme.localhost`,
  firstName: 'New',
  lastName: 'User',
});

describe('sample app with the embedded ZITADEL (bootstrap)', () => {
  let sample: SampleApp;
  const logs = new RecordingLogger();
  let alice: string;
  let bob: string;
  let acme: string;
  let globex: string;
  const get = (path: string, token?: string) => call(`${sample.url}${path}`, token);
  const post = (path: string, token: string | undefined, body: unknown) =>
    call(`${sample.url}${path}`, token, { method: 'POST', body });
  const put = (path: string, token: string | undefined, body: unknown) =>
    call(`${sample.url}${path}`, token, { method: 'PUT', body });

  beforeAll(async () => {
    sample = await bootstrap({
      port: 0,
      env: { ZITADEL_ISSUER: '', ZITADEL_USERS_ORG_ID: '' },
      envFilePath: NO_ENV_FILE,
      logger: logs,
    });
    const seed = sample.embedded?.seed;
    if (seed === undefined) throw new Error('the embedded ZITADEL did not start');
    alice = seed.admin.token;
    bob = seed.user.token;
    acme = seed.org.id;
    globex = seed.otherOrg.id;
  });
  afterAll(() => sample?.close());

  it('serves GET /health without a token, from the terminus indicator of nestjs-zitadel/health', async () => {
    expect(await get('/health')).toMatchObject({
      status: 200,
      body: {
        status: 'ok',
        info: {
          zitadel: {
            status: 'up',
            discovery: 'up',
            jwks: 'up',
            serviceUser: 'accepted',
            apiApplication: 'accepted',
          },
        },
      },
    });
    const zitadel = sample.embedded?.emulator;
    if (zitadel === undefined) throw new Error('no emulator');
    const heal = zitadel.injectFault({ endpoint: 'jwks', drop: true });
    try {
      const down = await get('/health');
      expect(down).toMatchObject({ status: 503, body: { status: 'error', error: { zitadel: { jwks: 'down' } } } });
      expect(down.text).not.toContain(alice);
    } finally {
      heal();
    }
    expect((await get('/health')).status).toBe(200);
  });

  it('answers GET /me with the caller, and 401 without a valid token', async () => {
    const me = await get('/me', alice);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      sub: sample.embedded?.seed.admin.userId,
      userName: 'alice',
      email: 'alice@acme.localhost',
      organisation: { id: acme, name: 'Acme' },
      roles: {
        admin: { [acme]: 'acme.localhost' },
        reader: { [acme]: 'acme.localhost', [globex]: 'globex.localhost' },
      },
    });
    expect((await get('/me', bob)).body).toMatchObject({
      userName: 'bob',
      roles: { reader: { [acme]: 'acme.localhost' } },
    });
    expect(await get('/me')).toMatchObject({ status: 401, challenge: 'Bearer realm="api"' });
    expect(await get('/me', 'not-a-valid-token')).toMatchObject({
      status: 401,
      challenge: expect.stringMatching(INVALID_TOKEN),
    });
  });

  it('answers GET /reports for a reader or admin of any organisation, 403 for a user without either', async () => {
    const all = await get('/reports', alice);
    expect(all.status).toBe(200);
    expect(new Set((all.body as { orgId: string }[]).map((report) => report.orgId))).toEqual(new Set([acme, globex]));
    const mine = await get('/reports', bob);
    expect(mine.status).toBe(200);
    expect(new Set((mine.body as { orgId: string }[]).map((report) => report.orgId))).toEqual(new Set([acme]));

    const zitadel = sample.embedded?.emulator;
    if (zitadel === undefined) throw new Error('no emulator');
    const nobody = zitadel.createHumanUser({ userName: 'nobody', orgId: acme });
    const token = await zitadel.issueToken({
      userId: nobody.userId,
      scopes: ['openid', ZitadelScopes.projectAudience(sample.embedded?.seed.projectId ?? '')],
    });
    expect(await get('/me', token)).toMatchObject({ status: 200, body: { sub: nobody.userId, roles: {} } });
    expect(await get('/reports', token)).toMatchObject({ status: 403, challenge: INSUFFICIENT_SCOPE });
    expect(await get('/reports')).toMatchObject({ status: 401 });
  });

  it('answers GET /orgs/:orgId/reports only when that organisation granted the role', async () => {
    expect(await get(`/orgs/${globex}/reports`, alice)).toMatchObject({
      status: 200,
      body: [{ orgId: globex }, { orgId: globex }],
    });
    expect(await get(`/orgs/${acme}/reports`, bob)).toMatchObject({ status: 200 });
    expect(await get(`/orgs/${globex}/reports`, bob)).toMatchObject({ status: 403, challenge: INSUFFICIENT_SCOPE });
    expect(await get('/orgs/123/reports', alice)).toMatchObject({ status: 403 });
    expect(await get(`/orgs/${acme}/reports`, 'garbage')).toMatchObject({ status: 401 });
  });

  it('creates a user in ZITADEL on POST /users for an admin, through the v2 user service over Connect', async () => {
    const zitadel = sample.embedded?.emulator;
    if (zitadel === undefined) throw new Error('no emulator');
    const before = zitadel.requests.length;
    const created = await post('/users', alice, newUser('carol'));
    expect(created).toMatchObject({ status: 201, body: { userName: 'carol', userId: expect.any(String) } });
    expect(created.body).not.toHaveProperty('orgId');
    const { userId } = created.body as { userId: string };
    const calls = zitadel.requests.slice(before).filter((entry) => entry.endpoint === 'management');
    expect(calls).toEqual([
      expect.objectContaining({ method: 'POST', path: '/zitadel.user.v2.UserService/AddHumanUser', status: 200 }),
    ]);

    // The same user over v1: created in the service user's organisation, with the body's fields.
    const { user } = await sample.app.get(ZitadelManagementClient).getUserById(userId);
    expect(user).toMatchObject({
      id: userId,
      userName: 'carol',
      details: { resourceOwner: acme },
      human: { profile: { firstName: 'New', lastName: 'User' }, email: { email: 'carol@acme.localhost' } },
    });

    expect(await post('/users', alice, newUser('carol'))).toMatchObject({
      status: 409,
      body: { message: 'A user with this user name exists already' },
    });
  });

  it('answers 503 on POST /users when ZITADEL cannot be reached, and creates the user once it can', async () => {
    const zitadel = sample.embedded?.emulator;
    if (zitadel === undefined) throw new Error('no emulator');
    const heal = zitadel.injectFault({ endpoint: 'management', drop: true });
    try {
      expect(await post('/users', alice, newUser('erin'))).toMatchObject({
        status: 503,
        body: { message: 'ZITADEL is unavailable' },
      });
    } finally {
      heal();
    }
    expect(await post('/users', alice, newUser('erin'))).toMatchObject({ status: 201 });
  });

  it('refuses POST /users to non-admins (403), without a token (401) and with a bad body (400)', async () => {
    expect(await post('/users', bob, newUser('dave'))).toMatchObject({ status: 403, challenge: INSUFFICIENT_SCOPE });
    expect(await post('/users', undefined, newUser('dave'))).toMatchObject({ status: 401 });
    expect(await post('/users', 'garbage', newUser('dave'))).toMatchObject({
      status: 401,
      challenge: expect.stringMatching(INVALID_TOKEN),
    });
    const extra = await post('/users', alice, { ...newUser('dave'), isAdmin: true });
    expect(extra.status).toBe(400);
    expect(extra.text).toContain('unknown field \\"isAdmin\\"');
    for (const [type, body] of [
      ['application/x-www-form-urlencoded', 'userName=dave&email=dave%40acme.localhost&firstName=D&lastName=U'],
      ['text/plain', JSON.stringify(newUser('dave'))],
    ] as const) {
      const response = await fetch(`${sample.url}/users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${alice}`, 'content-type': type },
        body,
      });
      expect({ type, status: response.status }).toEqual({ type, status: 415 });
      expect(await response.text()).toContain('Content-Type: application/json');
    }
    // Nothing was created by the refused calls.
    expect((await post('/users', alice, newUser('dave'))).status).toBe(201);
    const bad = await post('/users', alice, { userName: '', email: 'nope', lastName: 42 });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('userName');
    expect(bad.text).toContain('firstName');
    expect(bad.text).toContain('email must be an email address');
  });

  it("sets and lists a user's metadata through SetUserMetadata and ListUserMetadata, bytes as base64", async () => {
    const zitadel = sample.embedded?.emulator;
    if (zitadel === undefined) throw new Error('no emulator');
    const { userId } = zitadel.createHumanUser({ userName: 'meta', orgId: acme });
    expect(await get(`/users/${userId}/metadata`, alice)).toMatchObject({ status: 200, body: [] });

    const before = zitadel.requests.length;
    const binary = Buffer.from([0, 255, 128, 10, 0x7f]).toString('base64');
    const set = await put(`/users/${userId}/metadata/theme`, alice, { value: base64('light') });
    expect(set).toMatchObject({
      status: 200,
      body: { key: 'theme', value: base64('light'), changedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
    });
    expect((await put(`/users/${userId}/metadata/theme`, alice, { value: base64('dark') })).status).toBe(200);
    expect((await put(`/users/${userId}/metadata/Avatar%20Bytes`, alice, { value: binary })).status).toBe(200);
    const listed = await get(`/users/${userId}/metadata`, alice);
    expect(listed).toMatchObject({
      status: 200,
      body: [
        { key: 'Avatar Bytes', value: binary, changedAt: expect.any(String) },
        { key: 'theme', value: base64('dark'), changedAt: expect.any(String) },
      ],
    });
    expect((listed.body as unknown[]).length).toBe(2);
    expect(
      zitadel.requests
        .slice(before)
        .filter((entry) => entry.endpoint === 'management')
        .map((entry) => `${entry.path} ${entry.status}`),
    ).toEqual([
      '/zitadel.user.v2.UserService/SetUserMetadata 200',
      '/zitadel.user.v2.UserService/SetUserMetadata 200',
      '/zitadel.user.v2.UserService/SetUserMetadata 200',
      '/zitadel.user.v2.UserService/ListUserMetadata 200',
    ]);
    // Another user's metadata is its own.
    expect(await get(`/users/${sample.embedded?.seed.user.userId}/metadata`, alice)).not.toMatchObject({
      body: expect.arrayContaining([expect.objectContaining({ key: 'Avatar Bytes' })]),
    });
  });

  it('lists every metadata entry of a user, past one page of ZITADEL', async () => {
    const zitadel = sample.embedded?.emulator;
    if (zitadel === undefined) throw new Error('no emulator');
    const { userId } = zitadel.createHumanUser({ userName: 'many-keys', orgId: acme });
    const keys = Array.from({ length: 105 }, (_, i) => `key-${String(i).padStart(3, '0')}`);
    for (const key of keys)
      expect((await put(`/users/${userId}/metadata/${key}`, alice, { value: base64(key) })).status).toBe(200);
    const listed = await get(`/users/${userId}/metadata`, alice);
    expect(listed.status).toBe(200);
    expect((listed.body as { key: string; value: string }[]).map(({ key, value }) => [key, value])).toEqual(
      keys.map((key) => [key, base64(key)]),
    );
  });

  it('refuses the metadata routes to non-admins (403), without a token (401), and with a bad value (400)', async () => {
    const bobId = sample.embedded?.seed.user.userId ?? '';
    expect(await get(`/users/${bobId}/metadata`, bob)).toMatchObject({ status: 403, challenge: INSUFFICIENT_SCOPE });
    expect(await put(`/users/${bobId}/metadata/theme`, bob, { value: base64('dark') })).toMatchObject({
      status: 403,
      challenge: INSUFFICIENT_SCOPE,
    });
    expect(await get(`/users/${bobId}/metadata`)).toMatchObject({ status: 401 });
    expect(await put(`/users/${bobId}/metadata/theme`, undefined, { value: base64('dark') })).toMatchObject({
      status: 401,
    });
    for (const body of [{}, { value: '' }, { value: 'not base64!' }, { value: 'ZGFyaw' }, { value: 42 }, []]) {
      const bad = await put(`/users/${bobId}/metadata/theme`, alice, body);
      expect({ body, status: bad.status }).toEqual({ body, status: 400 });
      expect(bad.text).toContain('value must be a non-empty base64 string');
    }
    const longKey = await put(`/users/${bobId}/metadata/${'k'.repeat(201)}`, alice, { value: base64('dark') });
    expect(longKey).toMatchObject({ status: 400 });
    expect(longKey.text).toContain('key must be 1 to 200 characters');
    // Nothing was stored by the refused calls.
    expect((await get(`/users/${bobId}/metadata`, alice)).body).not.toEqual(
      expect.arrayContaining([expect.objectContaining({ key: 'theme', value: base64('dark') })]),
    );
  });

  it('answers 404 on the metadata routes for a user ZITADEL does not know', async () => {
    expect(await get('/users/123456789/metadata', alice)).toMatchObject({
      status: 404,
      body: { message: 'No such user' },
    });
    expect(await put('/users/123456789/metadata/theme', alice, { value: base64('dark') })).toMatchObject({
      status: 404,
      body: { message: 'No such user' },
    });
  });

  it('answers 503 on the metadata routes when ZITADEL cannot be reached', async () => {
    const zitadel = sample.embedded?.emulator;
    if (zitadel === undefined) throw new Error('no emulator');
    const bobId = sample.embedded?.seed.user.userId ?? '';
    const heal = zitadel.injectFault({ endpoint: 'management', drop: true });
    try {
      expect(await get(`/users/${bobId}/metadata`, alice)).toMatchObject({ status: 503 });
      expect(await put(`/users/${bobId}/metadata/x`, alice, { value: base64('y') })).toMatchObject({ status: 503 });
    } finally {
      heal();
    }
    expect(await get(`/users/${bobId}/metadata`, alice)).toMatchObject({ status: 200 });
  });

  it('serves OpenAPI docs at /docs, with the guard described by nestjs-zitadel/swagger', async () => {
    const ui = await get('/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger-ui');
    type Operation = { security?: unknown; responses: Record<string, { description: string }> };
    const document = (await get('/docs-json')).body as {
      paths: Record<string, Record<string, Operation>>;
      components: { securitySchemes: Record<string, Record<string, unknown>> };
    };
    const guarded = [
      ['/me', 'get'],
      ['/on-behalf-of', 'get'],
      ['/actions/events', 'get'],
      ['/reports', 'get'],
      ['/orgs/{orgId}/reports', 'get'],
      ['/users', 'post'],
      ['/users/{userId}/metadata', 'get'],
      ['/users/{userId}/metadata/{key}', 'put'],
    ] as const;
    expect(Object.keys(document.paths).sort()).toEqual(['/health', ...guarded.map(([path]) => path)].sort());
    // The demo tokens are opaque: no bearerFormat.
    expect(document.components.securitySchemes).toEqual({
      bearer: { type: 'http', scheme: 'bearer', description: expect.stringContaining('opaque') },
    });
    for (const [path, method] of guarded) {
      const operation = document.paths[path]?.[method];
      expect({ path, security: operation?.security }).toEqual({ path, security: [{ bearer: [] }] });
      expect({ path, answers: Object.keys(operation?.responses ?? {}) }).toEqual({
        path,
        answers: expect.arrayContaining(['401', '503', ...(path === '/me' || path === '/on-behalf-of' ? [] : ['403'])]),
      });
    }
    expect(document.paths['/me']?.['get']?.responses).not.toHaveProperty('403');
    // ZITADEL's signed calls to the Actions targets are not part of the app's API.
    expect(Object.keys(document.paths).filter((path) => path.startsWith('/zitadel'))).toEqual([]);
    expect(document.paths['/health']?.['get']).not.toHaveProperty('security');
    expect(document.paths['/reports']?.['get']?.responses['403']?.description).toBe(
      'Needs one of the roles "reader", "admin", granted by any organisation',
    );
    expect(document.paths['/orgs/{orgId}/reports']?.['get']?.responses['403']?.description).toContain(
      'the route parameter "orgId"',
    );
    expect(document.paths['/users']?.['post']?.responses['403']?.description).toContain('"admin"');
    expect(document.paths['/users']).toMatchObject({
      post: { responses: { 201: {}, 400: {}, 409: {}, 415: {}, 502: {}, 503: {} } },
    });
    expect(document.paths['/users/{userId}/metadata/{key}']).toMatchObject({
      put: { requestBody: { content: { 'application/json': {} } }, responses: { 200: {}, 404: {}, 502: {} } },
    });
  });

  it('prints CLI commands with key files of the embedded ZITADEL, and they work', async () => {
    const commands = sample.banner.filter((line) => line.startsWith('npx nestjs-zitadel '));
    expect(commands).toHaveLength(2);
    // The '=' form: an opaque token may start with '-' (it failed one run in 64 as two words).
    expect(commands[1]).toContain(` --token=${sample.embedded?.seed.admin.token}`);
    const [token, introspect] = commands.map((line) => runCli(line));
    const minted = await token;
    expect(minted).toMatchObject({ code: 0, stderr: '' });
    expect(minted?.stdout.trim()).toMatch(/^\S{20,}$/);
    const answer = await introspect;
    expect(answer).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(answer?.stdout ?? '')).toMatchObject({ active: true, sub: sample.embedded?.seed.admin.userId });
  });

  it('removes the key files it printed when it stops, and writes them for its user only', async () => {
    const other = await bootstrap({ port: 0, env: { ZITADEL_ISSUER: '' }, envFilePath: NO_ENV_FILE, logger: false });
    const files = other.embedded?.keyFiles;
    if (files === undefined) throw new Error('no key files');
    expect(existsSync(files.serviceUser) && existsSync(files.apiApplication)).toBe(true);
    expect(statSync(files.serviceUser).mode & 0o077).toBe(0);
    expect(statSync(files.dir).mode & 0o077).toBe(0);
    await other.close();
    expect(existsSync(files.dir)).toBe(false);
  });

  it('prints curl commands with the demo tokens, and logs no token', () => {
    const curls = sample.banner.filter((line) => line.startsWith('curl '));
    expect(curls.filter((line) => line.includes(alice)).length).toBeGreaterThan(0);
    const bobId = sample.embedded?.seed.user.userId;
    expect(curls).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`${alice}' -X PUT .*/users/${bobId}/metadata/theme +# 200$`)),
        expect.stringMatching(new RegExp(`${alice}' .*/users/${bobId}/metadata +# 200$`)),
        expect.stringMatching(new RegExp(`${bob}' .*/users/${bobId}/metadata +# 403$`)),
      ]),
    );
    expect(curls.filter((line) => line.includes(bob)).length).toBeGreaterThan(0);
    for (const line of logs.lines) {
      expect(line).not.toContain(alice);
      expect(line).not.toContain(bob);
    }
  });
});

describe('sample app pointed at a ZITADEL through environment variables', () => {
  let zitadel: ZitadelEmulator;
  let dir: string;
  let env: Record<string, string>;
  let projectId: string;
  let adminToken: string;
  let adminId: string;
  let serviceUserId: string;

  beforeAll(async () => {
    zitadel = await ZitadelEmulator.start();
    const org = zitadel.createOrg({ name: 'Initech' });
    projectId = zitadel.createProject({ name: 'api', orgId: org.id }).id;
    for (const key of ['admin', 'reader']) zitadel.addProjectRole(projectId, { key });
    const service = zitadel.createServiceUser({ userName: 'api-service', orgId: org.id });
    zitadel.addOrgMember(org.id, service.userId, ['ORG_USER_MANAGER']);
    serviceUserId = service.userId;
    const api = await zitadel.createApiApplication({ projectId, authMethod: 'private_key_jwt' });
    const admin = zitadel.createHumanUser({ userName: 'peter', orgId: org.id });
    adminId = admin.userId;
    zitadel.grantRoles({ userId: admin.userId, projectId, roleKeys: ['admin'] });
    adminToken = await zitadel.issueToken({
      userId: admin.userId,
      scopes: ['openid', ZitadelScopes.projectAudience(projectId), ZitadelScopes.allProjectRoles()],
    });
    dir = await mkdtemp(join(tmpdir(), 'sample-env-'));
    await writeFile(join(dir, 'service-user.json'), JSON.stringify(await zitadel.addServiceUserKey(service.userId)));
    await writeFile(join(dir, 'api.json'), JSON.stringify(api.keyFile));
    env = {
      ZITADEL_ISSUER: zitadel.issuer,
      ZITADEL_PROJECT_ID: projectId,
      ZITADEL_SERVICE_USER_KEY_FILE: join(dir, 'service-user.json'),
      ZITADEL_API_KEY_FILE: join(dir, 'api.json'),
    };
  });
  afterAll(async () => {
    await zitadel?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('runs unchanged: no embedded ZITADEL, tokens of that instance accepted, users created there', async () => {
    const sample = await bootstrap({ port: 0, env, envFilePath: NO_ENV_FILE, logger: false });
    try {
      expect(sample.embedded).toBeUndefined();
      expect(sample.issuer).toBe(zitadel.issuer);
      expect(sample.banner.join('\n')).not.toContain('curl');
      expect((await call(`${sample.url}/me`, adminToken)).status).toBe(200);
      expect((await call(`${sample.url}/reports`, adminToken)).status).toBe(200);
      const created = await call(`${sample.url}/users`, adminToken, { method: 'POST', body: newUser('michael') });
      expect(created.status).toBe(201);
      const { userId } = created.body as { userId: string };
      expect((await sample.app.get(ZitadelManagementClient).getUserById(userId)).user).toMatchObject({
        userName: 'michael',
      });
    } finally {
      await sample.close();
    }
  });

  it("answers 502 on POST /users when the app's service user may not create users", async () => {
    const powerless = zitadel.createServiceUser({ userName: 'powerless' });
    const key = JSON.stringify(await zitadel.addServiceUserKey(powerless.userId));
    const sample = await bootstrap({
      port: 0,
      envFilePath: NO_ENV_FILE,
      env: { ...env, ZITADEL_SERVICE_USER_KEY_FILE: '', ZITADEL_SERVICE_USER_KEY_JSON: key },
      logger: false,
    });
    try {
      const answer = await call(`${sample.url}/users`, adminToken, { method: 'POST', body: newUser('bill') });
      expect(answer).toMatchObject({ status: 502, body: { message: expect.stringContaining('may not create users') } });
      expect(answer.text).not.toContain(key);
      expect(zitadel.requests.at(-1)).toMatchObject({ path: '/zitadel.user.v2.UserService/AddHumanUser', status: 403 });

      const metadata = `${sample.url}/users/${adminId}/metadata`;
      expect(await call(`${metadata}/team`, adminToken, { method: 'PUT', body: { value: 'b3Bz' } })).toMatchObject({
        status: 502,
        body: { message: expect.stringContaining('may not write user metadata') },
      });
      expect(await call(metadata, adminToken)).toMatchObject({
        status: 502,
        body: { message: expect.stringContaining('may not read user metadata') },
      });
    } finally {
      await sample.close();
    }
  });

  it('creates users in the organisation of ZITADEL_USERS_ORG_ID, over v2 as over v1 the same user', async () => {
    const branch = zitadel.createOrg({ name: 'Initrode' });
    zitadel.addOrgMember(branch.id, serviceUserId, ['ORG_USER_MANAGER']);
    const sample = await bootstrap({
      port: 0,
      envFilePath: NO_ENV_FILE,
      env: { ...env, ZITADEL_USERS_ORG_ID: branch.id },
      logger: false,
    });
    try {
      const created = await call(`${sample.url}/users`, adminToken, { method: 'POST', body: newUser('milton') });
      expect(created).toMatchObject({ status: 201, body: { userName: 'milton', orgId: branch.id } });
      const { userId } = created.body as { userId: string };
      const management = sample.app.get(ZitadelManagementClient);
      expect((await management.getUserById(userId, { orgId: branch.id })).user).toMatchObject({
        userName: 'milton',
        details: { resourceOwner: branch.id },
      });
      await expect(management.getUserById(userId)).rejects.toBeInstanceOf(ZitadelNotFoundError);
    } finally {
      await sample.close();
    }
  });

  it('takes client id and secret for introspection instead of a key file', async () => {
    const api = await zitadel.createApiApplication({ projectId, name: 'basic', authMethod: 'client_secret_basic' });
    const sample = await bootstrap({
      port: 0,
      envFilePath: NO_ENV_FILE,
      env: {
        ...env,
        ZITADEL_API_KEY_FILE: '',
        ZITADEL_API_CLIENT_ID: api.clientId,
        ZITADEL_API_CLIENT_SECRET: api.clientSecret,
      },
      logger: false,
    });
    try {
      expect((await call(`${sample.url}/me`, adminToken)).status).toBe(200);
    } finally {
      await sample.close();
    }
  });

  it('refuses to start with missing or conflicting variables, naming each and no value', async () => {
    const secret = 'very-secret-value';
    const attempt = bootstrap({
      port: 0,
      logger: false,
      envFilePath: NO_ENV_FILE,
      env: {
        ZITADEL_ISSUER: zitadel.issuer,
        ZITADEL_PROJECT_ID: '',
        ZITADEL_API_KEY_FILE: env['ZITADEL_API_KEY_FILE'],
        ZITADEL_API_CLIENT_ID: 'x',
        ZITADEL_API_CLIENT_SECRET: secret,
        ZITADEL_TOKEN_VALIDATION: 'maybe',
      },
    });
    const error = await attempt.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(SampleConfigurationError);
    const message = (error as Error).message;
    expect(message).toContain('ZITADEL_PROJECT_ID: required');
    expect(message).toContain('ZITADEL_TOKEN_VALIDATION: must be one of auto, introspection, jwt');
    expect(message).toContain('ZITADEL_API_KEY_FILE, ZITADEL_API_CLIENT_ID: set only one');
    expect(message).not.toContain(secret);
    await expect(
      bootstrap({ port: undefined, logger: false, envFilePath: NO_ENV_FILE, env: { ...env, PORT: 'abc' } }),
    ).rejects.toThrow('PORT: must be a port number');
  });

  it('says to set PORT, in one line without a stack, when the port is in use', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = busy.address() as AddressInfo;
      const logs = new RecordingLogger();
      const error = await bootstrap({ port, host: '127.0.0.1', logger: logs, envFilePath: NO_ENV_FILE, env }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(SampleConfigurationError);
      expect((error as Error).message).toContain(`PORT: 127.0.0.1:${port} is in use; set PORT to a free port`);
      expect(logs.lines.filter((line) => line.includes('set PORT to a free port'))).toHaveLength(1);
      // No stack: Nest's own one line ("listen EADDRINUSE ...") and the hint.
      expect(logs.lines.join('\n')).not.toMatch(/\n\s+at /);
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  });
});

/** `node dist/apps/sample/main.js` as `npm start` runs it, once it has printed its curl commands. */
interface StartedSample {
  readonly child: ChildProcess;
  /** What it printed so far (stdout and stderr). */
  readonly output: () => string;
}

describe('npm start (node dist/apps/sample/main.js)', () => {
  /** Every process started and its working directory, stopped and removed in afterAll. */
  const started: { child: ChildProcess; cwd: string }[] = [];

  async function startSample(): Promise<StartedSample> {
    // No ZITADEL_ISSUER, and a working directory without a `.env`: the embedded ZITADEL.
    const cwd = await mkdtemp(join(tmpdir(), 'sample-start-'));
    const env: Record<string, string> = { PATH: process.env['PATH'] ?? '', PORT: '0', NO_COLOR: '1' };
    const child = spawn(process.execPath, [join(ROOT, 'dist/apps/sample/main.js')], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.push({ child, cwd });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      const done = (): void => {
        if (/^curl .*\/users +# 403$/m.test(output)) resolve();
      };
      child.stdout?.on('data', done);
      child.once('exit', (code) =>
        reject(new Error(`the sample exited (${code}) before printing its curl commands:\n${output}`)),
      );
    });
    return { child, output: () => output };
  }

  beforeAll(async () => {
    // The library is built by the global setup; the sample is built here, as `npm start` does.
    await promisify(execFile)('npm', ['run', '--silent', 'build:sample'], { cwd: ROOT });
  }, 60_000);
  afterAll(async () => {
    for (const { child, cwd } of started) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(cwd, { recursive: true, force: true });
    }
  });

  it('prints curl commands that answer what they say', async () => {
    const { output } = await startSample();
    const curls = output()
      .split('\n')
      .filter((line) => line.startsWith('curl '));
    expect(curls.length).toBeGreaterThanOrEqual(10);
    for (const line of curls) {
      const parsed = parseCurl(line);
      const answer = await call(parsed.url, parsed.token, { method: parsed.method, body: parsed.body });
      expect({ line, status: answer.status }).toEqual({ line, status: parsed.expected });
    }
    // The metadata the printed PUT set is what the printed GET lists.
    const put = curls.map(parseCurl).find((parsed) => parsed.method === 'PUT');
    const listed = curls.map(parseCurl).find((parsed) => parsed.method === 'GET' && parsed.url.endsWith('/metadata'));
    if (put === undefined || listed === undefined) throw new Error('no metadata curl commands');
    expect(put.url).toBe(`${listed.url}/theme`);
    expect((await call(listed.url, listed.token)).body).toEqual([
      expect.objectContaining({ key: 'theme', value: (put.body as { value: string }).value }),
    ]);
  }, 60_000);

  it('stops on SIGTERM, closing the embedded ZITADEL', async () => {
    // Its own process, so the other test finds a running one whatever the order.
    const { child, output } = await startSample();
    const issuer = /emulator at (http:\/\/\S+)/.exec(output())?.[1];
    expect(issuer).toBeDefined();
    expect((await fetch(`${issuer}/.well-known/openid-configuration`)).status).toBe(200);
    // Status 0, not death by the signal: the app ran its shutdown hooks (closing the embedded ZITADEL)
    // and then exited; without the hooks, SIGTERM's default action kills the process.
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    child.kill('SIGTERM');
    expect(await exited).toEqual({ code: 0, signal: null });
    await expect(fetch(`${issuer}/.well-known/openid-configuration`)).rejects.toThrow();
  }, 60_000);
});

/** `curl -i [-H 'Authorization: Bearer T'] [-X PUT] [-H '...' -d 'JSON'] URL   # STATUS`, as the sample prints them. */
function parseCurl(line: string): {
  url: string;
  token: string | undefined;
  method: string;
  body: unknown;
  expected: number;
} {
  const match = /^curl -i (.*?)(http:\/\/\S+) +# (\d{3})$/.exec(line);
  if (match === null) throw new Error(`not a curl line: ${line}`);
  const [, options = '', url = '', expected = ''] = match;
  const token = /-H 'Authorization: Bearer ([^']+)'/.exec(options)?.[1];
  const data = /-d '([^']*)'/.exec(options)?.[1];
  // As curl does: -X names the method, else -d makes it a POST.
  const method = /-X ([A-Z]+)/.exec(options)?.[1] ?? (data === undefined ? 'GET' : 'POST');
  return { url, token, method, body: data === undefined ? undefined : JSON.parse(data), expected: Number(expected) };
}
