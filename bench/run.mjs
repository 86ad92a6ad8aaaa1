// `npm run bench` (= npm run build:lib && node bench/run.mjs): every scenario of bench/README.md
// (guard overhead, cold introspection, TokenService, memory) against the ZITADEL emulator; writes
// bench/results.json and the results section of bench/README.md. See bench/lib/main.mjs for the
// settings read from the environment.
import { snapshotLibrary } from './lib/snapshot.mjs';

snapshotLibrary();
await import('./lib/main.mjs');
