import type { ApiApplicationCredentials, ServiceUserCredentials } from '../config/zitadel-options.interface.js';
import { CliUsageError } from './cli-usage-error.js';

/** The credential flags as parsed; `undefined` where absent. */
export interface CredentialFlags {
  readonly 'key-file'?: string | undefined;
  readonly 'key-json'?: string | undefined;
  readonly 'client-id'?: string | undefined;
  readonly 'client-secret'?: string | undefined;
  readonly pat?: string | undefined;
}

/** Credentials for one command, and the flag or variable each option path came from. */
export interface CliCredentials<T> {
  readonly credentials: T;
  /** e.g. `serviceUser.keyFile` → `--key-file` or `ZITADEL_SERVICE_USER_KEY_FILE`. */
  readonly words: Readonly<Record<string, string>>;
}

/** One credential field: its module option, its flag, the suffix of its environment variable. */
interface Field {
  readonly option: 'keyFile' | 'keyJson' | 'clientId' | 'clientSecret' | 'personalAccessToken';
  readonly flag: keyof CredentialFlags;
  readonly variable: string;
}

const FIELDS: readonly Field[] = [
  { option: 'keyFile', flag: 'key-file', variable: 'KEY_FILE' },
  { option: 'keyJson', flag: 'key-json', variable: 'KEY_JSON' },
  { option: 'clientId', flag: 'client-id', variable: 'CLIENT_ID' },
  { option: 'clientSecret', flag: 'client-secret', variable: 'CLIENT_SECRET' },
  { option: 'personalAccessToken', flag: 'pat', variable: 'PAT' },
];

/**
 * The service user's credentials for `token`: from the flags when any credential flag is given,
 * else from the sample app's variables (`ZITADEL_SERVICE_USER_*`). Exactly one kind.
 *
 * @throws {CliUsageError} none, several kinds, or a client id without its secret (or the reverse).
 */
export function serviceUserCredentials(
  flags: CredentialFlags,
  env: NodeJS.ProcessEnv,
): CliCredentials<ServiceUserCredentials> {
  return pick<ServiceUserCredentials>(flags, env, 'serviceUser', 'ZITADEL_SERVICE_USER', FIELDS);
}

/**
 * The API application's credentials for `introspect`: from the flags, else `ZITADEL_API_*`.
 * A personal access token cannot introspect.
 *
 * @throws {CliUsageError} as {@link serviceUserCredentials}, and for `--pat`.
 */
export function apiApplicationCredentials(
  flags: CredentialFlags,
  env: NodeJS.ProcessEnv,
): CliCredentials<ApiApplicationCredentials> {
  if (flags.pat !== undefined)
    throw new CliUsageError(
      '--pat applies to "token" only: introspection authenticates as the API application ' +
        '(--key-file, --key-json or --client-id + --client-secret).',
    );
  const fields = FIELDS.filter((field) => field.option !== 'personalAccessToken');
  return pick<ApiApplicationCredentials>(flags, env, 'apiApplication', 'ZITADEL_API', fields);
}

/** Exactly one kind of credentials, checked here; so the record is one of the union's forms. */
function pick<T>(
  flags: CredentialFlags,
  env: NodeJS.ProcessEnv,
  section: string,
  prefix: string,
  fields: readonly Field[],
): CliCredentials<T> {
  // Flags win as a whole: a flag never combines with a variable left over in the shell.
  const fromFlags = fields.some((field) => flags[field.flag] !== undefined);
  const found = new Map<Field, { value: string; word: string }>();
  for (const field of fields) {
    const value = fromFlags ? flags[field.flag] : env[`${prefix}_${field.variable}`]?.trim();
    if (value === undefined || (!fromFlags && value === '')) continue;
    if (value === '') throw new CliUsageError(`--${field.flag} must not be empty.`);
    found.set(field, { value, word: fromFlags ? `--${field.flag}` : `${prefix}_${field.variable}` });
  }
  const word = (option: Field['option']): string => {
    const field = fields.find((candidate) => candidate.option === option);
    return field === undefined ? option : fromFlags ? `--${field.flag}` : `${prefix}_${field.variable}`;
  };
  const has = (option: Field['option']): boolean => [...found.keys()].some((field) => field.option === option);
  if (has('clientId') !== has('clientSecret'))
    throw new CliUsageError(`${word('clientId')} and ${word('clientSecret')}: give both or neither.`);
  const kinds = [...found.keys()].filter((field) => field.option !== 'clientSecret');
  if (kinds.length > 1)
    throw new CliUsageError(
      `${kinds.map((field) => word(field.option)).join(', ')}: give only one kind of credentials.`,
    );
  if (kinds.length === 0) {
    // Nothing was found, so nothing came from flags: `word` names the variables here.
    const kindsOf = fields.filter((field) => field.option !== 'clientSecret');
    const flagNames = kindsOf.map((field) =>
      field.option === 'clientId' ? '--client-id + --client-secret' : `--${field.flag}`,
    );
    const variables = kindsOf.map((field) =>
      field.option === 'clientId' ? `${word('clientId')} + ${word('clientSecret')}` : word(field.option),
    );
    throw new CliUsageError(`Credentials are required: ${flagNames.join(', ')} (or ${variables.join(', ')}).`);
  }
  const credentials: Record<string, string> = {};
  const words: Record<string, string> = {};
  for (const [field, entry] of found) {
    credentials[field.option] = entry.value;
    words[`${section}.${field.option}`] = entry.word;
  }
  return { credentials: credentials as unknown as T, words };
}
