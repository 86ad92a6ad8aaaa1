import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ZitadelAuthGuard, type RoutePolicy } from '../auth/auth.guard.js';
import { Public } from '../auth/public.decorator.js';
import { Roles } from '../auth/roles.decorator.js';
import type { ZitadelTokenValidator } from '../auth/token-validator.js';
import { readRoutePolicy } from './route-policy.js';

/** The guard's own reading, for comparison. */
class PolicyOfGuard extends ZitadelAuthGuard {
  policyOf(handler: () => void, controller: object): RoutePolicy {
    const context = { getHandler: () => handler, getClass: () => controller } as unknown as ExecutionContext;
    return this.getRoutePolicy(context);
  }
}

const validator = { assertConfigured: () => undefined, realm: 'api' } as unknown as ZitadelTokenValidator;

type Decorate = ((target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => void) | undefined;
const marks: Record<string, Decorate> = {
  none: undefined,
  public: Public(),
  roles: Roles('admin'),
  orgRoles: Roles({ anyOf: ['reader'], org: { param: 'orgId' } }),
};

describe('readRoutePolicy', () => {
  const reflector = new Reflector();
  const guard = new PolicyOfGuard(reflector, validator);
  const cases = Object.keys(marks).flatMap((onClass) =>
    Object.keys(marks).flatMap((onHandler) => Object.keys(marks).map((second) => ({ onClass, onHandler, second }))),
  );

  it.each(cases)(
    'reads class $onClass, handler $onHandler then $second as the guard does',
    ({ onClass, onHandler, second }) => {
      class Controller {
        handler(): void {}
      }
      const descriptor = Object.getOwnPropertyDescriptor(Controller.prototype, 'handler') as PropertyDescriptor;
      // Two decorators on the handler: the outermost (applied last) is `onHandler`.
      marks[second]?.(Controller.prototype, 'handler', descriptor);
      marks[onHandler]?.(Controller.prototype, 'handler', descriptor);
      marks[onClass]?.(Controller);
      const handler = Controller.prototype.handler;
      expect(readRoutePolicy(reflector, handler, Controller)).toEqual(guard.policyOf(handler, Controller));
    },
  );

  it('answers any valid token for an undecorated route', () => {
    class Controller {
      handler(): void {}
    }
    expect(readRoutePolicy(reflector, Controller.prototype.handler, Controller)).toEqual({
      public: false,
      roles: undefined,
    });
  });
});
