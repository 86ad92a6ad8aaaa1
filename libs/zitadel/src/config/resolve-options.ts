import { ZitadelConfigurationError, type ConfigurationIssue } from '../errors/configuration.error.js';
import { ZitadelKeyFileError } from '../errors/key-file.error.js';
import { parseApplicationKey, parseServiceUserKey, readKeySource, type KeySource } from '../keys/key-file.parser.js';
import type { Keyv } from 'keyv';
import type { ResolvedApiApplication, ResolvedServiceUser, ResolvedZitadelConfig } from './resolved-config.js';
import { Secret } from './secret.js';
import type { TokenValidationMode, ZitadelModuleOptions } from './zitadel-options.interface.js';

const VALIDATION_MODES: readonly TokenValidationMode[] = ['auto', 'introspection', 'jwt'];
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const KEY_FORMS = ['keyFile', 'key', 'keyJson'] as const;

/** Collects problems so that all of them are reported at once. */
class Issues {
  readonly list: ConfigurationIssue[] = [];
  add(path: string, message: string): void {
    this.list.push({ path, message });
  }
}

type Bag = Record<string, unknown>;

/**
 * Validates the module options, applies defaults and loads key files.
 *
 * @throws {ZitadelConfigurationError} listing every problem, `path: message`, no secret values.
 */
export async function resolveZitadelOptions(
  options: ZitadelModuleOptions,
  now: Date = new Date(),
): Promise<ResolvedZitadelConfig> {
  const issues = new Issues();
  if (typeof options !== 'object' || options === null) {
    throw new ZitadelConfigurationError([{ path: '(options)', message: 'must be an object' }]);
  }
  const bag = options as unknown as Bag;
  const issuer = checkIssuer(bag['issuer'], bag['allowInsecureIssuer'] === true, issues);
  const serviceUser = await resolveServiceUser(bag['serviceUser'], issues, now);
  const apiApplication = await resolveApiApplication(bag['apiApplication'], issues, now);
  const projectId = optionalId(bag['projectId'], 'projectId', issues);
  const tokenValidation = bag['tokenValidation'] ?? 'auto';
  if (!VALIDATION_MODES.includes(tokenValidation as TokenValidationMode)) {
    issues.add('tokenValidation', `must be one of ${VALIDATION_MODES.map((m) => `'${m}'`).join(', ')}`);
  }
  const http = section(bag, 'http', issues);
  const tokenCache = section(bag, 'tokenCache', issues);
  const introspectionCache = section(section(bag, 'introspection', issues), 'cache', issues, 'introspection.cache');
  const jwt = section(bag, 'jwt', issues);
  const jwtCache = section(jwt, 'cache', issues, 'jwt.cache');
  const resolved: ResolvedZitadelConfig = {
    issuer,
    serviceUser,
    apiApplication,
    projectId,
    tokenValidation: tokenValidation as TokenValidationMode,
    http: {
      timeoutMs: integer(http, 'http.timeoutMs', 5000, 1, issues),
      retries: integer(http, 'http.retries', 2, 0, issues),
      backoffBaseMs: integer(http, 'http.backoffBaseMs', 100, 0, issues),
      backoffMaxMs: integer(http, 'http.backoffMaxMs', 2000, 0, issues),
      maxResponseBytes: integer(http, 'http.maxResponseBytes', 4 * 1024 * 1024, 1024, issues),
      failureCooldownMs: integer(http, 'http.failureCooldownMs', 1000, 0, issues),
    },
    discovery: { trustedOrigins: trustedOrigins(section(bag, 'discovery', issues)['trustedOrigins'], issues) },
    tokenCache: {
      refreshAfterFraction: fraction(tokenCache, 'tokenCache.refreshAfterFraction', 0.8, issues),
      minRemainingSeconds: integer(tokenCache, 'tokenCache.minRemainingSeconds', 60, 0, issues),
    },
    realm: checkRealm(bag['realm'], issues),
    introspection: {
      cache: {
        maxTtlSeconds: integer(introspectionCache, 'introspection.cache.maxTtlSeconds', 60, 0, issues),
        inactiveTtlSeconds: integer(introspectionCache, 'introspection.cache.inactiveTtlSeconds', 10, 0, issues),
        maxEntries: integer(introspectionCache, 'introspection.cache.maxEntries', 10_000, 1, issues),
        stores: keyvStores(introspectionCache['stores'], 'introspection.cache.stores', issues),
        storeTimeoutMs: integer(introspectionCache, 'introspection.cache.storeTimeoutMs', 500, 1, issues),
      },
    },
    jwt: {
      clockToleranceSeconds: integer(jwt, 'jwt.clockToleranceSeconds', 5, 0, issues),
      jwksCooldownSeconds: integer(jwt, 'jwt.jwksCooldownSeconds', 30, 0, issues),
      jwksMaxAgeSeconds: integer(jwt, 'jwt.jwksMaxAgeSeconds', 600, 1, issues),
      cache: {
        maxEntries: integer(jwtCache, 'jwt.cache.maxEntries', 10_000, 0, issues),
        maxTtlSeconds: integer(jwtCache, 'jwt.cache.maxTtlSeconds', 300, 0, issues),
      },
    },
  };
  if (issues.list.length > 0) throw new ZitadelConfigurationError(issues.list);
  return resolved;
}

function checkIssuer(value: unknown, allowInsecure: boolean, issues: Issues): string {
  if (typeof value !== 'string' || value.trim() === '') {
    issues.add('issuer', 'is required: the URL of your ZITADEL instance, e.g. https://acme.zitadel.cloud');
    return '';
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    issues.add('issuer', 'must be an absolute URL, e.g. https://acme.zitadel.cloud');
    return '';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') issues.add('issuer', 'must use https');
  else if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname) && !allowInsecure) {
    issues.add('issuer', 'must use https (plain http is allowed on loopback, or with allowInsecureIssuer: true)');
  }
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    issues.add('issuer', 'must not contain credentials, a query or a fragment');
  }
  return value.replace(/\/+$/, '');
}

async function resolveServiceUser(value: unknown, issues: Issues, now: Date): Promise<ResolvedServiceUser | undefined> {
  const path = 'serviceUser';
  const form = credentialForm(value, path, ['personalAccessToken'], issues);
  if (form === undefined || typeof value !== 'object' || value === null) return undefined;
  const bag = value as Bag;
  if (form === 'personalAccessToken') {
    const token = secretString(bag, path, 'personalAccessToken', issues);
    return token && { kind: 'personal-access-token', token };
  }
  if (form === 'clientSecret') {
    const clientId = requiredString(bag, path, 'clientId', issues);
    const clientSecret = secretString(bag, path, 'clientSecret', issues);
    return clientId !== undefined && clientSecret ? { kind: 'client-credentials', clientId, clientSecret } : undefined;
  }
  const key = await loadKey(bag, form, path, issues, (data, origin) => parseServiceUserKey(data, origin, now));
  return key && { kind: 'jwt-profile', key };
}

async function resolveApiApplication(
  value: unknown,
  issues: Issues,
  now: Date,
): Promise<ResolvedApiApplication | undefined> {
  const path = 'apiApplication';
  const form = credentialForm(value, path, [], issues);
  if (form === undefined || typeof value !== 'object' || value === null) return undefined;
  const bag = value as Bag;
  if (form === 'clientSecret') {
    const clientId = requiredString(bag, path, 'clientId', issues);
    const clientSecret = secretString(bag, path, 'clientSecret', issues);
    return clientId !== undefined && clientSecret ? { kind: 'client-secret-basic', clientId, clientSecret } : undefined;
  }
  if (form === 'personalAccessToken') return undefined;
  const key = await loadKey(bag, form, path, issues, (data, origin) => parseApplicationKey(data, origin, now));
  return key && { kind: 'private-key-jwt', key };
}

type CredentialForm = (typeof KEY_FORMS)[number] | 'clientSecret' | 'personalAccessToken';

/** Which one credential form an object uses; reports none or several. */
function credentialForm(
  value: unknown,
  path: string,
  extra: readonly 'personalAccessToken'[],
  issues: Issues,
): CredentialForm | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    issues.add(path, 'must be an object');
    return undefined;
  }
  const keys = Object.keys(value);
  const forms: CredentialForm[] = [
    ...KEY_FORMS.filter((form) => keys.includes(form)),
    ...(keys.includes('clientId') || keys.includes('clientSecret') ? (['clientSecret'] as const) : []),
    ...extra.filter((form) => keys.includes(form)),
  ];
  const names = [...KEY_FORMS, 'clientId + clientSecret', ...extra].join(', ');
  if (forms.length !== 1) {
    issues.add(path, `${forms.length === 0 ? 'needs' : 'takes only'} one of: ${names}`);
    return undefined;
  }
  return forms[0];
}

async function loadKey<T>(
  bag: Bag,
  form: (typeof KEY_FORMS)[number],
  path: string,
  issues: Issues,
  parse: (data: unknown, origin: string) => T,
): Promise<T | undefined> {
  const value = bag[form];
  if (form !== 'key' && (typeof value !== 'string' || value.trim() === '')) {
    const what = form === 'keyFile' ? 'the path of the JSON key file' : 'the JSON text of the key file';
    issues.add(
      `${path}.${form}`,
      `must be ${what}${value === undefined ? ' (got undefined: is the environment variable set?)' : ''}`,
    );
    return undefined;
  }
  try {
    const { data, origin } = await readKeySource({ [form]: value } as KeySource, path);
    return parse(data, origin);
  } catch (error) {
    if (!(error instanceof ZitadelKeyFileError)) throw error;
    issues.add(`${path}.${form}`, error.message);
    return undefined;
  }
}

function requiredString(bag: Bag, path: string, field: string, issues: Issues): string | undefined {
  const value = bag[field];
  if (typeof value === 'string' && value.trim() !== '') return value;
  issues.add(`${path}.${field}`, value === undefined ? 'is required' : 'must be a non-empty string');
  return undefined;
}

function secretString(bag: Bag, path: string, field: string, issues: Issues): Secret | undefined {
  const value = requiredString(bag, path, field, issues);
  return value === undefined ? undefined : new Secret(value);
}

function optionalId(value: unknown, path: string, issues: Issues): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value.trim() !== '') return value;
  issues.add(
    path,
    typeof value === 'number' ? 'must be a string: ZITADEL ids are 64-bit' : 'must be a non-empty string',
  );
  return undefined;
}

function section(bag: Bag, name: string, issues: Issues, path: string = name): Bag {
  const value = bag[name];
  if (value === undefined) return {};
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Bag;
  issues.add(path, 'must be an object');
  return {};
}

/** RFC 6750 §3: the realm is a quoted-string; keep it to printable ASCII without `"` or `\`. */
function checkRealm(value: unknown, issues: Issues): string {
  if (value === undefined) return 'api';
  if (typeof value === 'string' && /^[\x20-\x7e]{1,200}$/.test(value) && !/["\\]/.test(value)) return value;
  issues.add('realm', 'must be 1 to 200 printable ASCII characters without double quotes or backslashes');
  return 'api';
}

/** Each entry an absolute `https` (or loopback `http`) URL; kept as its origin. */
function trustedOrigins(value: unknown, issues: Issues): readonly string[] {
  if (value === undefined) return [];
  const path = 'discovery.trustedOrigins';
  if (!Array.isArray(value)) {
    issues.add(path, 'must be an array of origins, e.g. ["https://login.acme.com"]');
    return [];
  }
  const origins: string[] = [];
  value.forEach((entry: unknown, index) => {
    const url = typeof entry === 'string' && URL.canParse(entry) ? new URL(entry) : undefined;
    const secure =
      url !== undefined &&
      (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)));
    if (url === undefined || !secure || url.pathname !== '/' || url.search !== '' || url.username !== '') {
      issues.add(
        `${path}[${index}]`,
        'must be an origin such as https://login.acme.com (https, no path, query or credentials)',
      );
    } else origins.push(url.origin);
  });
  return Object.freeze(origins);
}

function isKeyvLike(store: unknown): boolean {
  return (
    typeof store === 'object' &&
    store !== null &&
    typeof (store as Bag)['get'] === 'function' &&
    typeof (store as Bag)['set'] === 'function'
  );
}

function keyvStores(value: unknown, path: string, issues: Issues): readonly Keyv[] | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value) && value.length > 0 && value.every(isKeyvLike)) return value as Keyv[];
  issues.add(path, 'must be a non-empty array of Keyv instances, e.g. [new Keyv({ store: new KeyvRedis(url) })]');
  return undefined;
}

function integer(bag: Bag, path: string, fallback: number, min: number, issues: Issues): number {
  const value = bag[path.slice(path.lastIndexOf('.') + 1)];
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isInteger(value) && value >= min) return value;
  issues.add(path, `must be an integer >= ${min}`);
  return fallback;
}

function fraction(bag: Bag, path: string, fallback: number, issues: Issues): number {
  const value = bag[path.slice(path.lastIndexOf('.') + 1)];
  if (value === undefined) return fallback;
  if (typeof value === 'number' && value > 0 && value < 1) return value;
  issues.add(path, 'must be a number between 0 and 1 (exclusive)');
  return fallback;
}
