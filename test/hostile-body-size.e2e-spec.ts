// Huge answers from ZITADEL, against a real guarded Nest app: a body past http.maxResponseBytes is
// not read (a Content-Length above it is refused at once, a stream is cut off as soon as it passes
// it), the guard answers 503, and nothing of it is cached: the next request asks again.
import 'reflect-metadata';
import type { ServerResponse } from 'node:http';
import { get, guardedAppModule } from './support/guarded-app.js';
import {
  DISCOVERY_PATH,
  INTROSPECTION_PATH,
  startHostileIssuer,
  type HostileIssuer,
} from './support/hostile-issuer.js';
import { startApp, type RunningApp } from './support/nest-app.js';

const PROJECT_ID = '300000000000000001';
const OPAQUE = 'opaque-access-token-0123456789';
const CAP = 64 * 1024;
/** What the hostile endpoint would send if nobody hung up: far more than the cap. */
const TOTAL = 64 * 1024 * 1024;
const CHUNK = 'x'.repeat(16 * 1024);

let issuer: HostileIssuer;
let app: RunningApp;

beforeEach(async () => {
  issuer = await startHostileIssuer();
  app = await startApp(
    'express',
    guardedAppModule({
      issuer: issuer.issuer,
      apiApplication: { clientId: 'api@acme', clientSecret: 'api-secret-value' },
      projectId: PROJECT_ID,
      http: { maxResponseBytes: CAP, retries: 0 },
    }),
  );
});
afterEach(async () => {
  await app.close();
  await issuer.close();
});

/** What a streaming answer wrote before the client hung up. */
interface Stream {
  written: number;
  closedEarly: boolean;
}

/** Streams chunks of an endless `active: true` answer until the client hangs up (or TOTAL is reached). */
function streamUntilHungUp(response: ServerResponse, stream: Stream): Promise<void> {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.write('{"active":true,"sub":"alice","pad":"');
  return new Promise((resolve) => {
    response.on('close', () => {
      stream.closedEarly = stream.written < TOTAL;
      resolve();
    });
    const pump = (): void => {
      while (!response.destroyed && stream.written < TOTAL) {
        stream.written += CHUNK.length;
        if (!response.write(CHUNK)) return void response.once('drain', pump);
      }
      if (!response.destroyed) response.end('"}');
    };
    pump();
  });
}

describe('a response body larger than http.maxResponseBytes', () => {
  it('an introspection answer streamed without end: 503, the stream is cut off early, and the next request introspects again', async () => {
    const streams: Stream[] = [];
    const done: Promise<void>[] = [];
    issuer.on(INTROSPECTION_PATH, (_request, response) => {
      const stream = { written: 0, closedEarly: false };
      streams.push(stream);
      done.push(streamUntilHungUp(response, stream));
    });

    expect((await get(app.url, '/reports/mine', { token: OPAQUE })).status).toBe(503);
    expect((await get(app.url, '/reports/mine', { token: OPAQUE })).status).toBe(503);
    await Promise.all(done);
    expect(issuer.requestsTo(INTROSPECTION_PATH)).toHaveLength(2);
    for (const stream of streams) {
      expect(stream.closedEarly).toBe(true);
      // Far less than the answer: the client hung up soon after the cap (socket buffers hold some).
      expect(stream.written).toBeLessThan(TOTAL / 8);
    }
    expect(app.logs.lines.join('\n')).toContain(`larger than ${CAP} bytes (http.maxResponseBytes)`);
  });

  it('a discovery document declaring a Content-Length above the cap: 503 at once, without waiting for the body', async () => {
    let closed = 0;
    issuer.on(DISCOVERY_PATH, (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(TOTAL) });
      response.write(CHUNK);
      response.on('close', () => closed++);
    });
    expect((await get(app.url, '/reports/mine', { token: OPAQUE })).status).toBe(503);
    await expect.poll(() => closed).toBe(1);
    expect(issuer.requestsTo(DISCOVERY_PATH)).toHaveLength(1);
    expect(issuer.requestsTo(INTROSPECTION_PATH)).toHaveLength(0);
    // Refused for its declared size: the little that was sent (less than the cap) was not waited for.
    expect(app.logs.lines.join('\n')).toContain(`discovery endpoint answered 200 with a body larger than ${CAP} bytes`);
  });
});
