import { ZitadelResponseError } from '../errors/response.error.js';
import { parseIntrospectionResult } from './introspection-result.js';

describe('parseIntrospectionResult and act (token exchange with impersonation)', () => {
  it('keeps a well-formed act claim', () => {
    const act = { iss: 'https://acme.zitadel.cloud', sub: '7' };
    expect(parseIntrospectionResult({ active: true, sub: '42', act }).act).toEqual(act);
  });

  it('refuses a malformed act claim, naming the field', () => {
    expect(() => parseIntrospectionResult({ active: true, sub: '42', act: { sub: 7 } })).toThrow(ZitadelResponseError);
    expect(() => parseIntrospectionResult({ active: true, sub: '42', act: [] })).toThrow(/"act"/);
  });

  it('ignores act on an inactive answer', () => {
    expect(parseIntrospectionResult({ active: false, act: 'junk' })).toEqual({ active: false });
  });
});
