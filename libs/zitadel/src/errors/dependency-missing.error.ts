import { ZitadelError } from './zitadel.error.js';

/**
 * A feature needs an optional peer dependency that the app has not installed, e.g. `ZitadelApi`
 * without `@bufbuild/protobuf`. The message names the packages and the command that installs them.
 */
export class ZitadelDependencyMissingError extends ZitadelError {
  readonly code = 'ZITADEL_DEPENDENCY_MISSING' as const;

  constructor(
    /** What needs them, e.g. `ZitadelApi`. */
    readonly feature: string,
    /** The npm packages to install. */
    readonly packages: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(
      `${feature} needs the optional peer dependencies ${packages.join(', ')}: npm install ${packages.join(' ')}`,
      options,
    );
  }
}
