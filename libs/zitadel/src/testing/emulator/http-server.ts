import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EmulatorEndpoint, EmulatorFault } from './emulator.types.js';
import type { Faults } from './faults.js';
import { MAX_FORM_BYTES } from './form.js';
import { jsonResponse, type EmulatorRequest, type EmulatorResponse } from './http-exchange.js';
import type { RequestLog } from './request-log.js';

/**
 * How much of a request body the emulator keeps: one byte more than Go's form limit, as
 * `parsePostForm` reads through `io.LimitReader(body, maxFormSize+1)`, so a handler can tell a
 * body that is too large. The rest is read and dropped.
 */
const KEPT_BODY_BYTES = MAX_FORM_BYTES + 1;

/** What the HTTP layer needs from the emulator. */
export interface RequestPipeline {
  endpointOf(path: string): EmulatorEndpoint;
  handle(endpoint: EmulatorEndpoint, request: EmulatorRequest): EmulatorResponse | Promise<EmulatorResponse>;
  readonly faults: Faults;
  readonly log: RequestLog;
}

/**
 * The emulator's HTTP server: reads each request (size-capped), applies an injected fault if one
 * matches, hands the request to the pipeline, writes and logs the answer. Nothing a client sends
 * can crash it: a handler failure is a 500; a body is kept up to {@link KEPT_BODY_BYTES}, and
 * each endpoint answers a larger one as ZITADEL does.
 */
export class EmulatorHttpServer {
  private readonly aborted = new AbortController();
  private closed: Promise<void> | undefined;

  private constructor(
    private readonly server: Server,
    private readonly pipeline: RequestPipeline,
  ) {}

  /** Listens on `host:port` (port 0: any free port). */
  static async listen(host: string, port: number, pipeline: RequestPipeline): Promise<EmulatorHttpServer> {
    const server = createServer();
    const http = new EmulatorHttpServer(server, pipeline);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void http.serve(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return http;
  }

  /** `http://host:port`. */
  get url(): string {
    const address = this.server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  /** Stops listening and destroys every connection, keep-alive and in-flight ones too. Idempotent. */
  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      this.aborted.abort();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    return this.closed;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt < 0 ? url : url.slice(0, queryAt);
    const endpoint = this.pipeline.endpointOf(path);
    const method = req.method ?? 'GET';
    const record = this.pipeline.log.begin(endpoint, method, path);
    res.on('error', () => undefined);
    req.on('error', () => undefined);
    try {
      const fault = this.pipeline.faults.take(endpoint);
      if (fault?.delayMs !== undefined && fault.delayMs > 0)
        await sleep(fault.delayMs, undefined, { signal: this.aborted.signal });
      if (fault?.drop === true) {
        record(0);
        req.socket.destroy();
        return;
      }
      if (fault?.status !== undefined) {
        record(fault.status);
        write(res, faultResponse(fault));
        return;
      }
      const body = await readBody(req);
      const response = await this.pipeline.handle(endpoint, {
        method,
        path,
        query: queryAt < 0 ? '' : url.slice(queryAt + 1),
        headers: req.headers,
        body,
      });
      record(response.status);
      write(res, response);
    } catch {
      if (this.aborted.signal.aborted || req.socket.destroyed) {
        record(0);
        req.socket.destroy();
        return;
      }
      record(500);
      write(res, jsonResponse(500, { error: 'server_error', error_description: 'Errors.Internal' }));
    }
  }
}

/** The body's first {@link KEPT_BODY_BYTES} bytes; the rest is read and dropped. */
function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    req.on('data', (chunk: Buffer) => {
      if (kept >= KEPT_BODY_BYTES) return;
      const part = chunk.length <= KEPT_BODY_BYTES - kept ? chunk : chunk.subarray(0, KEPT_BODY_BYTES - kept);
      chunks.push(part);
      kept += part.length;
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('close', () => {
      if (!req.complete) reject(new Error('request aborted'));
    });
  });
}

function faultResponse(fault: EmulatorFault): EmulatorResponse {
  if (fault.body === undefined) return { status: fault.status ?? 500, headers: { ...fault.headers }, body: '' };
  if (typeof fault.body === 'string')
    return {
      status: fault.status ?? 500,
      headers: { 'content-type': 'text/plain; charset=utf-8', ...fault.headers },
      body: fault.body,
    };
  return jsonResponse(fault.status ?? 500, fault.body, fault.headers);
}

function write(res: ServerResponse, response: EmulatorResponse): void {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(response.status, { ...response.headers, 'content-length': Buffer.byteLength(response.body) });
  res.end(response.body);
}
