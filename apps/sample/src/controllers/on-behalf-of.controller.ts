import type { AddressInfo } from 'node:net';
import { Controller, Get, Headers, ServiceUnavailableException } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { bearerTokenOf, TokenService } from 'nestjs-zitadel';
import { MeDto } from '../dto/me.dto.js';

/**
 * An on-behalf-of call (RFC 8693 token exchange): the caller's token is exchanged at ZITADEL for a
 * token of the same user, which then calls a downstream API. The downstream API here is this
 * app's own `GET /me` (reached on the address the app listens on, never a host the request names),
 * so the answer shows what a downstream service sees of the exchanged token.
 */
@ApiTags('me')
@Controller('on-behalf-of')
export class OnBehalfOfController {
  constructor(
    private readonly tokens: TokenService,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  @Get()
  @ApiOperation({
    summary: "Calls GET /me downstream with a token exchanged for the caller's (ZITADEL's token exchange)",
  })
  @ApiOkResponse({ type: MeDto })
  async me(@Headers('authorization') authorization: string | undefined): Promise<MeDto> {
    // The guard has checked this header already; the token is the subject of the exchange.
    const subjectToken = bearerTokenOf(authorization) ?? '';
    // Errors of the exchange (ZITADEL unreachable, the feature off) are answered by ZitadelExceptionFilter.
    const { token } = await this.tokens.exchange({ subjectToken });
    const response = await fetch(`${this.selfUrl()}/me`, { headers: { authorization: `Bearer ${token}` } });
    if (!response.ok) throw new ServiceUnavailableException('The downstream call was refused');
    return (await response.json()) as MeDto;
  }

  private selfUrl(): string {
    const address = this.adapterHost.httpAdapter.getHttpServer().address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host === '0.0.0.0' ? '127.0.0.1' : host === '[::]' ? '[::1]' : host}:${address.port}`;
  }
}
