import { ZitadelApiError, ZitadelNotFoundError } from '../errors/management-api.error.js';
import type { ZitadelHttpResponse } from '../http/zitadel-http-client.js';
import { readConnectError } from './connect-error.js';

const answer = (status: number, body: string): ZitadelHttpResponse => ({
  status,
  headers: new Headers({ 'content-type': 'application/json' }),
  body,
});
const ENDPOINT = 'POST /zitadel.user.v2.UserService/GetUserByID';

describe('readConnectError', () => {
  it('reads code, message and the trailing error id', () => {
    const error = readConnectError(
      answer(
        404,
        '{"code":"not_found","message":"User could not be found (QUERY-Dfbg2)","details":[{"type":"zitadel.v1.ErrorDetail","value":"CgU="}]}',
      ),
      ENDPOINT,
    );
    expect(error).toBeInstanceOf(ZitadelNotFoundError);
    expect(error).toMatchObject({
      kind: 'not-found',
      connectCode: 'not_found',
      grpcCode: 5,
      status: 404,
      zitadelMessage: 'User could not be found',
      errorId: 'QUERY-Dfbg2',
      details: [{ '@type': 'zitadel.v1.ErrorDetail' }],
    });
    expect(error.message).toBe(`ZITADEL ${ENDPOINT} failed with 404 not-found: User could not be found (QUERY-Dfbg2)`);
  });

  it('lets the Connect code decide over the HTTP status', () => {
    expect(readConnectError(answer(400, '{"code":"failed_precondition","message":"x"}'), ENDPOINT).kind).toBe(
      'failed-precondition',
    );
  });

  it('synthesises the code from the status when the body is no Connect error, as Connect clients do', () => {
    const error = readConnectError({ status: 404, headers: new Headers(), body: '<html>' }, ENDPOINT);
    expect(error).toBeInstanceOf(ZitadelApiError);
    expect(error).toMatchObject({ connectCode: 'unimplemented', kind: 'unimplemented', errorId: undefined });
    expect(readConnectError(answer(502, '{"code":"bogus"}'), ENDPOINT)).toMatchObject({ connectCode: 'unavailable' });
  });

  it('keeps a message without an id whole', () => {
    expect(readConnectError(answer(500, '{"code":"internal","message":"boom"}'), ENDPOINT)).toMatchObject({
      zitadelMessage: 'boom',
      errorId: undefined,
    });
  });
});
