// Every TypeScript snippet of README.md compiles against the library's public API (those that run
// are also executed: readme-testing, readme-examples, readme-v2, readme-actions, readme-microservices,
// readme-websockets, readme-exchange-errors, swagger, health).
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'test', '.readme-snippets');

/** The ```ts blocks of a Markdown text, with the line each starts on. */
function typescriptBlocks(markdown: string): { line: number; code: string }[] {
  const blocks: { line: number; code: string }[] = [];
  const fence = /^```ts\n([\s\S]*?)^```/gm;
  for (let match = fence.exec(markdown); match !== null; match = fence.exec(markdown)) {
    blocks.push({ line: markdown.slice(0, match.index).split('\n').length, code: match[1] ?? '' });
  }
  return blocks;
}

describe('README.md', () => {
  it('has TypeScript snippets, and every one type-checks', async () => {
    const blocks = typescriptBlocks(await readFile(join(ROOT, 'README.md'), 'utf8'));
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    await rm(OUT, { recursive: true, force: true });
    await mkdir(OUT, { recursive: true });
    const files = await Promise.all(
      blocks.map(async ({ line, code }) => {
        const file = `readme-line-${line}.ts`;
        // Each snippet is its own module; top-level await is allowed as in an ESM app.
        await writeFile(join(OUT, file), `${code}\nexport {};\n`);
        return file;
      }),
    );
    // The modules other snippets import by name, as a user's files (e.g. the testing example's './app.module.js').
    for (const [name, marker] of [
      ['app.module.ts', 'export class AppModule'],
      ['reports.controller.ts', 'export class ReportsController'],
    ] as const) {
      const named = blocks.filter(({ code }) => code.includes(marker));
      expect(named.map(() => marker)).toEqual([marker]);
      await writeFile(join(OUT, name), named[0]?.code ?? '');
    }
    await writeFile(
      join(OUT, 'tsconfig.json'),
      JSON.stringify({
        extends: '../../tsconfig.base.json',
        compilerOptions: {
          noEmit: true,
          rootDir: '../..',
          noUnusedLocals: false,
          noUnusedParameters: false,
          paths: {
            'nestjs-zitadel': ['../../libs/zitadel/src/index.ts'],
            'nestjs-zitadel/testing': ['../../libs/zitadel/src/testing/index.ts'],
            'nestjs-zitadel/platform-ws': ['../../libs/zitadel/src/platform-ws/index.ts'],
            'nestjs-zitadel/swagger': ['../../libs/zitadel/src/swagger/index.ts'],
            'nestjs-zitadel/health': ['../../libs/zitadel/src/health/index.ts'],
          },
        },
        files,
      }),
    );
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run(process.execPath, [tsc, '-p', join(OUT, 'tsconfig.json')], { cwd: ROOT }).then(
      () => '',
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    expect(result).toBe('');
    await rm(OUT, { recursive: true, force: true });
  }, 120_000);
});
