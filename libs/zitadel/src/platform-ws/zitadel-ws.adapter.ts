import type { IncomingMessage } from 'node:http';
import type { INestApplicationContext } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import { ZitadelTokenValidator } from '../auth/token-validator.js';
import { ZitadelConfigurationError } from '../errors/configuration.error.js';
import type { ZitadelSocketOptions } from '../auth/transports/connection.js';
import { checkConnection } from '../auth/transports/handshake.js';
import { bindWsConnection, wsUpgradeConnection } from '../auth/transports/ws-transport.js';
import type { ZitadelConnection } from '../auth/transports/connection.js';

/** Options of {@link ZitadelWsAdapter}. */
export interface ZitadelWsAdapterOptions extends ZitadelSocketOptions {
  /**
   * Refuse the upgrade of a request without a valid token (HTTP 401, or 503 when ZITADEL cannot
   * be asked), so unauthenticated clients never connect. Off: every client connects and the guard
   * refuses its messages (`@Public` handlers still answer).
   * @default false
   */
  readonly refuseUnauthenticated?: boolean;
  /** The validator; by default the app's (`ZitadelModule`'s). Required when the adapter is given an HTTP server instead of the app. */
  readonly validator?: ZitadelTokenValidator;
  /** Nest's `WsAdapter` option: how a frame becomes `{ event, data }`. */
  readonly messageParser?: NonNullable<ConstructorParameters<typeof WsAdapter>[1]>['messageParser'];
}

type VerifyCallback = (verified: boolean, code?: number, message?: string, headers?: Record<string, string>) => void;
interface VerifyInfo {
  readonly origin: string;
  readonly secure: boolean;
  readonly req: IncomingMessage;
}
type VerifyClient = ((info: VerifyInfo) => boolean) | ((info: VerifyInfo, callback: VerifyCallback) => void);

/**
 * Nest's `ws` adapter (`@nestjs/platform-ws`) that keeps each client's upgrade request for
 * `ZitadelAuthGuard` (the plain `WsAdapter` drops it, so the guard would find no token), and
 * optionally refuses unauthenticated upgrades. The token comes from the upgrade request's
 * `Authorization: Bearer` header (or `tokenQueryParameter`, if allowed).
 *
 * @example
 * const app = await NestFactory.create(AppModule);
 * app.useWebSocketAdapter(new ZitadelWsAdapter(app, { refuseUnauthenticated: true }));
 */
export class ZitadelWsAdapter extends WsAdapter {
  /** Connections checked at the upgrade, until `ws` emits `connection` with the same request. */
  private readonly upgraded = new WeakMap<IncomingMessage, ZitadelConnection>();
  private validator: ZitadelTokenValidator | undefined;

  constructor(
    private readonly appOrHttpServer: INestApplicationContext | object,
    private readonly zitadel: ZitadelWsAdapterOptions = {},
  ) {
    super(appOrHttpServer, zitadel.messageParser === undefined ? undefined : { messageParser: zitadel.messageParser });
    this.validator = zitadel.validator;
  }

  override create(port: number, options: Parameters<WsAdapter['create']>[1] = {}): ReturnType<WsAdapter['create']> {
    if (this.zitadel.refuseUnauthenticated !== true) return super.create(port, options);
    const own = options['verifyClient'] as VerifyClient | undefined;
    const verifyClient = (info: VerifyInfo, callback: VerifyCallback): void => {
      const connection = wsUpgradeConnection(info.req, this.zitadel);
      void checkConnection(this.validatorOf(), connection).then((refusal) => {
        if (refusal !== undefined) {
          const status = refusal.kind === 'unavailable' ? 503 : 401;
          return callback(false, status, status === 503 ? 'Service Unavailable' : 'Unauthorized');
        }
        this.upgraded.set(info.req, connection);
        if (own === undefined) return callback(true);
        if (own.length >= 2) return (own as (i: VerifyInfo, c: VerifyCallback) => void)(info, callback);
        return callback((own as (i: VerifyInfo) => boolean)(info));
      });
    };
    return super.create(port, { ...options, verifyClient });
  }

  override bindClientConnect(
    server: { on(event: 'connection', listener: (client: object, request: IncomingMessage) => void): void },
    callback: () => void,
  ): void {
    // Registered before Nest's listener, so the view exists before the client's first message.
    server.on('connection', (client, request) => {
      bindWsConnection(client, this.upgraded.get(request) ?? wsUpgradeConnection(request, this.zitadel));
      this.upgraded.delete(request);
    });
    super.bindClientConnect(server, callback);
  }

  private validatorOf(): ZitadelTokenValidator {
    if (this.validator !== undefined) return this.validator;
    const app = this.appOrHttpServer as Partial<INestApplicationContext>;
    const found = typeof app.get === 'function' ? app.get(ZitadelTokenValidator, { strict: false }) : undefined;
    if (found === undefined) {
      throw new ZitadelConfigurationError([
        {
          path: 'ZitadelWsAdapter.validator',
          message: 'is required when the adapter is given an HTTP server instead of the Nest app',
        },
      ]);
    }
    return (this.validator = found);
  }
}
