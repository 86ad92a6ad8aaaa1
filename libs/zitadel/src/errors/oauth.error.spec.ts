import { ZitadelOAuthError } from './oauth.error.js';

describe('ZitadelOAuthError', () => {
  it("keeps ZITADEL's fields and a readable message", () => {
    const error = new ZitadelOAuthError('invalid_grant', 'Errors.User.Machine.Secret.Invalid', 400, 'token');
    expect(error).toMatchObject({
      code: 'ZITADEL_OAUTH_ERROR',
      error: 'invalid_grant',
      error_description: 'Errors.User.Machine.Secret.Invalid',
      status: 400,
    });
    expect(error.message).toBe(
      'ZITADEL token endpoint refused the request (400 invalid_grant: Errors.User.Machine.Secret.Invalid)',
    );
  });

  it('never repeats a token-shaped string an upstream echoed into its description', () => {
    const payload = 'eyJzdWIiOiIxMDA1MDc4NTk2MDY4ODg0NjYiLCJpc3MiOiJodHRwczovL2FjbWUifQ';
    const signature = 'c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmUtc2lnbmF0dXJl';
    const opaque = 'V2hhdCBhbiBvcGFxdWUgdG9rZW4gbG9va3MgbGlrZQ';
    const error = new ZitadelOAuthError(
      'invalid_request',
      `bad eyJhbGciOiJSUzI1NiJ9.${payload}.${signature} or ${opaque}`,
      400,
      'introspection',
    );
    for (const secret of [payload, signature, opaque]) expect(error.message).not.toContain(secret.slice(0, 16));
    expect(error.message).toContain('[redacted] or [redacted]');
  });
});
