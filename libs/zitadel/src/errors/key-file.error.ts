import { ZitadelError } from './zitadel.error.js';

/**
 * A ZITADEL key file (service user or application key) cannot be used. Names the file (or where
 * the inline key came from) and the field; never echoes key material.
 */
export class ZitadelKeyFileError extends ZitadelError {
  readonly code = 'ZITADEL_KEY_FILE_INVALID' as const;
  /** What is wrong, without the source: `"keyId" is missing.`, for callers that name the source themselves. */
  readonly problem: string;

  constructor(
    /** The absolute file path, or where the key came from (`serviceUser.keyJson`). */
    readonly source: string,
    /** The offending field (`key`, `keyId`, ...), or `undefined` when the whole file is unusable. */
    readonly field: string | undefined,
    problem: string,
    options?: { cause?: unknown },
  ) {
    const what = `${field === undefined ? '' : `"${field}" `}${problem}`;
    super(`Key file ${source}: ${what}`, options);
    this.problem = what;
  }
}
