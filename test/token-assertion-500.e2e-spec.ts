// Released ZITADEL (up to at least v4.10.1) answers a refused JWT-profile assertion with
// 500 server_error "Errors.Internal" (zitadel/zitadel#12692). Against the emulator in that mode:
// an unknown or expired service-user key fails with ZitadelAssertionRejectedError after exactly two
// token requests (one retry), not http.retries of them; other 500s, and client credentials, keep
// the usual handling (retried, then ZitadelUnavailableError).
import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import {
  TokenService,
  ZitadelAssertionRejectedError,
  ZitadelModule,
  ZitadelUnavailableError,
  type ServiceUserKey,
  type ZitadelModuleOptions,
} from 'nestjs-zitadel';
import { ZitadelEmulator } from 'nestjs-zitadel/testing';

const RETRIES = 2;

let zitadel: ZitadelEmulator;
let userId: string;
let keyFile: ServiceUserKey;
let client: { clientId: string; clientSecret: string };
const modules: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  zitadel = await ZitadelEmulator.start({ jwtProfileErrors: 'server_error' });
  userId = zitadel.createServiceUser({ userName: 'reporter' }).userId;
  keyFile = await zitadel.addServiceUserKey(userId);
  const withSecret = zitadel.createServiceUser({ userName: 'exporter', withSecret: true });
  client = { clientId: withSecret.clientId ?? '', clientSecret: withSecret.clientSecret ?? '' };
});
afterAll(async () => {
  for (const moduleRef of modules) await moduleRef.close();
  await zitadel.close();
});
beforeEach(() => {
  zitadel.clearFaults();
  zitadel.clearRequestLog();
});

async function tokenService(serviceUser: ZitadelModuleOptions['serviceUser']): Promise<TokenService> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      ZitadelModule.forRoot({ issuer: zitadel.issuer, serviceUser, http: { retries: RETRIES, backoffBaseMs: 0 } }),
    ],
  }).compile();
  modules.push(moduleRef);
  return moduleRef.get(TokenService);
}

async function refusal(serviceUser: ZitadelModuleOptions['serviceUser']): Promise<unknown> {
  return (await tokenService(serviceUser)).getAccessToken().catch((error: unknown) => error);
}

/** The key file as the app holds it: a key ZITADEL no longer accepts, still valid as far as the app can tell. */
function withoutExpiry(file: ServiceUserKey): ServiceUserKey {
  return Object.fromEntries(Object.entries(file).filter(([field]) => field !== 'expirationDate')) as ServiceUserKey;
}

describe('a JWT-profile grant answered 500 server_error', () => {
  it('an unknown key: ZitadelAssertionRejectedError after exactly 2 token requests, naming the key, the user and the ZITADEL issue', async () => {
    const unknown = { ...keyFile, keyId: '999999999999999999' };
    const error = await refusal({ key: unknown });
    expect(error).toBeInstanceOf(ZitadelAssertionRejectedError);
    expect(error).toMatchObject({
      code: 'ZITADEL_ASSERTION_REJECTED',
      keyId: '999999999999999999',
      userId,
      status: 500,
    });
    const message = (error as Error).message;
    for (const part of ['999999999999999999', userId, 'zitadel/zitadel#12692', 'expired', 'deleted', 'instance'])
      expect(message).toContain(part);
    expect(message).not.toContain('PRIVATE KEY');
    expect(zitadel.requests.filter((r) => r.endpoint === 'token').map((r) => r.status)).toEqual([500, 500]);
  });

  it('an expired key: the same typed error after exactly 2 token requests', async () => {
    const expired = await zitadel.addServiceUserKey(userId, { expirationDate: new Date(Date.now() - 60_000) });
    const error = await refusal({ key: withoutExpiry(expired) });
    expect(error).toBeInstanceOf(ZitadelAssertionRejectedError);
    expect(error).toMatchObject({ keyId: expired.keyId, userId });
    expect(zitadel.requestCount('token')).toBe(2);
  });

  it('the valid key still mints a token with one request: the mode refuses only bad assertions', async () => {
    await expect((await tokenService({ key: keyFile })).getAccessToken()).resolves.toEqual(expect.any(String));
    expect(zitadel.requestCount('token')).toBe(1);
  });

  it('a 500 without an OAuth body on the JWT-profile grant: retried http.retries times, then ZitadelUnavailableError', async () => {
    zitadel.injectFault({ endpoint: 'token', status: 500 });
    expect(await refusal({ key: keyFile })).toBeInstanceOf(ZitadelUnavailableError);
    expect(zitadel.requestCount('token')).toBe(1 + RETRIES);
  });

  it('client credentials answered 500 server_error: retried http.retries times, then ZitadelUnavailableError as before', async () => {
    zitadel.injectFault({ endpoint: 'token', status: 500, body: { error: 'server_error', error_description: 'x' } });
    expect(await refusal(client)).toBeInstanceOf(ZitadelUnavailableError);
    expect(zitadel.requestCount('token')).toBe(1 + RETRIES);
  });
});
