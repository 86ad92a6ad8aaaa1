import { systemClock } from '../shared/clock.js';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ZitadelUnavailableError } from '../errors/unavailable.error.js';
import { ZitadelHttpClient, type ZitadelHttpRequest } from './zitadel-http-client.js';

type Step = (req: IncomingMessage, res: ServerResponse) => void;

/** A loopback server that answers each request with the next scripted step. */
let server: Server;
let url: string;
let steps: Step[] = [];
let hits = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    const step = steps[hits++] ?? ((_, r) => r.writeHead(599).end());
    step(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  hits = 0;
  steps = [];
});

const status =
  (code: number, headers: Record<string, string> = {}): Step =>
  (_, res) =>
    res.writeHead(code, headers).end('{}');
const drop: Step = (req) => req.socket.destroy();
const client = (overrides: Partial<ConstructorParameters<typeof ZitadelHttpClient>[0]> = {}) =>
  new ZitadelHttpClient({ timeoutMs: 1000, retries: 2, backoffBaseMs: 1, backoffMaxMs: 50, ...overrides }, systemClock);
const read: ZitadelHttpRequest = { method: 'POST', url: '', idempotent: true, endpoint: 'token' };
const write: ZitadelHttpRequest = { ...read, idempotent: false, endpoint: 'management' };

describe('ZitadelHttpClient', () => {
  it('returns 4xx answers to the caller without retrying', async () => {
    steps = [status(400)];
    await expect(client().send({ ...read, url })).resolves.toMatchObject({ status: 400, body: '{}' });
    expect(hits).toBe(1);
  });

  it('retries 5xx, 429 and dropped connections, then succeeds', async () => {
    steps = [status(502), drop, status(200)];
    await expect(client().send({ ...read, url })).resolves.toMatchObject({ status: 200 });
    expect(hits).toBe(3);
  });

  it('gives up after the configured retries with a typed error carrying the status', async () => {
    steps = [status(500), status(500), status(500), status(200)];
    const error = await client()
      .send({ ...read, url })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZitadelUnavailableError);
    expect(error).toMatchObject({
      code: 'ZITADEL_UNAVAILABLE',
      status: 500,
      message: 'ZITADEL token endpoint answered 500',
    });
    expect(hits).toBe(3);
  });

  it('waits as long as Retry-After asks', async () => {
    steps = [status(429, { 'retry-after': '1' }), status(200)];
    const started = Date.now();
    await expect(client({ backoffMaxMs: 2000 }).send({ ...read, url })).resolves.toMatchObject({ status: 200 });
    // A lower bound on a wait the server asked for, not a speed assertion.
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('does not wait longer than backoffMaxMs: a longer Retry-After fails at once', async () => {
    steps = [status(429, { 'retry-after': '120' }), status(200)];
    await expect(client().send({ ...read, url })).rejects.toThrow(
      'ZITADEL token endpoint answered 429 (asked to retry after 120 s)',
    );
    expect(hits).toBe(1);
  });

  it('times out a hanging attempt and retries it', async () => {
    steps = [() => undefined, status(200)];
    await expect(client({ timeoutMs: 200 }).send({ ...read, url })).resolves.toMatchObject({ status: 200 });
    expect(hits).toBe(2);
  });

  it('retries a write on 503 and 429, never on 500 or a dropped connection', async () => {
    steps = [status(503), status(201)];
    await expect(client().send({ ...write, url })).resolves.toMatchObject({ status: 201 });
    expect(hits).toBe(2);
    hits = 0;
    steps = [status(500), status(201)];
    await expect(client().send({ ...write, url })).resolves.toMatchObject({ status: 500 });
    expect(hits).toBe(1);
    hits = 0;
    steps = [drop, status(201)];
    await expect(client().send({ ...write, url })).rejects.toThrow(/ZITADEL management endpoint is unreachable/);
    expect(hits).toBe(1);
  });

  it('reports a refused connection as unavailable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(client().send({ ...read, url: `http://127.0.0.1:${port}/` })).rejects.toThrow(
      'ZITADEL token endpoint is unreachable: ECONNREFUSED',
    );
  });
});
