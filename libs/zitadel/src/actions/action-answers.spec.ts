import { zitadelForwardedError, zitadelFunctionAnswer } from './action-answers.js';

/** Go's encoding/json reads a `[]byte` field (ZITADEL's domain.Metadata.Value) as standard, padded base64. */
const GO_STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

describe('zitadelFunctionAnswer', () => {
  it('writes set_user_metadata values as standard padded base64 of the UTF-8 text or the bytes', () => {
    // 0xfb 0xff encode to "+/8=": the characters where base64url would differ, and padding.
    const bytes = Uint8Array.of(0xfb, 0xff);
    const answer = zitadelFunctionAnswer({ metadata: { tier: 'gold ✓', raw: bytes } });
    expect(answer.set_user_metadata).toEqual([
      { key: 'tier', value: Buffer.from('gold ✓', 'utf8').toString('base64') },
      { key: 'raw', value: '+/8=' },
    ]);
    for (const entry of answer.set_user_metadata ?? []) expect(entry.value).toMatch(GO_STD_BASE64);
    expect(Buffer.from(answer.set_user_metadata?.[0]?.value ?? '', 'base64').toString('utf8')).toBe('gold ✓');
    // ZITADEL's JSON has exactly these fields.
    expect(Object.keys(answer)).toEqual(['set_user_metadata']);
  });

  it('refuses an empty metadata key or value, which ZITADEL would not set', () => {
    expect(() => zitadelFunctionAnswer({ metadata: { '': 'x' } })).toThrow(/non-empty key and value.*empty key/);
    expect(() => zitadelFunctionAnswer({ metadata: { tier: '' } })).toThrow(/"tier".*leave it out/);
    expect(() => zitadelFunctionAnswer({ metadata: { tier: new Uint8Array() } })).toThrow(RangeError);
  });

  it('writes append_claims as key/value pairs and append_log_claims as given, and nothing not asked for', () => {
    expect(zitadelFunctionAnswer({ claims: { tenant: 'acme', roles: ['a'] }, logClaims: ['added'] })).toEqual({
      append_claims: [
        { key: 'tenant', value: 'acme' },
        { key: 'roles', value: ['a'] },
      ],
      append_log_claims: ['added'],
    });
    expect(zitadelFunctionAnswer({})).toEqual({});
  });
});

describe('zitadelForwardedError', () => {
  it('builds the body ZITADEL forwards, for 400 to 499 only', () => {
    expect(zitadelForwardedError(403, 'closed')).toEqual({ forwardedStatusCode: 403, forwardedErrorMessage: 'closed' });
    expect(zitadelForwardedError(400, 'a').forwardedStatusCode).toBe(400);
    expect(zitadelForwardedError(499, 'a').forwardedStatusCode).toBe(499);
    for (const status of [399, 500, 403.5, Number.NaN]) {
      expect(() => zitadelForwardedError(status, 'x')).toThrow(/"status" must be 400 to 499/);
    }
  });
});
