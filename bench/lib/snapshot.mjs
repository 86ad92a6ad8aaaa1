// The bench runs on its own copy of the built library. Other engineers build (and so first
// delete) libs/zitadel/dist while a five-minute bench runs; a child process started in that moment
// would not find the library. So the entry scripts copy libs/zitadel/dist and its package.json
// to bench/node_modules/nestjs-zitadel (git-ignored) before loading anything: `nestjs-zitadel` and
// `nestjs-zitadel/testing` then resolve there from bench/, while the library's own dependencies
// (@nestjs/*, jose, ...) still resolve to the workspace's node_modules, the same instances the
// bench app uses.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const source = fileURLToPath(new URL('../../libs/zitadel/', import.meta.url));
const target = fileURLToPath(new URL('../node_modules/nestjs-zitadel/', import.meta.url));

function files(dir) {
  return readdirSync(dir, { recursive: true }).map(String).sort();
}

const RELATIVE_IMPORT = /(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g;

/** The entry points exist and every relative import of every module resolves: no half-written build. */
function complete(dir) {
  if (
    !existsSync(`${dir}dist/index.js`) ||
    !existsSync(`${dir}dist/testing/index.js`) ||
    !existsSync(`${dir}package.json`)
  )
    return false;
  for (const file of files(`${dir}dist`).filter((name) => name.endsWith('.js'))) {
    const path = join(`${dir}dist`, file);
    for (const [, specifier] of readFileSync(path, 'utf8').matchAll(RELATIVE_IMPORT)) {
      if (!existsSync(join(dirname(path), specifier))) return false;
    }
  }
  return true;
}

/** Copies the built library once it is complete and still; retries while a concurrent build is writing it. */
export function snapshotLibrary() {
  for (let attempt = 1; ; attempt++) {
    try {
      const before = files(`${source}dist`).join('\n');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
      if (before === files(`${source}dist`).join('\n') && complete(source)) {
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
