import { systemClock } from '../shared/clock.js';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ZitadelResponseError } from '../errors/response.error.js';
import { ZitadelUnavailableError } from '../errors/unavailable.error.js';
import { readOAuthError } from './json-response.js';
import { ZitadelHttpClient, type ServerErrorHandling, type ZitadelHttpRequest } from './zitadel-http-client.js';

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
const serverError: Step = (_, res) =>
  res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"server_error"}');
const drop: Step = (req) => req.socket.destroy();
const client = (overrides: Partial<ConstructorParameters<typeof ZitadelHttpClient>[0]> = {}) =>
  new ZitadelHttpClient(
    { timeoutMs: 1000, retries: 2, backoffBaseMs: 1, backoffMaxMs: 50, maxResponseBytes: 1024, ...overrides },
    systemClock,
  );
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

  it('reads a body of exactly maxResponseBytes, streamed without a Content-Length', async () => {
    steps = [(_, res) => res.writeHead(200, { 'transfer-encoding': 'chunked' }).end('x'.repeat(1024))];
    await expect(client().send({ ...read, url })).resolves.toMatchObject({ status: 200, body: 'x'.repeat(1024) });
  });

  it('refuses a Content-Length above maxResponseBytes before reading anything', async () => {
    let closed = false;
    steps = [
      (req, res) => {
        res.writeHead(200, { 'content-length': String(64 * 1024 * 1024) });
        res.write('x');
        req.socket.on('close', () => (closed = true));
      },
    ];
    const error = await client()
      .send({ ...read, url })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZitadelResponseError);
    expect(error).toMatchObject({
      message: expect.stringContaining('larger than 1024 bytes (http.maxResponseBytes)'),
    });
    expect(hits).toBe(1);
    await expect.poll(() => closed).toBe(true);
  });

  it('stops reading a streamed body once it passes maxResponseBytes, and closes the connection', async () => {
    let written = 0;
    let closed = false;
    steps = [
      (req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        req.socket.on('close', () => (closed = true));
        const pump = (): void => {
          while (!req.socket.destroyed && written < 64 * 1024 * 1024) {
            written += 512;
            if (!res.write('y'.repeat(512))) return void res.once('drain', pump);
          }
        };
        pump();
      },
    ];
    await expect(client().send({ ...read, url })).rejects.toBeInstanceOf(ZitadelResponseError);
    await expect.poll(() => closed).toBe(true);
    expect(written).toBeLessThan(16 * 1024 * 1024);
    expect(hits).toBe(1);
  });

  describe('a request handling some 5xx itself', () => {
    const refusedAssertion: ServerErrorHandling = {
      retries: 1,
      matches: (response) => response.status === 500 && readOAuthError(response)?.error === 'server_error',
    };

    it('retries a matching answer as often as it says, then returns it', async () => {
      steps = [serverError, serverError, serverError, status(200)];
      const response = await client({ retries: 5 }).send({ ...read, url, serverErrors: refusedAssertion });
      expect(response).toMatchObject({ status: 500, body: '{"error":"server_error"}' });
      expect(hits).toBe(2);
    });

    it('never retries beyond http.retries', async () => {
      steps = [serverError, status(200)];
      await expect(
        client({ retries: 0 }).send({ ...read, url, serverErrors: refusedAssertion }),
      ).resolves.toMatchObject({ status: 500 });
      expect(hits).toBe(1);
    });

    it('gives other 5xx the default handling', async () => {
      steps = [status(500), status(502), status(500)];
      await expect(client().send({ ...read, url, serverErrors: refusedAssertion })).rejects.toBeInstanceOf(
        ZitadelUnavailableError,
      );
      expect(hits).toBe(3);
      hits = 0;
      steps = [status(503), serverError, serverError];
      await expect(client().send({ ...read, url, serverErrors: refusedAssertion })).resolves.toMatchObject({
        status: 500,
      });
      expect(hits).toBe(3);
    });
  });
});
