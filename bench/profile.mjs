// `node bench/profile.mjs [route ...]` after `npm run build:lib`: CPU profiles of the benchmarked
// app under load. See bench/lib/profile-main.mjs.
import { snapshotLibrary } from './lib/snapshot.mjs';

snapshotLibrary();
await import('./lib/profile-main.mjs');
