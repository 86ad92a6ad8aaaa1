import { ZitadelConfigurationError } from './configuration.error.js';
import { ZitadelOAuthError } from './oauth.error.js';
import { ZitadelResponseError } from './response.error.js';

describe('ZitadelError', () => {
  it('escapes control characters in any message, whoever composed it', () => {
    const error = new ZitadelResponseError('answered "text/html\r\n\x1b[2J\x9b\u2028"', 200);
    expect(error.message).toBe('answered "text/html\\r\\n\\x1b[2J\\x9b\\u2028"');
  });

  it('keeps the line breaks of a multi-line message and escapes those inside a line', () => {
    const error = new ZitadelConfigurationError([
      { path: 'issuer', message: 'is missing' },
      { path: 'a\nb', message: 'x\x1by' },
    ]);
    expect(error.message).toBe('Invalid ZitadelModule options:\n  issuer: is missing\n  a\\nb: x\\x1by');
  });
});

describe('ZitadelOAuthError', () => {
  it('sanitises error and error_description, in the message and in the fields', () => {
    const token = 'V2hhdCBhbiBvcGFxdWUgdG9rZW4gbG9va3MgbGlrZQ';
    const error = new ZitadelOAuthError(`invalid_grant\n`, `bad\r\n\x1b[31m ${token}`, 400, 'token');
    expect(error.error).toBe('invalid_grant\\n');
    expect(error.error_description).toBe('bad\\r\\n\\x1b[31m [redacted]');
    expect(error.message).toBe(
      'ZITADEL token endpoint refused the request (400 invalid_grant\\n: bad\\r\\n\\x1b[31m [redacted])',
    );
  });
});
