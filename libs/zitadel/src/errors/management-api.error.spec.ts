import { createZitadelApiError, ZitadelNotFoundError } from './management-api.error.js';

const TOKEN = 'V2hhdCBhbiBvcGFxdWUgdG9rZW4gbG9va3MgbGlrZQ';
const HOSTILE = `Errors.Token.Invalid\r\n[Nest] 1 - LOG forged \x1b[31m ${TOKEN}\u202e`;

describe('ZitadelApiError sanitises everything it takes from the body', () => {
  const error = createZitadelApiError({
    endpoint: 'GET /management/v1/users/1',
    status: 404,
    grpcCode: 5,
    grpcMessage: HOSTILE,
    details: [
      {
        '@type': 'type.googleapis.com/zitadel.v1.ErrorDetail',
        id: `COMMAND-\n${TOKEN}`,
        message: HOSTILE,
        nested: { list: [HOSTILE], number: 3, [`key\n${TOKEN}`]: true },
      },
    ],
  });

  it('in the message: escaped, redacted', () => {
    expect(error).toBeInstanceOf(ZitadelNotFoundError);
    expect(error.message).toBe(
      'ZITADEL GET /management/v1/users/1 failed with 404 not-found: ' +
        'Errors.Token.Invalid\\r\\n[Nest] 1 - LOG forged \\x1b[31m [redacted]\\u202e (COMMAND-\\n[redacted])',
    );
  });

  it('in the exposed fields: zitadelMessage, errorId and every string (keys too) in details', () => {
    const everything = JSON.stringify([error.zitadelMessage, error.errorId, error.details]);
    expect(everything).not.toContain(TOKEN);
    expect(`${error.zitadelMessage}${error.errorId}`).not.toMatch(/[\p{Cc}\p{Cf}]/u);
    const nested = error.details[0]?.['nested'] as Record<string, unknown>;
    expect(nested).toEqual({ list: [error.zitadelMessage], number: 3, 'key\\n[redacted]': true });
    expect(Object.isFrozen(nested)).toBe(true);
  });

  it('without the message when it falls back to grpcMessage', () => {
    const bare = createZitadelApiError({ endpoint: 'POST /x', status: 400, grpcCode: 3, grpcMessage: HOSTILE });
    expect(bare.zitadelMessage).toBe(error.zitadelMessage);
    expect(bare.message).not.toContain(TOKEN);
  });

  it('keeps a `__proto__` key of the body a plain key', () => {
    const details = [JSON.parse('{"id":"X-1","__proto__":{"polluted":true}}') as Record<string, unknown>];
    const withProto = createZitadelApiError({ endpoint: 'GET /x', status: 500, details });
    const detail = withProto.details[0] ?? {};
    expect(Object.getPrototypeOf(detail)).toBe(Object.prototype);
    expect(Object.keys(detail)).toEqual(['id', '__proto__']);
  });

  it('keeps ordinary ids and messages as ZITADEL sent them', () => {
    const plain = createZitadelApiError({
      endpoint: 'GET /x',
      status: 404,
      details: [{ id: 'QUERY-Dfbg2', message: 'Errors.User.NotFound' }],
    });
    expect(plain).toMatchObject({ errorId: 'QUERY-Dfbg2', zitadelMessage: 'Errors.User.NotFound' });
    expect(plain.details).toEqual([{ id: 'QUERY-Dfbg2', message: 'Errors.User.NotFound' }]);
  });
});
