import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Imports the first ```ts block of README.md's `## <heading>` section as a module, so a test runs
 * the snippet as written. It is written into a temporary folder under `test/` (removed once
 * imported), where the workspace's packages resolve.
 */
export async function importReadmeBlock<T>(heading: string): Promise<T> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README.md has no section "## ${heading}"`);
  const block = /^```ts\n([\s\S]*?)^```/m.exec(readme.slice(start))?.[1];
  if (block === undefined) throw new Error(`README.md's "## ${heading}" has no ts block`);
  const dir = await mkdtemp(join(ROOT, 'test', '.readme-block-'));
  try {
    const file = join(dir, 'snippet.ts');
    await writeFile(file, block);
    return (await import(file)) as T;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
