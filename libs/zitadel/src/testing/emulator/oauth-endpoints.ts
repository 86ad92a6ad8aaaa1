import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { jwtVerify } from 'jose';
import { AssertionError, verifyAssertion } from './assertions.js';
import { formDecode, parseForm, readBody, sendJson, sendOAuthError } from './emulator-http.js';
import type { EmulatorStore, StoredApp, StoredToken, StoredUser } from './emulator-store.js';
import type { SigningKeys } from './signing-keys.js';
import { ScopeError, type TokenIssuer } from './token-issuer.js';

const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The OAuth / OpenID endpoints of the emulated instance. */
export class OAuthEndpoints {
  constructor(
    private readonly store: EmulatorStore,
    private readonly keys: SigningKeys,
    private readonly tokens: TokenIssuer,
    private readonly issuer: () => string,
    private readonly lifetime: () => number,
  ) {}

  /** The stored token behind an access token, if it is active now (issued here, unexpired, unrevoked). */
  async activeToken(token: string): Promise<StoredToken | undefined> {
    let stored = this.store.tokens.get(token);
    if (stored === undefined && token.split('.').length === 3) {
      try {
        const { payload } = await jwtVerify(token, async (header) => {
          const key = this.keys.find(header.kid);
          if (key === undefined) throw new Error('unknown key');
          return key.publicKey;
        }, { algorithms: ['RS256'], issuer: this.issuer() });
        stored = this.store.tokens.get(`jti:${String(payload.jti)}`);
      } catch {
        return undefined;
      }
    }
    const now = Math.floor(Date.now() / 1000);
    if (stored === undefined || stored.revoked || stored.expiresAt <= now || stored.notBefore > now + 1) return undefined;
    return this.store.users.has(stored.userId) ? stored : undefined;
  }

  async token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = parseForm(req, await readBody(req));
    if (form === undefined) return sendOAuthError(res, 400, 'invalid_request', 'form data must be sent as application/x-www-form-urlencoded');
    const grantType = form.get('grant_type');
    const scopes = (form.get('scope') ?? '').split(' ').filter((s) => s !== '');
    if (grantType === JWT_BEARER_GRANT) {
      const assertion = form.get('assertion');
      if (assertion === null || assertion === '') return sendOAuthError(res, 400, 'invalid_request', 'assertion missing');
      let userId: string;
      try {
        userId = await verifyAssertion(assertion, this.issuer(), (subject, kid) => this.store.users.get(subject)?.keys.get(kid ?? ''));
      } catch (error) {
        if (!(error instanceof AssertionError)) throw error;
        return sendOAuthError(res, 400, 'invalid_grant', error.message);
      }
      return this.grant(res, this.store.users.get(userId), scopes, userId);
    }
    if (grantType === 'client_credentials') {
      const basic = basicCredentials(req);
      const user = basic === undefined ? undefined : this.store.userByClientId(basic.clientId);
      if (basic === undefined || user?.clientSecret === undefined || !secretsEqual(user.clientSecret, basic.clientSecret)) {
        return sendOAuthError(res, 401, 'invalid_client', 'client authentication failed');
      }
      return this.grant(res, user, scopes, user.userName);
    }
    if (grantType === null) return sendOAuthError(res, 400, 'invalid_request', 'grant_type missing');
    return sendOAuthError(res, 400, 'unsupported_grant_type', `${grantType} not supported`);
  }

  async introspect(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = parseForm(req, await readBody(req));
    const app = form === undefined ? undefined : await this.authenticateApp(req, form);
    if (form === undefined || app === undefined) return sendOAuthError(res, 400, 'unauthorized_client', 'client must be authenticated');
    const stored = await this.activeToken(form.get('token') ?? '');
    // validateIntrospectionAudience: the token must be meant for this client or its project.
    if (stored === undefined || !(stored.audience.includes(app.clientId) || stored.audience.includes(app.projectId))) {
      return sendJson(res, 200, { active: false });
    }
    sendJson(res, 200, {
      active: true,
      scope: stored.scopes.join(' '),
      client_id: stored.clientId,
      token_type: 'Bearer',
      exp: stored.expiresAt,
      iat: stored.issuedAt,
      nbf: stored.notBefore,
      sub: stored.userId,
      aud: stored.audience,
      iss: this.issuer(),
      jti: stored.id,
      ...stored.claims,
    });
  }

  async revoke(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = parseForm(req, await readBody(req));
    const app = form === undefined ? undefined : await this.authenticateApp(req, form);
    if (form === undefined || app === undefined) return sendOAuthError(res, 400, 'unauthorized_client', 'client must be authenticated');
    const stored = await this.activeToken(form.get('token') ?? '');
    if (stored !== undefined) stored.revoked = true;
    res.writeHead(200).end();
  }

  async userinfo(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const token = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const stored = token === undefined ? undefined : await this.activeToken(token);
    if (stored === undefined) {
      res.writeHead(401, { 'www-authenticate': 'Bearer realm="zitadel", error="invalid_token"' }).end();
      return;
    }
    sendJson(res, 200, { sub: stored.userId, ...stored.claims });
  }

  private async grant(res: ServerResponse, user: StoredUser | undefined, scopes: string[], clientId: string): Promise<void> {
    if (user === undefined) return sendOAuthError(res, 400, 'invalid_grant', 'user not found');
    try {
      const { token } = await this.tokens.issue({ user, scopes, clientId, type: user.accessTokenType, expiresIn: this.lifetime() });
      sendJson(res, 200, { access_token: token, token_type: 'Bearer', expires_in: this.lifetime() });
    } catch (error) {
      if (!(error instanceof ScopeError)) throw error;
      sendOAuthError(res, 400, error.error, error.message);
    }
  }

  /** The API application authenticated by `client_secret_basic` or `private_key_jwt`, if any. */
  private async authenticateApp(req: IncomingMessage, form: URLSearchParams): Promise<StoredApp | undefined> {
    const basic = basicCredentials(req);
    if (basic !== undefined) {
      const app = this.store.appByClientId(basic.clientId);
      return app?.clientSecret !== undefined && secretsEqual(app.clientSecret, basic.clientSecret) ? app : undefined;
    }
    const assertion = form.get('client_assertion');
    if (form.get('client_assertion_type') !== JWT_BEARER_ASSERTION || assertion === null) return undefined;
    try {
      const clientId = await verifyAssertion(assertion, this.issuer(), (subject, kid) => this.store.appByClientId(subject)?.keys.get(kid ?? ''));
      return this.store.appByClientId(clientId);
    } catch (error) {
      if (error instanceof AssertionError) return undefined;
      throw error;
    }
  }
}

/** Client id and secret of a Basic header, form-url-decoded as RFC 6749 §2.3.1 requires. */
function basicCredentials(req: IncomingMessage): { clientId: string; clientSecret: string } | undefined {
  const encoded = /^Basic (\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (encoded === undefined) return undefined;
  const pair = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = pair.indexOf(':');
  if (colon < 0) return undefined;
  const clientId = formDecode(pair.slice(0, colon));
  const clientSecret = formDecode(pair.slice(colon + 1));
  return clientId === undefined || clientSecret === undefined ? undefined : { clientId, clientSecret };
}

function secretsEqual(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
