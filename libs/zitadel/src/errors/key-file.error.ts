import { ZitadelError } from './zitadel.error.js';

/**
 * A ZITADEL key file (service user or application key) cannot be used. Names the file (or where
 * the inline key came from) and the field; never echoes key material.
 */
export class ZitadelKeyFileError extends ZitadelError {
  readonly code = 'ZITADEL_KEY_FILE_INVALID' as const;

  constructor(
    /** The file path, or a description of where the key came from (`serviceUser.keyJson`). */
    readonly source: string,
    /** The offending field (`key`, `keyId`, ...), or `undefined` when the whole file is unusable. */
    readonly field: string | undefined,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(`Key file ${source}: ${field === undefined ? '' : `"${field}" `}${problem}`, options);
  }
}
