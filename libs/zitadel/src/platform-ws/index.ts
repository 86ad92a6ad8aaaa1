// nestjs-zitadel/platform-ws: what needs `@nestjs/platform-ws` (an optional peer), apart from the main entry.
export { ZitadelWsAdapter, type ZitadelWsAdapterOptions } from './zitadel-ws.adapter.js';
