// A throwaway redis-server (no persistence) on a free loopback port, for the tests of the shared
// introspection cache: it can be stopped politely, killed abruptly, and started again on the same
// port to take the cache away from running apps and give it back.
import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection, createServer } from 'node:net';
import { findRedisServer } from './redis-binary.js';

/** Found (or installed) by the e2e global setup, which exports it (`ensureRedisServer`). */
const REDIS_SERVER = findRedisServer() ?? 'redis-server';
/** How long a (re)started server may take to answer PING. */
const READY_TIMEOUT_MS = 10_000;

export class RedisServer {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  private constructor(readonly port: number) {}

  /** Starts `redis-server` on a free loopback port and waits until it answers PING. */
  static async start(): Promise<RedisServer> {
    const redis = new RedisServer(await freePort());
    await redis.resume();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server (again) on its port and waits until it answers PING. */
  async resume(): Promise<void> {
    if (this.child !== undefined) return;
    const child = spawn(
      REDIS_SERVER,
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    this.child = child;
    this.exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const failed = new Promise<never>((_, reject) => child.once('error', reject));
    await Promise.race([waitForPing(this.port), failed]);
  }

  /** Stops the server (SIGTERM) and waits for it to exit. */
  stop(): Promise<void> {
    return this.end('SIGTERM');
  }

  /** Kills the server abruptly (SIGKILL: connections reset, no goodbye) and waits for it to exit. */
  kill(): Promise<void> {
    return this.end('SIGKILL');
  }

  private async end(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (child === undefined) return;
    this.child = undefined;
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await this.exited;
  }
}

/** A loopback port free right now (for servers that cannot listen on port 0 and tell theirs). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/** Resolves once the server answers PING; a refused connection is retried on the next socket event. */
async function waitForPing(port: number): Promise<void> {
  const deadline = performance.now() + READY_TIMEOUT_MS;
  while (performance.now() < deadline) {
    const answered = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' }, () => socket.write('PING\r\n'));
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data.toString().startsWith('+PONG'));
      });
      socket.once('error', () => resolve(false));
    });
    if (answered) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`redis-server did not answer on port ${port} within ${READY_TIMEOUT_MS} ms`);
}
