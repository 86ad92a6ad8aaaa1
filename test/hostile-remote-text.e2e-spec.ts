// Text from ZITADEL cannot forge our logs or leak a credential through them: an issuer (or a
// proxy in front of it) that answers with CR/LF, ANSI escapes, bidi overrides and an echo of the
// token or secret it was sent, in an OAuth `error_description`, a management API error body or the
// issuer of a discovery document. Over real HTTP against the hostile loopback issuer; what is
// checked is the thrown error (message and fields) and every line the app logged.
import { randomBytes } from 'node:crypto';
import { TokenService, ZitadelApiError, ZitadelManagementClient, ZitadelOAuthError } from 'nestjs-zitadel';
import { get, guardedAppModule } from './support/guarded-app.js';
import {
  INTROSPECTION_PATH,
  sendJson,
  startHostileIssuer,
  TOKEN_PATH,
  type HostileIssuer,
  type ReceivedRequest,
} from './support/hostile-issuer.js';
import { startApp, type RunningApp } from './support/nest-app.js';

/** Any character a log line or a message must not carry raw. */
const RAW_UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;
const FORGERY = '\r\n[Nest] 1  - 01/01/2030, 00:00:00     LOG [Zitadel] forged line \x1b[31mred\x1b[0m \x9b2J \u202e';

const API_SECRET = randomBytes(32).toString('base64url');
const SERVICE_SECRET = randomBytes(32).toString('base64url');
/** An opaque access token as ZITADEL issues them: long base64url. */
const OPAQUE_TOKEN = randomBytes(60).toString('base64url');

/** What the hostile issuer echoes back: the credentials of the request, whatever they were. */
function echo(request: ReceivedRequest): string {
  const form = new URLSearchParams(request.body);
  return [request.headers.authorization ?? '', form.get('token') ?? '', form.get('client_secret') ?? ''].join(' ');
}

/** Fails the test on a raw control character or a credential anywhere in `texts`. */
function expectClean(texts: readonly string[], secrets: readonly string[]): void {
  expect(texts.length).toBeGreaterThan(0);
  for (const text of texts) {
    expect(text).not.toMatch(RAW_UNSAFE);
    for (const secret of secrets) expect(text).not.toContain(secret.slice(0, 12));
  }
}

describe('remote text from a hostile issuer', () => {
  let hostile: HostileIssuer;
  let app: RunningApp;
  let accessToken: string;

  beforeAll(async () => {
    hostile = await startHostileIssuer();
    app = await startApp(
      'express',
      guardedAppModule({
        issuer: hostile.issuer,
        apiApplication: { clientId: 'api', clientSecret: API_SECRET },
        serviceUser: { clientId: 'svc', clientSecret: SERVICE_SECRET },
        projectId: '1',
        http: { retries: 0 },
      }),
    );
  });
  afterAll(async () => {
    await app?.close();
    await hostile?.close();
  });

  it('an introspection error_description cannot forge a log line nor leak the token or the secret', async () => {
    hostile.on(INTROSPECTION_PATH, (request, response) =>
      sendJson(response, 400, {
        error: `invalid_request${FORGERY}`,
        error_description: `bad${FORGERY} ${echo(request)}`,
      }),
    );
    const answer = await get(app.url, '/reports/mine', { token: OPAQUE_TOKEN });
    expect(answer.status).toBe(503);
    const echoed = hostile.requestsTo(INTROSPECTION_PATH).at(-1);
    expect(echoed?.body).toContain(OPAQUE_TOKEN);
    const lines = app.logs.lines.filter((line) => line.includes('invalid_request'));
    expect(lines.join('\n')).toContain('forged line \\x1b[31mred');
    expectClean(app.logs.lines, [OPAQUE_TOKEN, API_SECRET, Buffer.from(`api:${API_SECRET}`).toString('base64')]);
    expectClean(lines, []);
  });

  it('a token endpoint error_description: the thrown ZitadelOAuthError is clean, message and fields', async () => {
    hostile.on(TOKEN_PATH, (request, response) =>
      sendJson(response, 400, { error: 'invalid_client', error_description: `no${FORGERY} ${echo(request)}` }),
    );
    const tokens = app.app.get(TokenService);
    const error = await tokens.getAccessToken({ scopes: ['openid', 'oauth-error-case'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZitadelOAuthError);
    const { message, error: code, error_description } = error as ZitadelOAuthError;
    expect(message).toContain('forged line \\x1b[31mred');
    expect(hostile.requestsTo(TOKEN_PATH).at(-1)?.headers.authorization).toBeDefined();
    const basic = Buffer.from(`svc:${SERVICE_SECRET}`).toString('base64');
    expectClean([message, code, error_description ?? '', ...app.logs.lines], [SERVICE_SECRET, basic]);
  });

  it('a management API error body: the thrown ZitadelApiError is clean, message, fields and details', async () => {
    accessToken = randomBytes(60).toString('base64url');
    hostile.on(TOKEN_PATH, (_request, response) =>
      sendJson(response, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: 3600 }),
    );
    hostile.on('/management/v1/users/42', (request, response) => {
      const said = `Errors.User.NotFound${FORGERY} ${echo(request)}`;
      sendJson(response, 404, {
        code: 5,
        message: said,
        details: [
          { '@type': 'type.googleapis.com/zitadel.v1.ErrorDetail', id: `QUERY-${echo(request)}`, message: said },
        ],
      });
    });
    const error = await app.app
      .get(ZitadelManagementClient)
      .getUserById('42')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZitadelApiError);
    const { message, zitadelMessage, errorId, details } = error as ZitadelApiError;
    expect(hostile.requestsTo('/management/v1/users/42').at(-1)?.headers.authorization).toBe(`Bearer ${accessToken}`);
    expect(message).toContain('Errors.User.NotFound\\r\\n');
    expectClean(
      [message, zitadelMessage ?? '', errorId ?? '', JSON.stringify(details), ...app.logs.lines],
      [accessToken],
    );
  });
});

describe('a discovery document naming a hostile issuer', () => {
  let hostile: HostileIssuer;
  let app: RunningApp;
  let jwt: string;

  beforeAll(async () => {
    hostile = await startHostileIssuer();
    jwt = await hostile.sign({ sub: '1', iss: 'anyone' });
    hostile.discovery({ issuer: `https://evil.example ${OPAQUE_TOKEN}${FORGERY} ${jwt}` });
    app = await startApp(
      'express',
      guardedAppModule({
        issuer: hostile.issuer,
        apiApplication: { clientId: 'api', clientSecret: API_SECRET },
        projectId: '1',
        http: { retries: 0 },
      }),
    );
  });
  afterAll(async () => {
    await app?.close();
    await hostile?.close();
  });

  it('is refused, and its issuer echoed in the log is escaped and redacted', async () => {
    expect((await get(app.url, '/reports/mine', { token: OPAQUE_TOKEN })).status).toBe(503);
    const lines = app.logs.lines.filter((line) => line.includes('evil.example'));
    expect(lines.join('\n')).toContain('evil.example [redacted]\\r\\n');
    expectClean(app.logs.lines, [jwt.split('.')[1] ?? jwt, OPAQUE_TOKEN]);
    expectClean(lines, []);
  });
});
