import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import {
  ZitadelAction,
  ZitadelActionPayload,
  zitadelFunctionAnswer,
  type ZitadelEventPayload,
  type ZitadelFunctionAnswer,
} from 'nestjs-zitadel';
import { ActionEventLog } from './action-event-log.js';

/** The claim the sample's Actions function adds to every token ZITADEL issues or introspects. */
export const PLAN_CLAIM = 'sample:plan';

/**
 * The sample's Actions v2 targets: ZITADEL calls them, signed with the targets' keys (module option
 * `actions.signingKeys`), and `@ZitadelAction()` refuses anything else with 401 before these run.
 * Not part of the app's OpenAPI: only ZITADEL calls them.
 */
@ApiExcludeController()
@Controller('zitadel')
export class ZitadelHooksController {
  constructor(private readonly log: ActionEventLog) {}

  /** Events (`user.*`): kept in the log that `GET /actions/events` shows. */
  @ZitadelAction()
  @Post('events')
  @HttpCode(200)
  onEvent(@ZitadelActionPayload() event: ZitadelEventPayload): void {
    this.log.record(event);
  }

  /** The `preaccesstoken` and `preuserinfo` functions: one claim more in JWTs, userinfo and introspection. */
  @ZitadelAction()
  @Post('functions')
  @HttpCode(200)
  addClaims(): ZitadelFunctionAnswer {
    return zitadelFunctionAnswer({ claims: { [PLAN_CLAIM]: 'demo' } });
  }
}
