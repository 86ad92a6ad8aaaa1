import type { IncomingMessage } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { ZitadelConfigurationError } from '../errors/configuration.error.js';

/** Options of {@link useZitadelActionBodyParser}. */
export interface ZitadelActionBodyParserOptions {
  /**
   * The path prefixes of the `@ZitadelAction()` routes, e.g. `['/zitadel']` (matched at `/`
   * boundaries, query ignored). Every other path keeps the platform's own JSON parser.
   */
  paths: readonly string[];
  /** The largest body accepted on those paths, in bytes (larger: 413). @default 1048576 */
  limit?: number;
}

/** What the helper uses of a Nest app over Express or Fastify (both have `useBodyParser`). */
interface BodyParserApp {
  readonly isInitialized?: boolean;
  getHttpAdapter(): { getType(): string; getInstance(): unknown };
  useBodyParser(type: string, options: object, parser?: FastifyParser): unknown;
}

type Done = (error: Error | null, body?: unknown) => void;
type FastifyParser = (request: FastifyLikeRequest, body: Buffer, done: Done) => void;

interface FastifyLikeRequest {
  readonly url: string;
  rawBody?: Buffer;
}

interface FastifyLikeInstance {
  readonly initialConfig: { readonly onProtoPoisoning?: string; readonly onConstructorPoisoning?: string };
  getDefaultJsonParser(onProto: string, onConstructor: string): FastifyParser;
}

const DEFAULT_LIMIT = 1024 * 1024;
const JSON_TYPE = /^application\/json\b/i;

/**
 * Lets `@ZitadelAction()` routes receive every payload type. ZITADEL sends each call as
 * `Content-Type: application/json`, also when the body is a JWT or a JWE (`payloadType: 'jwt' |
 * 'jwe'`), which the JSON parsers of Express and Fastify refuse with 400 before any guard runs.
 * On the given paths this keeps the body as text and its bytes as `request.rawBody` (so
 * `rawBody: true` is not needed for them); the guard then parses or opens it, and the handler takes
 * the payload from `@ZitadelActionPayload()` (`@Body()` is the text there). Other paths are left to
 * the platform's parsers. Call it before `app.init()` / `app.listen()`.
 *
 * @throws {ZitadelConfigurationError} the app runs on neither Express nor Fastify, `paths` is
 *   empty or a path does not start with `/`, or the app is already initialised.
 * @example
 * const app = await NestFactory.create(AppModule, { rawBody: true });
 * useZitadelActionBodyParser(app, { paths: ['/zitadel'] });
 * await app.listen(3000);
 */
export function useZitadelActionBodyParser(app: INestApplication, options: ZitadelActionBodyParserOptions): void {
  const onActionPath = pathMatcher(options.paths);
  const limit = options.limit ?? DEFAULT_LIMIT;
  if (!Number.isSafeInteger(limit) || limit <= 0) {
    throw configurationError('limit', 'must be a positive whole number of bytes, e.g. 1048576');
  }
  const target = app as unknown as BodyParserApp;
  // Nest registers its own parsers at init; ours must come first to see the body.
  if (target.isInitialized === true) {
    throw configurationError('app', 'is already initialised: call useZitadelActionBodyParser() before app.init()');
  }
  const adapter = target.getHttpAdapter();
  const platform = adapter.getType();
  if (platform === 'express') {
    // Placed before Nest's own parsers (registered at init): body-parser skips a body already read.
    target.useBodyParser('text', {
      type: (request: IncomingMessage) =>
        onActionPath(request.url) && JSON_TYPE.test(request.headers['content-type'] ?? ''),
      limit,
      verify: (request: IncomingMessage & { rawBody?: Buffer }, _response: unknown, bytes: Buffer) => {
        request.rawBody = bytes;
      },
    });
    return;
  }
  if (platform !== 'fastify') {
    throw configurationError('app', `runs on "${platform}": the helper supports Express and Fastify`);
  }
  const instance = adapter.getInstance() as FastifyLikeInstance;
  const { onProtoPoisoning = 'error', onConstructorPoisoning = 'error' } = instance.initialConfig;
  const json = instance.getDefaultJsonParser(onProtoPoisoning, onConstructorPoisoning);
  target.useBodyParser('application/json', { bodyLimit: limit }, (request, body, done) => {
    if (!onActionPath(request.url)) {
      json(request, body, done);
      return;
    }
    request.rawBody = body;
    done(null, body.toString('utf8'));
  });
}

/** Prefix match at segment boundaries: `/zitadel` matches `/zitadel` and `/zitadel/events`, not `/zitadelx`. */
function pathMatcher(paths: readonly string[]): (url: string | undefined) => boolean {
  if (!Array.isArray(paths) || paths.length === 0) {
    throw configurationError('paths', "must name the @ZitadelAction() routes' path prefixes, e.g. ['/zitadel']");
  }
  const prefixes = paths.map((path) => {
    if (typeof path !== 'string' || !path.startsWith('/')) {
      throw configurationError('paths', "must hold paths starting with '/', e.g. '/zitadel'");
    }
    return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  });
  return (url) => {
    if (url === undefined) return false;
    const path = url.split('?', 1)[0] ?? '';
    return prefixes.some((prefix) => prefix === '/' || path === prefix || path.startsWith(`${prefix}/`));
  };
}

function configurationError(field: string, message: string): ZitadelConfigurationError {
  return new ZitadelConfigurationError([{ path: `useZitadelActionBodyParser: ${field}`, message }]);
}
