import { describeError } from './describe-error.js';

describe('describeError', () => {
  it('gives name and message on one line, escaped and without token-shaped text', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMDA1MDc4NTk2MDY4ODg0NjYifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    const line = describeError(new TypeError(`bad answer\r\n\x1b[31mforged line ${jwt}`));
    expect(line).toMatch(/^TypeError: bad answer\\r\\n\\x1b\[31mforged line \[redacted\]$/);
    for (const raw of ['\r', '\n', '\x1b']) expect(line).not.toContain(raw);
  });

  it('says "unknown error" for anything that is not an Error', () => {
    expect(describeError('secret-looking string')).toBe('unknown error');
  });
});
