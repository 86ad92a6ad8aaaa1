// The emulator's token exchange grant over raw HTTP, as ZITADEL answers it: the feature flag, the
// client (an OIDC app with the grant type), `resource` → invalid_target, refresh tokens refused as
// subject, the impersonation policy and permission, scopes and audience limited to the input
// tokens, and `act` in the JWT, the ID token and introspection.
import { decodeJwt } from 'jose';
import { ZitadelEmulator, type EmulatorOidcApplication } from 'nestjs-zitadel/testing';

const GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS = 'urn:ietf:params:oauth:token-type:access_token';
const USER_ID = 'urn:zitadel:params:oauth:token-type:user_id';
const JWT = 'urn:ietf:params:oauth:token-type:jwt';

let zitadel: ZitadelEmulator;
let projectId: string;
let app: EmulatorOidcApplication;
let plainApp: EmulatorOidcApplication;
let apiApp: Awaited<ReturnType<ZitadelEmulator['createApiApplication']>>;
let aliceId: string;
let supportId: string;

beforeAll(async () => {
  zitadel = await ZitadelEmulator.start();
  projectId = zitadel.createProject({ name: 'reports' }).id;
  app = await zitadel.createOidcApplication({
    projectId,
    authMethod: 'client_secret_basic',
    grantTypes: ['token_exchange'],
  });
  plainApp = await zitadel.createOidcApplication({ projectId, authMethod: 'client_secret_basic' });
  apiApp = await zitadel.createApiApplication({ projectId, authMethod: 'client_secret_basic' });
  aliceId = zitadel.createHumanUser({ userName: 'alice' }).userId;
  supportId = zitadel.createServiceUser({ userName: 'support' }).userId;
  zitadel.addOrgMember(zitadel.defaultOrg.id, supportId, ['ORG_END_USER_IMPERSONATOR']);
});
afterAll(() => zitadel.close());
beforeEach(() => {
  zitadel.setFeatures({ oidcTokenExchange: true });
  zitadel.setSecurityPolicy({ enableImpersonation: true });
});

const aliceToken = (scopes = ['openid', 'profile']): Promise<string> =>
  zitadel.issueToken({ userId: aliceId, clientId: app.clientId, scopes });
const supportToken = (): Promise<string> =>
  zitadel.issueToken({ userId: supportId, scopes: ['openid', `urn:zitadel:iam:org:project:id:${projectId}:aud`] });

async function exchange(
  fields: [string, string][],
  client: { clientId: string; clientSecret?: string } = app,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const form = new URLSearchParams([['grant_type', GRANT], ...fields]);
  const basic = Buffer.from(
    `${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret ?? '')}`,
  ).toString('base64');
  const response = await fetch(`${zitadel.issuer}/oauth/v2/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function introspect(token: string): Promise<Record<string, unknown>> {
  const basic = Buffer.from(
    `${encodeURIComponent(apiApp.clientId)}:${encodeURIComponent(apiApp.clientSecret ?? '')}`,
  ).toString('base64');
  const response = await fetch(`${zitadel.issuer}/oauth/v2/introspect`, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }).toString(),
  });
  return (await response.json()) as Record<string, unknown>;
}

describe('the emulator token exchange grant', () => {
  it('answers every field of RFC 8693 §2.2.1 for an access token subject', async () => {
    const { status, body } = await exchange([
      ['subject_token', await aliceToken()],
      ['subject_token_type', ACCESS],
    ]);
    expect(status).toBe(200);
    expect(body).toEqual({
      access_token: expect.any(String),
      issued_token_type: ACCESS,
      token_type: 'Bearer',
      expires_in: 43_199,
      scope: 'openid profile',
      id_token: expect.any(String),
    });
  });

  it('is off unless the instance feature oidcTokenExchange is on', async () => {
    zitadel.setFeatures({ oidcTokenExchange: false });
    const answer = await exchange([
      ['subject_token', await aliceToken()],
      ['subject_token_type', ACCESS],
    ]);
    expect(answer).toEqual({
      status: 400,
      body: { error: 'invalid_request', error_description: 'Errors.TokenExchange.FeatureDisabled' },
    });
  });

  it('answers a resource parameter with invalid_target', async () => {
    const answer = await exchange([
      ['subject_token', await aliceToken()],
      ['subject_token_type', ACCESS],
      ['resource', 'https://reports.example.com'],
    ]);
    expect(answer).toEqual({
      status: 400,
      body: { error: 'invalid_target', error_description: 'resource parameter not supported' },
    });
  });

  it('refuses a refresh token as subject, an unknown token, and a token meant for another app', async () => {
    const refresh = await exchange([
      ['subject_token', await aliceToken()],
      ['subject_token_type', 'urn:ietf:params:oauth:token-type:refresh_token'],
    ]);
    expect(refresh.body).toEqual({ error: 'invalid_request', error_description: 'subject_token invalid' });
    const unknown = await exchange([
      ['subject_token', 'nope'],
      ['subject_token_type', ACCESS],
    ]);
    expect(unknown.body).toEqual({ error: 'invalid_request', error_description: 'subject_token invalid' });
    const foreign = await exchange([
      ['subject_token', await zitadel.issueToken({ userId: aliceId })],
      ['subject_token_type', ACCESS],
    ]);
    expect(foreign.body).toEqual({ error: 'invalid_request', error_description: 'subject_token invalid' });
  });

  it('accepts only OIDC applications with the token exchange grant type', async () => {
    const fields: [string, string][] = [
      ['subject_token', await aliceToken()],
      ['subject_token_type', ACCESS],
    ];
    expect((await exchange(fields, plainApp)).body).toEqual({
      error: 'unauthorized_client',
      error_description: `grant_type "${GRANT}" not allowed`,
    });
    expect((await exchange(fields, apiApp)).body['error']).toBe('invalid_client');
  });

  it('impersonates with an actor: the policy, the permission, then `act` in the JWT, ID token and introspection', async () => {
    const fields = async (): Promise<[string, string][]> => [
      ['subject_token', aliceId],
      ['subject_token_type', USER_ID],
      ['actor_token', await supportToken()],
      ['actor_token_type', ACCESS],
      ['requested_token_type', JWT],
    ];
    zitadel.setSecurityPolicy({ enableImpersonation: false });
    expect((await exchange(await fields())).body).toEqual({
      error: 'invalid_request',
      error_description: 'Errors.TokenExchange.Impersonation.PolicyDisabled',
    });
    zitadel.setSecurityPolicy({ enableImpersonation: true });
    const { status, body } = await exchange(await fields());
    expect(status).toBe(200);
    expect(body['issued_token_type']).toBe(JWT);
    const act = { iss: zitadel.issuer, sub: supportId };
    expect(decodeJwt(body['access_token'] as string)['act']).toEqual(act);
    expect(decodeJwt(body['id_token'] as string)['act']).toEqual(act);
    const introspected = await introspect(body['access_token'] as string);
    expect(introspected).toMatchObject({ active: true, sub: aliceId, act });
  });

  it('refuses an actor without an impersonator role with 403 Errors.PermissionDenied', async () => {
    const other = zitadel.createServiceUser({ userName: 'other' }).userId;
    const actorToken = await zitadel.issueToken({
      userId: other,
      scopes: ['openid', `urn:zitadel:iam:org:project:id:${projectId}:aud`],
    });
    const answer = await exchange([
      ['subject_token', aliceId],
      ['subject_token_type', USER_ID],
      ['actor_token', actorToken],
      ['actor_token_type', ACCESS],
    ]);
    expect(answer).toEqual({
      status: 403,
      body: { error: 'invalid_request', error_description: 'Errors.PermissionDenied' },
    });
  });

  it('needs an actor token for a user_id subject', async () => {
    const answer = await exchange([
      ['subject_token', aliceId],
      ['subject_token_type', USER_ID],
    ]);
    expect(answer.body).toEqual({ error: 'invalid_request', error_description: 'actor_token invalid' });
  });

  it('limits scopes and audience to what the input tokens carry', async () => {
    const subjectToken = await aliceToken();
    const scope = await exchange([
      ['subject_token', subjectToken],
      ['subject_token_type', ACCESS],
      ['scope', 'openid email'],
    ]);
    expect(scope.body).toEqual({
      error: 'invalid_scope',
      error_description: 'scope "email" not found in subject or actor token',
    });
    const audience = await exchange([
      ['subject_token', subjectToken],
      ['subject_token_type', ACCESS],
      ['audience', 'elsewhere'],
    ]);
    expect(audience.body).toEqual({
      error: 'invalid_target',
      error_description: 'audience "elsewhere" not found in subject or actor token',
    });
    const narrowed = await exchange([
      ['subject_token', subjectToken],
      ['subject_token_type', ACCESS],
      ['audience', projectId],
      ['requested_token_type', JWT],
    ]);
    expect(decodeJwt(narrowed.body['access_token'] as string)['aud']).toEqual([projectId]);
  });
});
