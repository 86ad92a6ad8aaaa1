// Plain ESM has no decorator syntax: apply NestJS decorators by hand, as TypeScript would.
// `Reflect.decorate` comes from reflect-metadata, which @nestjs/common loads.

/** Applies method decorators (e.g. `Get('x')`, `UseGuards(G)`) to `target.prototype[name]`. */
export function decorateMethod(target, name, ...decorators) {
  const descriptor = Object.getOwnPropertyDescriptor(target.prototype, name);
  const decorated = Reflect.decorate(decorators, target.prototype, name, descriptor);
  Object.defineProperty(target.prototype, name, decorated ?? descriptor);
}
