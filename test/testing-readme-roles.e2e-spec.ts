// The README's "Testing with the emulator" steps, run for real against the emulator and the guard
// (over Express): the token they issue passes `@Roles('admin')` as a JWT and as an opaque token.
// Then ZITADEL's rule for roles in JWT access tokens, and the guard's debug line on every 403.
import { readFile } from 'node:fs/promises';
import { ZitadelScopes } from 'nestjs-zitadel';
import { ZitadelEmulator, type EmulatorApiApplication } from 'nestjs-zitadel/testing';
import { get, guardedAppModule } from './support/guarded-app.js';
import { startApp, type RunningApp } from './support/nest-app.js';

let zitadel: ZitadelEmulator;
let app: RunningApp;
let projectId: string;
let api: EmulatorApiApplication;
let aliceId: string;
let bobId: string;
const issued: string[] = [];

/** A token for a user logged in to the README's API application, with the given scopes. */
async function issue(userId: string, type: 'jwt' | 'opaque', scopes: string[]): Promise<string> {
  const token = await zitadel.issueToken({ userId, clientId: api.clientId, scopes, type });
  issued.push(token);
  return token;
}

const decodeClaims = (jwt: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;

/** The log lines of one request: everything logged while `call` ran. */
async function linesDuring<T>(call: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const before = app.logs.lines.length;
  const result = await call();
  return { result, lines: app.logs.lines.slice(before) };
}

beforeAll(async () => {
  // The README's steps, as written there.
  zitadel = await ZitadelEmulator.start();
  const project = zitadel.createProject({ name: 'reports' });
  projectId = project.id;
  zitadel.addProjectRole(project.id, { key: 'admin' });
  zitadel.addProjectRole(project.id, { key: 'reader' });
  api = await zitadel.createApiApplication({ projectId: project.id, authMethod: 'private_key_jwt' });
  const worker = zitadel.createServiceUser({ userName: 'worker' });
  const keyFile = await zitadel.addServiceUserKey(worker.userId);
  const alice = zitadel.createHumanUser({ userName: 'alice', email: 'alice@example.com' });
  aliceId = alice.userId;
  zitadel.grantRoles({ userId: alice.userId, projectId: project.id, roleKeys: ['admin'] });
  bobId = zitadel.createHumanUser({ userName: 'bob' }).userId;
  zitadel.grantRoles({ userId: bobId, projectId: project.id, roleKeys: ['reader'] });
  app = await startApp(
    'express',
    guardedAppModule({
      issuer: zitadel.issuer,
      serviceUser: { key: keyFile },
      apiApplication: api.keyFile === undefined ? undefined : { key: api.keyFile },
      projectId: project.id,
    }),
  );
});

afterAll(async () => {
  await app?.close();
  await zitadel?.close();
});

/** The README's scopes, exactly. */
const readmeScopes = (): string[] => [
  'openid',
  'profile',
  `urn:zitadel:iam:org:project:id:${projectId}:aud`,
  'urn:zitadel:iam:org:projects:roles',
];

describe("the README's testing snippet", () => {
  it('asks for the scopes this file uses', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Testing with the emulator'));
    const scopes = /scopes: \[([^\]]*)\]/.exec(section)?.[1] ?? '';
    const listed = [...scopes.matchAll(/['`]([^'`]+)['`]/g)].map((m) =>
      (m[1] ?? '').replace('${project.id}', projectId),
    );
    expect(listed).toEqual(readmeScopes());
  });

  it.each(['jwt', 'opaque'] as const)('yields a %s token that passes @Roles("admin")', async (type) => {
    const token = await issue(aliceId, type, readmeScopes());
    expect(await get(app.url, '/reports/all', { token })).toMatchObject({ status: 200, body: { ok: true } });
    const mine = await get(app.url, '/reports/mine', { token });
    expect(mine.body['roles']).toEqual({ admin: { [zitadel.defaultOrg.id]: zitadel.defaultOrg.primaryDomain } });
  });
});

describe('roles in JWT access tokens, as ZITADEL asserts them', () => {
  it('puts none in a JWT for `projects:roles` without an audience scope; introspection still asserts them', async () => {
    const scopes = ['openid', 'profile', ZitadelScopes.allProjectRoles()];
    const jwt = await issue(aliceId, 'jwt', scopes);
    expect(Object.keys(decodeClaims(jwt)).filter((claim) => claim.endsWith(':roles'))).toEqual([]);
    expect((await get(app.url, '/reports/all', { token: jwt })).status).toBe(403);
    const opaque = await issue(aliceId, 'opaque', scopes);
    expect((await get(app.url, '/reports/all', { token: opaque })).status).toBe(200);
  });

  it('puts the app project’s roles in a JWT when a role is asked for by key, without an audience scope', async () => {
    const jwt = await issue(aliceId, 'jwt', ['openid', ZitadelScopes.role('admin')]);
    expect(decodeClaims(jwt)[`urn:zitadel:iam:org:project:${projectId}:roles`]).toEqual({
      admin: { [zitadel.defaultOrg.id]: zitadel.defaultOrg.primaryDomain },
    });
    expect((await get(app.url, '/reports/all', { token: jwt })).status).toBe(200);
  });

  it('puts every role of a project that asserts roles on authentication in a JWT, with no role scope', async () => {
    const asserting = zitadel.createProject({ name: 'asserting', assertRolesOnAuthentication: true });
    zitadel.addProjectRole(asserting.id, { key: 'admin' });
    zitadel.addProjectRole(asserting.id, { key: 'auditor' });
    zitadel.grantRoles({ userId: aliceId, projectId: asserting.id, roleKeys: ['admin', 'auditor'] });
    const web = await zitadel.createApiApplication({ projectId: asserting.id, authMethod: 'client_secret_basic' });
    const jwt = await zitadel.issueToken({ userId: aliceId, clientId: web.clientId, scopes: ['openid'], type: 'jwt' });
    const claims = decodeClaims(jwt);
    const granted = { [zitadel.defaultOrg.id]: zitadel.defaultOrg.primaryDomain };
    expect(claims[`urn:zitadel:iam:org:project:${asserting.id}:roles`]).toEqual({ admin: granted, auditor: granted });
    // ZITADEL turns the setting into role scopes at login (`assertProjectRoleScopesByProject`).
    const introspected = await fetch(`${zitadel.issuer}/oauth/v2/introspect`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(web.clientId)}:${encodeURIComponent(web.clientSecret ?? '')}`).toString('base64')}`,
      },
      body: new URLSearchParams({ token: jwt }),
    });
    const scope = String(((await introspected.json()) as { scope?: unknown }).scope).split(' ');
    expect(scope).toEqual(expect.arrayContaining([ZitadelScopes.role('admin'), ZitadelScopes.role('auditor')]));
  });
});

describe('the guard’s 403 debug line', () => {
  it('names the roles needed and the role keys and organisation ids the token has, never the token', async () => {
    const token = await issue(bobId, 'jwt', readmeScopes());
    const { result, lines } = await linesDuring(() => get(app.url, '/reports/every', { token }));
    expect(result.status).toBe(403);
    const line = lines.find((l) => l.includes('Answering 403'));
    expect(line).toBe(
      `Answering 403: the route needs all of the roles "admin", "editor"; the token has the roles "reader" (orgs "${zitadel.defaultOrg.id}") ZitadelAuthGuard`,
    );
    for (const l of lines) for (const t of issued) expect(l).not.toContain(t);
  });

  it('says when the token has no roles of the project', async () => {
    const token = await issue(aliceId, 'jwt', ['openid', ZitadelScopes.allProjectRoles()]);
    const { lines } = await linesDuring(() => get(app.url, '/reports/all', { token }));
    expect(lines).toContain(
      'Answering 403: the route needs any of the roles "admin"; the token has no roles of the project ZitadelAuthGuard',
    );
  });

  it('names the organisation an org-scoped check asked for, escaped, or that the request named none', async () => {
    const token = await issue(aliceId, 'opaque', readmeScopes());
    const other = await linesDuring(() => get(app.url, `/reports/orgs/${encodeURIComponent('42\n')}`, { token }));
    expect(other.result.status).toBe(403);
    expect(other.lines).toContain(
      `Answering 403: the route needs any of the roles "admin" granted by organisation "42\\\\n" (route parameter "orgId"); the token has the roles "admin" (orgs "${zitadel.defaultOrg.id}") ZitadelAuthGuard`,
    );
    const none = await linesDuring(() => get(app.url, '/reports/org-header', { token }));
    expect(none.result.status).toBe(403);
    expect(none.lines).toContain(
      `Answering 403: the route needs any of the roles "admin" granted by the organisation named in header "x-org-id", and the request names none; the token has the roles "admin" (orgs "${zitadel.defaultOrg.id}") ZitadelAuthGuard`,
    );
  });

  it('logs nothing of the kind when the roles suffice', async () => {
    const token = await issue(aliceId, 'opaque', readmeScopes());
    const { result, lines } = await linesDuring(() => get(app.url, '/reports/all', { token }));
    expect(result.status).toBe(200);
    expect(lines.filter((l) => l.includes('Answering 403'))).toEqual([]);
  });
});
