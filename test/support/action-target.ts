// A plain Node HTTP server standing in for an Actions v2 target: it records every call ZITADEL
// (here the emulator) makes, raw, and answers as the test says. Signatures are checked by the
// tests themselves with Node's crypto (`signatureMatches`), independent of the library and the
// emulator's signer.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One call received. */
export interface ReceivedCall {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** How to answer a call; `hold` never answers until `release()` (or the server closes). */
export type TargetAnswer = { status: number; body?: unknown } | 'hold';

export class ActionTarget {
  readonly calls: ReceivedCall[] = [];
  private readonly answers = new Map<string, (call: ReceivedCall) => TargetAnswer>();
  private readonly held: (() => void)[] = [];
  private readonly waiters: { count: number; resolve: () => void }[] = [];

  private constructor(private readonly server: Server) {}

  static async start(): Promise<ActionTarget> {
    let target: ActionTarget | undefined;
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => target?.receive(request.url ?? '/', request.headers, Buffer.concat(chunks), response));
    });
    target = new ActionTarget(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return target;
  }

  /** The URL of a path on this server. */
  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  /** How calls to a path are answered (default 200 `{}`). */
  answer(path: string, answer: (call: ReceivedCall) => TargetAnswer): void {
    this.answers.set(path, answer);
  }

  /** The calls to one path. */
  callsTo(path: string): ReceivedCall[] {
    return this.calls.filter((call) => call.path === path);
  }

  /** Resolves once `count` calls in all have arrived. */
  received(count: number): Promise<void> {
    if (this.calls.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  /** Answers every held call with 200 `{}`. */
  release(): void {
    for (const answer of this.held.splice(0)) answer();
  }

  close(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private receive(path: string, headers: IncomingHttpHeaders, body: Buffer, response: ServerResponse): void {
    const call = { path, headers, body };
    this.calls.push(call);
    for (const waiter of this.waiters.filter((w) => this.calls.length >= w.count)) waiter.resolve();
    const answer = this.answers.get(path)?.(call) ?? { status: 200, body: {} };
    const send = (status: number, payload: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
    };
    if (answer === 'hold') this.held.push(() => send(200, {}));
    else send(answer.status, answer.body ?? {});
  }
}

/**
 * Whether a `ZITADEL-Signature` header signs this body with this key: `t=<unix>` and a
 * `v1=hex(HMAC-SHA256(key, "<t>." + body))`, computed here with Node's crypto.
 */
export function signatureMatches(header: string | string[] | undefined, body: Buffer, key: string): boolean {
  if (typeof header !== 'string') return false;
  const pairs = header.split(',').map((pair) => pair.split('='));
  const t = pairs.find(([name]) => name === 't')?.[1];
  if (t === undefined || !/^\d+$/.test(t)) return false;
  const expected = createHmac('sha256', key).update(`${t}.`).update(body).digest();
  return pairs
    .filter(([name]) => name === 'v1')
    .some(([, value]) => {
      const given = Buffer.from(value ?? '', 'hex');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
}

/** The `t=` of a signature header, in seconds. */
export function signatureTime(header: string | string[] | undefined): number {
  return Number(String(header).split(',')[0]?.split('=')[1]);
}
