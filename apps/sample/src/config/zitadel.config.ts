import type {
  ApiApplicationCredentials,
  ServiceUserCredentials,
  TokenValidationMode,
  ZitadelModuleOptions,
} from 'nestjs-zitadel';

/** Reads one configuration variable; `undefined` or `''` means "not set". */
export type ReadVariable = (name: string) => string | undefined;

/** Thrown at bootstrap for a missing, conflicting or malformed variable (`ZITADEL_*`, `PORT`); one line per problem, never a value. */
export class SampleConfigurationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `The sample app's configuration is incomplete or invalid (see .env.example):\n${problems.map((problem) => `  ${problem}`).join('\n')}`,
    );
    this.name = 'SampleConfigurationError';
  }
}

const VALIDATION_MODES: readonly TokenValidationMode[] = ['auto', 'introspection', 'jwt'];

/**
 * Builds the `ZitadelModule` options from environment variables (each documented in
 * `.env.example`). Every problem is reported at once.
 *
 * - `ZITADEL_ISSUER`, `ZITADEL_PROJECT_ID`: required.
 * - the service user (outgoing calls, `POST /users`): `ZITADEL_SERVICE_USER_KEY_FILE`,
 *   `ZITADEL_SERVICE_USER_KEY_JSON`, `ZITADEL_SERVICE_USER_CLIENT_ID` + `..._CLIENT_SECRET` or
 *   `ZITADEL_SERVICE_USER_PAT`: at most one.
 * - the API application (introspection of incoming tokens): `ZITADEL_API_KEY_FILE`,
 *   `ZITADEL_API_KEY_JSON` or `ZITADEL_API_CLIENT_ID` + `ZITADEL_API_CLIENT_SECRET`: exactly one,
 *   unless `ZITADEL_TOKEN_VALIDATION=jwt`.
 * - `ZITADEL_TOKEN_VALIDATION`: `auto` (default), `introspection` or `jwt`.
 * - `ZITADEL_ACTIONS_SIGNING_KEYS`: the signing keys of the Actions v2 targets that point at this
 *   app (`/zitadel/events`, `/zitadel/functions`), comma-separated; without them calls to those
 *   routes fail (500, logged with the option to set).
 *
 * @throws {SampleConfigurationError} listing every problem.
 */
export function zitadelOptionsFromEnv(read: ReadVariable): ZitadelModuleOptions {
  const value = (name: string): string | undefined => {
    const raw = read(name)?.trim();
    return raw === undefined || raw === '' ? undefined : raw;
  };
  const problems: string[] = [];
  const issuer = value('ZITADEL_ISSUER');
  const projectId = value('ZITADEL_PROJECT_ID');
  if (issuer === undefined)
    problems.push('ZITADEL_ISSUER: required (your instance URL, e.g. https://acme.zitadel.cloud)');
  if (projectId === undefined) problems.push("ZITADEL_PROJECT_ID: required (the id of your API's project)");

  const validation = value('ZITADEL_TOKEN_VALIDATION') ?? 'auto';
  const tokenValidation = VALIDATION_MODES.find((mode) => mode === validation);
  if (tokenValidation === undefined)
    problems.push(`ZITADEL_TOKEN_VALIDATION: must be one of ${VALIDATION_MODES.join(', ')}`);

  const serviceUser = credentials<ServiceUserCredentials>('ZITADEL_SERVICE_USER', value, problems, {
    personalAccessToken: 'ZITADEL_SERVICE_USER_PAT',
  });
  const apiApplication = credentials<ApiApplicationCredentials>('ZITADEL_API', value, problems);
  if (apiApplication === undefined && tokenValidation !== 'jwt') {
    problems.push(
      'ZITADEL_API_KEY_FILE, ZITADEL_API_KEY_JSON or ZITADEL_API_CLIENT_ID + ZITADEL_API_CLIENT_SECRET: one is required to introspect tokens (or set ZITADEL_TOKEN_VALIDATION=jwt)',
    );
  }
  if (problems.length > 0 || issuer === undefined) throw new SampleConfigurationError(problems);

  const signingKeys = (value('ZITADEL_ACTIONS_SIGNING_KEYS') ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter((key) => key !== '');
  return {
    issuer,
    projectId,
    tokenValidation,
    ...(serviceUser === undefined ? {} : { serviceUser }),
    ...(apiApplication === undefined ? {} : { apiApplication }),
    ...(signingKeys.length === 0 ? {} : { actions: { signingKeys } }),
  };
}

/** `<prefix>_KEY_FILE`, `<prefix>_KEY_JSON`, `<prefix>_CLIENT_ID` + `<prefix>_CLIENT_SECRET` (and a PAT for service users): at most one. */
function credentials<T extends ServiceUserCredentials | ApiApplicationCredentials>(
  prefix: string,
  value: (name: string) => string | undefined,
  problems: string[],
  extra: { personalAccessToken?: string } = {},
): T | undefined {
  const keyFile = value(`${prefix}_KEY_FILE`);
  const keyJson = value(`${prefix}_KEY_JSON`);
  const clientId = value(`${prefix}_CLIENT_ID`);
  const clientSecret = value(`${prefix}_CLIENT_SECRET`);
  const pat = extra.personalAccessToken === undefined ? undefined : value(extra.personalAccessToken);
  const found: { names: string; credentials: ServiceUserCredentials }[] = [];
  if (keyFile !== undefined) found.push({ names: `${prefix}_KEY_FILE`, credentials: { keyFile } });
  if (keyJson !== undefined) found.push({ names: `${prefix}_KEY_JSON`, credentials: { keyJson } });
  if (clientId !== undefined || clientSecret !== undefined) {
    if (clientId === undefined || clientSecret === undefined)
      problems.push(`${prefix}_CLIENT_ID and ${prefix}_CLIENT_SECRET: set both or neither`);
    else found.push({ names: `${prefix}_CLIENT_ID`, credentials: { clientId, clientSecret } });
  }
  if (pat !== undefined)
    found.push({ names: extra.personalAccessToken ?? '', credentials: { personalAccessToken: pat } });
  if (found.length > 1)
    problems.push(`${found.map((entry) => entry.names).join(', ')}: set only one kind of ${prefix} credentials`);
  return found.length === 1 ? (found[0]?.credentials as T) : undefined;
}
