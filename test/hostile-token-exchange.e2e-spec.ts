// TokenService.exchange against a loopback issuer that answers the token exchange wrongly on
// purpose: every field of the answer is checked before the token is used or cached, the request
// carries the client's credentials and never caches a refusal.
import 'reflect-metadata';
import { Test, type TestingModule } from '@nestjs/testing';
import { TokenService, ZitadelModule, ZitadelResponseError, ZitadelTokenExchangeError } from 'nestjs-zitadel';
import { sendJson, startHostileIssuer, TOKEN_PATH, type HostileIssuer } from './support/hostile-issuer.js';

const ACCESS = 'urn:ietf:params:oauth:token-type:access_token';
const JWT = 'urn:ietf:params:oauth:token-type:jwt';
const GOOD = { access_token: 'exchanged', issued_token_type: ACCESS, token_type: 'Bearer', expires_in: 300 };

let issuer: HostileIssuer;
let moduleRef: TestingModule;
let tokens: TokenService;

beforeAll(async () => {
  issuer = await startHostileIssuer();
  moduleRef = await Test.createTestingModule({
    imports: [
      ZitadelModule.forRoot({
        issuer: issuer.issuer,
        apiApplication: { clientId: 'app@acme', clientSecret: 'app-secret-value' },
        http: { retries: 0 },
      }),
    ],
  }).compile();
  tokens = moduleRef.get(TokenService);
});
afterAll(async () => {
  await moduleRef.close();
  await issuer.close();
});

const answer = (status: number, body: unknown): void =>
  issuer.on(TOKEN_PATH, (_request, response) => sendJson(response, status, body));

describe('TokenService.exchange against a misbehaving issuer', () => {
  it('sends the grant, the subject and its type, authenticated with client_secret_basic', async () => {
    answer(200, GOOD);
    const result = await tokens.exchange({ subjectToken: 'caller-token-1' });
    expect(result.token).toBe('exchanged');
    const request = issuer.requestsTo(TOKEN_PATH).at(-1);
    const form = new URLSearchParams(request?.body);
    expect(form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:token-exchange');
    expect(form.get('subject_token')).toBe('caller-token-1');
    expect(form.get('subject_token_type')).toBe(ACCESS);
    expect(form.get('requested_token_type')).toBe(ACCESS);
    expect(request?.headers['authorization']).toMatch(/^Basic /);
  });

  it.each([
    ['no access_token', { ...GOOD, access_token: undefined }],
    ['an unknown issued_token_type', { ...GOOD, issued_token_type: 'urn:x' }],
    ['another issued_token_type than asked for', { ...GOOD, issued_token_type: JWT }],
    ['a token_type other than Bearer', { ...GOOD, token_type: 'N_A' }],
    ['no expires_in', { ...GOOD, expires_in: undefined }],
    ['a negative expires_in', { ...GOOD, expires_in: -5 }],
    ['a scope that is not a string', { ...GOOD, scope: ['openid'] }],
  ])('refuses an answer with %s (ZitadelResponseError) and caches nothing', async (_what, body) => {
    answer(200, body);
    const subjectToken = `caller-${Math.random()}`;
    await expect(tokens.exchange({ subjectToken })).rejects.toBeInstanceOf(ZitadelResponseError);
    answer(200, GOOD);
    expect((await tokens.exchange({ subjectToken })).token).toBe('exchanged');
  });

  it('turns an OAuth refusal into a ZitadelTokenExchangeError and asks again next time', async () => {
    answer(400, { error: 'invalid_request', error_description: 'Errors.TokenExchange.FeatureDisabled' });
    const before = issuer.requestsTo(TOKEN_PATH).length;
    await expect(tokens.exchange({ subjectToken: 'refused' })).rejects.toMatchObject({ reason: 'feature-disabled' });
    await expect(tokens.exchange({ subjectToken: 'refused' })).rejects.toBeInstanceOf(ZitadelTokenExchangeError);
    expect(issuer.requestsTo(TOKEN_PATH).length - before).toBe(2);
  });
});
