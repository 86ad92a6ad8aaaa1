import { ZitadelError } from './zitadel.error.js';

/** One problem found in the module options, at a dotted path such as `serviceUser.keyFile`. */
export interface ConfigurationIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * The module options are invalid. Thrown once at bootstrap with every problem found, one
 * `path: message` line each. Never contains a secret value, only where it is and what is wrong.
 */
export class ZitadelConfigurationError extends ZitadelError {
  readonly code = 'ZITADEL_CONFIGURATION_INVALID' as const;

  constructor(readonly issues: readonly ConfigurationIssue[]) {
    super(['Invalid ZitadelModule options:', ...issues.map((i) => `  ${i.path}: ${i.message}`)]);
  }
}
