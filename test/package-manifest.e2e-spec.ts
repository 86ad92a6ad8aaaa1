// The library's package.json against its sources: every package the library imports is declared,
// Nest and its companions are peers, every declared dependency is used, and the `exports` map
// points at files the build produces. (The packaging test checks the packed files themselves.)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { LIBRARY_ROOT } from './support/package-consumer.js';

interface LibraryManifest {
  name: string;
  type?: string;
  engines?: { node?: string };
  main?: string;
  types?: string;
  bin?: string | Record<string, string>;
  exports: Record<string, string | Record<string, string>>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const manifest = JSON.parse(readFileSync(join(LIBRARY_ROOT, 'package.json'), 'utf8')) as LibraryManifest;
const SOURCE_ROOT = join(LIBRARY_ROOT, 'src');

/** The library's shipped sources (unit specs excluded), relative to `src/`. */
const sources = readdirSync(SOURCE_ROOT, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts'))
  .map((entry) => relative(SOURCE_ROOT, join(entry.parentPath, entry.name)))
  .sort();

/** Every module specifier of a source file: static, dynamic and type-only imports, re-exports. */
function specifiersOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(join(SOURCE_ROOT, file), 'utf8'), true, true);
  return importedFiles.map((imported) => imported.fileName);
}

/** `@scope/name/sub/path` → `@scope/name`, `name/sub` → `name`. */
function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

const isBare = (specifier: string): boolean =>
  !specifier.startsWith('.') && !specifier.startsWith('/') && !specifier.startsWith('#');
const isBuiltin = (specifier: string): boolean =>
  specifier.startsWith('node:') || builtinModules.includes(packageNameOf(specifier));

/** Bare package imports of the sources: package name → files importing it. */
const importedPackages = new Map<string, string[]>();
for (const file of sources) {
  for (const specifier of specifiersOf(file).filter((s) => isBare(s) && !isBuiltin(s))) {
    const name = packageNameOf(specifier);
    importedPackages.set(name, [...(importedPackages.get(name) ?? []), file]);
  }
}

const dependencies = Object.keys(manifest.dependencies ?? {});
const peerDependencies = Object.keys(manifest.peerDependencies ?? {});

/** The files an `exports` map names, with their condition, e.g. `. (types)` → `./dist/index.d.ts`. */
function exportTargets(): { entry: string; target: string }[] {
  return Object.entries(manifest.exports).flatMap(([subpath, target]) =>
    typeof target === 'string'
      ? [{ entry: subpath, target }]
      : Object.entries(target).map(([condition, file]) => ({ entry: `${subpath} (${condition})`, target: file })),
  );
}

describe('libs/zitadel/package.json', () => {
  it('finds the sources it checks', () => {
    expect(sources).toContain('index.ts');
    expect(importedPackages.size).toBeGreaterThan(0);
  });

  it('declares every package the library imports (dependencies or peerDependencies)', () => {
    const declared = new Set([...dependencies, ...peerDependencies]);
    const undeclared = [...importedPackages]
      .filter(([name]) => !declared.has(name))
      .map(([name, files]) => `${name} (imported by ${files.join(', ')})`);
    expect(undeclared).toEqual([]);
  });

  it('takes Nest, reflect-metadata and rxjs as peers, so the app and the library share one copy', () => {
    const mustBePeers = [...importedPackages.keys()].filter(
      (name) => name.startsWith('@nestjs/') || name === 'reflect-metadata' || name === 'rxjs',
    );
    expect(mustBePeers.filter((name) => !peerDependencies.includes(name))).toEqual([]);
    expect(
      dependencies.filter((name) => name.startsWith('@nestjs/') || name === 'reflect-metadata' || name === 'rxjs'),
    ).toEqual([]);
  });

  it('declares no dependency the library does not import', () => {
    expect(dependencies.filter((name) => !importedPackages.has(name))).toEqual([]);
  });

  it('is an ESM package named nestjs-zitadel, for Node 20.19+', () => {
    expect(manifest).toMatchObject({ name: 'nestjs-zitadel', type: 'module', engines: { node: '>=20.19' } });
  });

  it('exports `.`, `./testing`, `./platform-ws`, `./swagger` and `./health` with types first, and nothing else but package.json', () => {
    const entries = ['.', './health', './platform-ws', './swagger', './testing'];
    expect(Object.keys(manifest.exports).sort()).toEqual([...entries, './package.json'].sort());
    for (const subpath of entries) {
      const target = manifest.exports[subpath];
      expect(typeof target === 'object' ? Object.keys(target)[0] : undefined).toBe('types');
    }
  });

  it('points exports, main, types and bin at files the build produces from existing sources', () => {
    const targets = [
      ...exportTargets(),
      ...(manifest.main === undefined ? [] : [{ entry: 'main', target: manifest.main }]),
      ...(manifest.types === undefined ? [] : [{ entry: 'types', target: manifest.types }]),
      ...(typeof manifest.bin === 'string'
        ? [{ entry: 'bin', target: manifest.bin }]
        : Object.entries(manifest.bin ?? {}).map(([name, target]) => ({ entry: `bin ${name}`, target }))),
    ];
    const unbuildable = targets.filter(({ target }) => {
      if (target === './package.json') return false;
      // The bin is a committed shim (libs/zitadel/bin/) that loads dist/cli/bin.js: it exists as it is.
      if (/^\.\/bin\/[\w-]+\.js$/.test(target)) return !existsSync(join(LIBRARY_ROOT, target));
      const match = /^\.\/dist\/(.+)\.(js|d\.ts)$/.exec(target);
      return match === null || !existsSync(join(SOURCE_ROOT, `${match[1]}.ts`));
    });
    expect(unbuildable).toEqual([]);
  });
});
