import { escapeControlCharacters, remoteText } from './remote-text.js';

/** Any character a log line must not carry raw. */
const RAW_UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;

describe('remoteText', () => {
  it.each([
    'Errors.User.NotFound (QUERY-Dfbg2)',
    'Errors.User.Machine.Secret.Invalid',
    'invalid AddHumanUserRequest_Email.Email: value must be a valid email address',
    'unsupported_grant_type',
    'https://acme-abc123.zitadel.cloud',
    'client_credentials grant is not allowed for this client',
    'user 100507859606888466 not found',
  ])('keeps an ordinary message readable: %s', (message) => {
    expect(remoteText(message)).toBe(message);
  });

  it('escapes CR and LF, so a forged log line stays on the first one', () => {
    expect(remoteText('bad\r\n[Nest] 1 - LOG forged\ttab')).toBe('bad\\r\\n[Nest] 1 - LOG forged\\ttab');
  });

  it('escapes ANSI sequences (ESC, 8-bit CSI), NUL and DEL', () => {
    expect(remoteText('\x1b[31mred\x1b[0m \x9b2J \x00 \x7f')).toBe('\\x1b[31mred\\x1b[0m \\x9b2J \\x00 \\x7f');
  });

  it('escapes C1 controls, line and paragraph separators', () => {
    expect(remoteText('a\x85b\u2028c\u2029d')).toBe('a\\x85b\\u2028c\\u2029d');
  });

  it('escapes bidi overrides and isolates, zero-width marks and lone surrogates', () => {
    const text = 'x\u202ey\u202a\u2066z\u2069\u200f\ufeff\ud800';
    expect(remoteText(text)).toBe('x\\u202ey\\u202a\\u2066z\\u2069\\u200f\\ufeff\\ud800');
  });

  it('keeps non-ASCII letters and emoji', () => {
    expect(remoteText('Benutzer für Müller nicht gefunden 🙂')).toBe('Benutzer für Müller nicht gefunden 🙂');
  });

  it('redacts a JWT, whole', () => {
    const jwt =
      'eyJhbGciOiJSUzI1NiIsImtpZCI6IjEyMyJ9.eyJzdWIiOiIxMDA1MDc4NTk2MDY4ODg0NjYifQ.' +
      'c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU';
    expect(remoteText(`token ${jwt} is bad`)).toBe('token [redacted] is bad');
  });

  it('redacts a short JWT whose parts are each under 24 characters', () => {
    expect(remoteText('got eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0. here')).toBe('got [redacted] here');
  });

  it('redacts a long base64url run (an opaque token or a client secret)', () => {
    const opaque = 'V2hhdCBhbiBvcGFxdWUgdG9rZW4gbG9va3MgbGlrZQ_-x';
    expect(remoteText(`echo: ${opaque}.`)).toBe('echo: [redacted].');
  });

  it('redacts an opaque ZITADEL access token and a Basic credential', () => {
    const zitadelOpaque = 'hbVKmv3vPzYjCQkOujy2W5GQKdUe0Rx6DpBdLyFxB5lZY3D4mJ-qH5iYe0lrzX3T1SX-pqP7KS3ZLhU';
    const basic = 'Basic MzA1OTI0NzgxNjE2MTU5NDY1OnNlY3JldC13aXRoLXNsYXNoLysrKysrKysr==';
    expect(remoteText(`token=${zitadelOpaque}`)).toBe('token=[redacted]');
    expect(remoteText(`authorization: ${basic}`)).toBe('authorization: Basic [redacted]');
  });

  it('redacts a long hex run', () => {
    expect(remoteText('key 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b ok')).toBe('key [redacted] ok');
  });

  it('redacts a 32+ run of mixed case even without digits', () => {
    expect(remoteText('x AbcdefGhijkLmnopqRstuvWxyzAbcdEfgh y')).toBe('x [redacted] y');
  });

  it('caps the length, with an ellipsis, counting escapes', () => {
    expect(remoteText('a'.repeat(500))).toBe(`${'a'.repeat(200)}…`);
    expect(remoteText('abcdef', 4)).toBe('abcd…');
    expect(remoteText('ab\ncd', 4)).toBe('ab\\n…');
    expect(remoteText('abc\x1b', 4)).toBe('abc…');
    expect(remoteText('abcd', 4)).toBe('abcd');
  });

  it('never shows part of a token cut by the length bound, even after earlier redactions shrank the text', () => {
    // With a cap of 40 the input is bounded at 320 characters: a 309-character JWT (redacted to
    // 10), a space, then a secret cut after 10 characters, short enough to escape redaction.
    const jwt = `eyJ${'a'.repeat(100)}.${'b'.repeat(100)}.${'c'.repeat(104)}`;
    const secret = 'Zq9xR2mK7vB4nT8wL1pF6hJ3dS5gA0cE';
    const out = remoteText(`${jwt} ${secret}`, 40);
    expect(out).toBe('[redacted] …');
  });

  it('leaves nothing raw, whatever the input', () => {
    let all = '';
    for (let code = 0; code < 0x3000; code++) all += String.fromCharCode(code);
    const out = remoteText(all, 100_000);
    expect(out).not.toMatch(RAW_UNSAFE);
  });
});

describe('escapeControlCharacters', () => {
  it('escapes and changes nothing else (no redaction, no cap)', () => {
    const long = `${'x'.repeat(300)} 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b`;
    expect(escapeControlCharacters(long)).toBe(long);
    expect(escapeControlCharacters('a\nb\x1b\u202e')).toBe('a\\nb\\x1b\\u202e');
  });
});
