/** How many characters of remote text a message keeps, by default (escapes count; then `…`). */
const REMOTE_TEXT_MAX_LENGTH = 200;

/**
 * Characters that must never reach a log raw: controls (C0, DEL, C1), invisible format
 * characters (bidi overrides and isolates, zero-width marks, BOM), line and paragraph separators,
 * and lone surrogates. Each could split a log line, drive a terminal, or reorder what a reader sees.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'gu');

/** A JWT or JWE in compact form: its protected header is base64url JSON, so it starts with `eyJ`. */
const COMPACT_JOSE = /eyJ[\w-]*(?:\.[\w-]*){2,4}/g;

/** A run of base64, base64url, hex or b64token characters (RFC 6750), optionally padded. */
const LONG_RUN = /[A-Za-z0-9~+/_-]{24,}={0,2}/g;

/** A trailing, possibly cut, token-shaped run (see {@link remoteText} on pre-truncation). */
const TRAILING_RUN = /[A-Za-z0-9~+/_=.-]+$/;

const NAMED_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Text that came from ZITADEL (or anything answering in its place) made safe for a message or a
 * log line: token-shaped strings are replaced by `[redacted]`, every unsafe character is escaped
 * visibly (`\n`, `\x1b`, `\u202e`), and the result is at most `maxLength` characters plus `…`.
 * Ordinary ZITADEL messages (`Errors.User.NotFound (QUERY-Dfbg2)`, a sentence, a URL) come out as
 * they went in.
 *
 * Token-shaped means: a compact JWT/JWE (`eyJ….….…`), or a run of 24 or more base64/base64url/hex
 * characters that mixes letters and digits (or, from 32 characters, upper and lower case). Plain
 * long words, `snake_case` codes and identifiers stay readable; a random token of that length
 * almost never lacks both.
 *
 * @example remoteText('bad\r\nINFO forged \x1b[31m') // 'bad\\r\\nINFO forged \\x1b[31m'
 */
export function remoteText(text: string, maxLength = REMOTE_TEXT_MAX_LENGTH): string {
  // Bound the work on a huge body before any regular expression runs. Redactions can shrink the
  // text, so a token cut at this bound could slide into view: drop the cut run as well.
  const bound = maxLength * 8;
  const cut = text.length > bound;
  const input = cut ? text.slice(0, bound).replace(TRAILING_RUN, '') : text;
  const redacted = input.replace(COMPACT_JOSE, '[redacted]').replace(LONG_RUN, (run) => redact(run));
  let out = '';
  for (const char of redacted) {
    const piece = UNSAFE.test(char) ? escapeCharacter(char) : char;
    if (out.length + piece.length > maxLength) return `${out}…`;
    out += piece;
  }
  return cut ? `${out}…` : out;
}

/**
 * Every unsafe character of `text` escaped visibly, nothing else changed. The last line of defence
 * for whole messages (see `ZitadelError`); remote text itself goes through {@link remoteText}.
 */
export function escapeControlCharacters(text: string): string {
  return UNSAFE.test(text) ? text.replace(UNSAFE_ALL, escapeCharacter) : text;
}

function redact(run: string): string {
  const hasDigit = /\d/.test(run);
  const hasLetter = /[A-Za-z]/.test(run);
  const mixedCase = /[a-z]/.test(run) && /[A-Z]/.test(run);
  return (hasDigit && hasLetter) || (run.length >= 32 && mixedCase) ? '[redacted]' : run;
}

function escapeCharacter(char: string): string {
  const named = NAMED_ESCAPES[char];
  if (named !== undefined) return named;
  const code = char.codePointAt(0) ?? 0;
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\u{${code.toString(16)}}`;
}
