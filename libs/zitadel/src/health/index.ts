// nestjs-zitadel/health: a @nestjs/terminus health indicator for ZITADEL.
export { ZitadelHealthIndicator, type ZitadelHealthOptions } from './zitadel-health.indicator.js';
