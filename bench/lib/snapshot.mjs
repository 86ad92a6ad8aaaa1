// The bench runs on its own copy of the built library. Other engineers build (and so first
// delete) libs/zitadel/dist while a five-minute bench runs; a child process started in that moment
// would not find the library. So the entry scripts copy libs/zitadel/dist and its package.json
// to bench/node_modules/nestjs-zitadel (git-ignored) before loading anything: `nestjs-zitadel` and
// `nestjs-zitadel/testing` then resolve there from bench/, while the library's own dependencies
// (@nestjs/*, jose, ...) still resolve to the workspace's node_modules, the same instances the
// bench app uses.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = fileURLToPath(new URL('../../libs/zitadel/', import.meta.url));
const target = fileURLToPath(new URL('../node_modules/nestjs-zitadel/', import.meta.url));

function files(dir) {
  return readdirSync(dir, { recursive: true }).map(String).sort();
}

function complete(dir) {
  return existsSync(`${dir}dist/index.js`) && existsSync(`${dir}dist/testing/index.js`) && existsSync(`${dir}package.json`);
}

/** Copies the built library; retries while a concurrent build has the dist half written. */
export function snapshotLibrary() {
  for (let attempt = 1; ; attempt++) {
    try {
      if (complete(source)) {
        rmSync(target, { recursive: true, force: true });
        mkdirSync(target, { recursive: true });
        cpSync(`${source}package.json`, `${target}package.json`);
        cpSync(`${source}dist`, `${target}dist`, { recursive: true });
        if (complete(target) && files(`${source}dist`).join('\n') === files(`${target}dist`).join('\n')) return;
      }
    } catch {
      // A concurrent build deleted files while they were copied: try again.
    }
    if (attempt >= 30) throw new Error('libs/zitadel/dist is missing or incomplete: run `npm run build:lib` first');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
  }
}
