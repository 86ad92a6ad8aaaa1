import { createHmac } from 'node:crypto';
import { ZitadelSignatureError, type SignatureRejection } from '../errors/signature.error.js';
import { verifyZitadelSignature } from './verify-signature.js';

// Vectors are computed here with Node's crypto, as ZITADEL's pkg/actions/signing.go does, not by the library.
const hmac = (key: string, t: number, body: string): string =>
  createHmac('sha256', key).update(`${t}.${body}`).digest('hex');

const KEY = 'aJZ1Ck8n0pQyK9vTg3Lm2xWqRsFdEhBu';
const OTHER_KEY = 'ZrTq8sLbN4wVx1CjYp6MdKeGh2AfUo9i';
const T = 1_760_000_000;
const NOW = T * 1000;
// ZITADEL signs the bytes it sends: Go's json.Marshal writes no spaces; a proxy or a test could add some.
const BODY = '{"aggregateID":"312", "event_type":"user.human.added",\n "event_payload":{"userName":"ada"}}';

function reasonOf(run: () => unknown): SignatureRejection | 'passed' {
  try {
    run();
    return 'passed';
  } catch (error) {
    if (error instanceof ZitadelSignatureError) return error.reason;
    throw error;
  }
}

describe('verifyZitadelSignature', () => {
  it('accepts the signature ZITADEL computes: t=<unix>,v1=hex(HMAC-SHA256(key, "<t>." + body))', () => {
    const header = `t=${T},v1=${hmac(KEY, T, BODY)}`;
    expect(verifyZitadelSignature(Buffer.from(BODY), header, [KEY], { now: NOW })).toEqual({
      timestamp: T,
      keyIndex: 0,
    });
    expect(verifyZitadelSignature(BODY, header, KEY, { now: new Date(NOW) }).timestamp).toBe(T);
  });

  it('accepts a header with two v1 values (a target with two keys), matching either configured key', () => {
    const header = `t=${T},v1=${hmac(OTHER_KEY, T, BODY)},v1=${hmac(KEY, T, BODY)}`;
    expect(verifyZitadelSignature(BODY, header, [KEY], { now: NOW }).keyIndex).toBe(0);
    expect(verifyZitadelSignature(BODY, header, ['not-this-one', OTHER_KEY], { now: NOW }).keyIndex).toBe(1);
    expect(reasonOf(() => verifyZitadelSignature(BODY, header, ['neither', 'nor-this'], { now: NOW }))).toBe(
      'mismatch',
    );
  });

  it('skips keys it does not know and v1 values that are not hex, as ZITADEL does', () => {
    const header = `v0=abc,t=${T},x-trace=1,v1=zz,v1=${hmac(KEY, T, BODY)},v2=${'0'.repeat(64)}`;
    expect(verifyZitadelSignature(BODY, header, [KEY], { now: NOW }).timestamp).toBe(T);
  });

  it('refuses a body whose whitespace differs from the signed bytes (a re-serialised JSON)', () => {
    const header = `t=${T},v1=${hmac(KEY, T, BODY)}`;
    const reserialised = JSON.stringify(JSON.parse(BODY));
    expect(reserialised).not.toBe(BODY);
    expect(reasonOf(() => verifyZitadelSignature(reserialised, header, [KEY], { now: NOW }))).toBe('mismatch');
  });

  it('refuses a tampered body, a signature of another timestamp and a wrong key', () => {
    const header = `t=${T},v1=${hmac(KEY, T, BODY)}`;
    expect(reasonOf(() => verifyZitadelSignature(BODY.replace('ada', 'eve'), header, [KEY], { now: NOW }))).toBe(
      'mismatch',
    );
    expect(
      reasonOf(() => verifyZitadelSignature(BODY, `t=${T + 1},v1=${hmac(KEY, T, BODY)}`, [KEY], { now: NOW })),
    ).toBe('mismatch');
    expect(reasonOf(() => verifyZitadelSignature(BODY, header, [OTHER_KEY], { now: NOW }))).toBe('mismatch');
  });

  it('refuses a timestamp older than the tolerance (default 300 s) and accepts one at its edge', () => {
    const old = T - 300;
    const header = `t=${old},v1=${hmac(KEY, old, BODY)}`;
    expect(verifyZitadelSignature(BODY, header, [KEY], { now: NOW }).timestamp).toBe(old);
    expect(reasonOf(() => verifyZitadelSignature(BODY, header, [KEY], { now: NOW + 1 }))).toBe('stale');
    expect(reasonOf(() => verifyZitadelSignature(BODY, header, [KEY], { now: NOW, toleranceSeconds: 299 }))).toBe(
      'stale',
    );
    expect(verifyZitadelSignature(BODY, header, [KEY], { now: NOW + 60_000, toleranceSeconds: 360 }).keyIndex).toBe(0);
  });

  it('refuses a timestamp more than the tolerance in the future, and accepts small clock skew ahead', () => {
    const ahead = T + 301;
    expect(
      reasonOf(() => verifyZitadelSignature(BODY, `t=${ahead},v1=${hmac(KEY, ahead, BODY)}`, [KEY], { now: NOW })),
    ).toBe('stale');
    const skew = T + 30;
    expect(verifyZitadelSignature(BODY, `t=${skew},v1=${hmac(KEY, skew, BODY)}`, [KEY], { now: NOW }).timestamp).toBe(
      skew,
    );
  });

  it('names a forged stale call a mismatch: stale is said only of a genuine signature', () => {
    const old = T - 3600;
    expect(
      reasonOf(() => verifyZitadelSignature(BODY, `t=${old},v1=${hmac(OTHER_KEY, old, BODY)}`, [KEY], { now: NOW })),
    ).toBe('mismatch');
  });

  it.each<[string, string | string[] | undefined, SignatureRejection]>([
    ['no header', undefined, 'missing'],
    ['an empty header', '', 'missing'],
    ['a pair without "="', `t=${T},v1`, 'malformed'],
    ['a pair with two "="', `t=${T},v1=ab=cd`, 'malformed'],
    ['an empty pair', `t=${T},,v1=${'ab'.repeat(32)}`, 'malformed'],
    ['no t', `v1=${'ab'.repeat(32)}`, 'malformed'],
    ['two t', `t=${T},t=${T},v1=${'ab'.repeat(32)}`, 'malformed'],
    ['a t that is not an integer', `t=${T}.5,v1=${'ab'.repeat(32)}`, 'malformed'],
    ['a t with spaces', `t= ${T},v1=${'ab'.repeat(32)}`, 'malformed'],
    ['no v1', `t=${T}`, 'malformed'],
    ['only undecodable v1', `t=${T},v1=xyz,v1=abc`, 'malformed'],
    ['two headers', [`t=${T},v1=${'ab'.repeat(32)}`, `t=${T},v1=${'cd'.repeat(32)}`], 'malformed'],
  ])('refuses %s as %s', (_name, header, reason) => {
    expect(reasonOf(() => verifyZitadelSignature(BODY, header, [KEY], { now: NOW }))).toBe(reason);
  });

  it('never puts the key, the header or the body into the error', () => {
    const header = `t=${T},v1=${hmac(OTHER_KEY, T, BODY)}`;
    let caught: unknown;
    try {
      verifyZitadelSignature(BODY, header, [KEY], { now: NOW });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ZitadelSignatureError);
    const error = caught as ZitadelSignatureError;
    expect(error.code).toBe('ZITADEL_SIGNATURE_INVALID');
    const printed = `${error.message} ${JSON.stringify(error)} ${String(error.stack)}`;
    for (const secret of [KEY, hmac(OTHER_KEY, T, BODY), 'ada', String(T)]) expect(printed).not.toContain(secret);
  });

  it('refuses unusable arguments with a TypeError naming them', () => {
    const header = `t=${T},v1=${hmac(KEY, T, BODY)}`;
    expect(() => verifyZitadelSignature(BODY, header, [], { now: NOW })).toThrow(/"signingKeys"/);
    expect(() => verifyZitadelSignature(BODY, header, [''], { now: NOW })).toThrow(/"signingKeys"/);
    expect(() => verifyZitadelSignature(BODY, header, [KEY], { now: NOW, toleranceSeconds: -1 })).toThrow(
      /"toleranceSeconds"/,
    );
    expect(() => verifyZitadelSignature(BODY, header, [KEY], { now: Number.NaN })).toThrow(/"now"/);
    expect(() => verifyZitadelSignature({} as unknown as string, header, [KEY], { now: NOW })).toThrow(/"rawBody"/);
  });
});
