import type { AddressInfo } from 'node:net';
import type { INestApplication, LoggerService, ModuleMetadata } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';

/** The HTTP platforms the guard suite runs over. */
export const PLATFORMS = ['express', 'fastify'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** Keeps every log line the app writes, at every level, so tests can check what was (not) logged. */
export class RecordingLogger implements LoggerService {
  readonly lines: string[] = [];
  log(message: unknown, ...rest: unknown[]): void {
    this.record(message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.record(message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.record(message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.record(message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.record(message, rest);
  }
  private record(message: unknown, rest: unknown[]): void {
    this.lines.push(
      [message, ...rest]
        .map((part) => (typeof part === 'string' ? part : (JSON.stringify(part) ?? String(part))))
        .join(' '),
    );
  }
}

/** A Nest app listening on loopback, port 0. */
export interface RunningApp {
  readonly app: INestApplication;
  readonly url: string;
  /** Everything the app logged. */
  readonly logs: RecordingLogger;
  close(): Promise<void>;
}

/** Boots a real Nest app over Express or Fastify and listens on a free loopback port. */
export async function startApp(platform: Platform, metadata: ModuleMetadata): Promise<RunningApp> {
  const moduleRef = await Test.createTestingModule(metadata).compile();
  const logs = new RecordingLogger();
  const app = moduleRef.createNestApplication(platform === 'express' ? new ExpressAdapter() : new FastifyAdapter(), {
    logger: logs,
  });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, logs, close: () => app.close() };
}
