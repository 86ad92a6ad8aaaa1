import { ZitadelTokenInvalidError } from '../errors/token-invalid.error.js';
import { assertJwtShape } from './jwt-shape.js';

const b64 = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const HEADER = b64({ alg: 'RS256', kid: 'k' });
const PAYLOAD = b64({ sub: '42' });
const SIGNATURE = b64('signature');

function reason(token: string): string | undefined {
  try {
    assertJwtShape(token);
    return undefined;
  } catch (error) {
    if (!(error instanceof ZitadelTokenInvalidError)) throw error;
    return error.reason;
  }
}

describe('assertJwtShape', () => {
  it('passes a compact JWS of RS256 whose header and payload are JSON objects', () => {
    expect(reason(`${HEADER}.${PAYLOAD}.${SIGNATURE}`)).toBeUndefined();
    expect(reason(`${HEADER}.${b64({})}.${SIGNATURE}`)).toBeUndefined();
  });

  it.each([
    ['two parts', `${HEADER}.${PAYLOAD}`],
    ['four parts', `${HEADER}.${PAYLOAD}.${SIGNATURE}.x`],
    ['five parts (a JWE)', `${HEADER}.a.b.c.d`],
    ['an empty header', `.${PAYLOAD}.${SIGNATURE}`],
    ['an empty payload', `${HEADER}..${SIGNATURE}`],
    ['an empty signature', `${HEADER}.${PAYLOAD}.`],
    ['padding', `${HEADER}=.${PAYLOAD}.${SIGNATURE}`],
    ['standard base64 characters', `${HEADER}.${PAYLOAD}.${SIGNATURE}+/`],
    ['a header that is not JSON', `${b64('{"alg"')}.${PAYLOAD}.${SIGNATURE}`],
    ['a header that is an array', `${b64(['RS256'])}.${PAYLOAD}.${SIGNATURE}`],
    ['a header that is null', `${b64('null')}.${PAYLOAD}.${SIGNATURE}`],
    ['a payload that is a number', `${HEADER}.${b64('42')}.${SIGNATURE}`],
    ['a payload that is a string', `${HEADER}.${b64('"sub"')}.${SIGNATURE}`],
    ['three words', 'a.b.c'],
  ])('refuses %s as malformed', (_, token) => {
    expect(reason(token)).toBe('malformed');
  });

  it.each([
    ['alg none, unsigned', `${b64({ alg: 'none' })}.${PAYLOAD}.`],
    ['HS256', `${b64({ alg: 'HS256' })}.${PAYLOAD}.${SIGNATURE}`],
    ['no alg', `${b64({ kid: 'k' })}.${PAYLOAD}.${SIGNATURE}`],
  ])('refuses %s as invalid (a JWT, but not one ZITADEL signs)', (_, token) => {
    expect(reason(token)).toBe('invalid');
  });
});
