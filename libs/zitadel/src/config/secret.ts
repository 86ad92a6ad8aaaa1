import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * Holds a secret (client secret, personal access token) so that logging, `JSON.stringify` or
 * string interpolation of a config object can never print it. Only `reveal()` gives it back.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The secret itself: call only where it is sent to ZITADEL. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
