import { ZitadelConfigurationError } from '../errors/configuration.error.js';
import { ZitadelKeyFileError } from '../errors/key-file.error.js';
import { createPrivateKey, KeyObject } from 'node:crypto';
import { isRecord } from '../shared/is-record.js';
import { parseApplicationKey, parseServiceUserKey, readKeySource, type KeySource } from '../keys/key-file.parser.js';
import type { ResolvedApiApplication, ResolvedServiceUser, ResolvedZitadelConfig } from './resolved-config.js';
import { Secret } from './secret.js';
import {
  count,
  entries,
  oneOf,
  fraction,
  Issues,
  milliseconds,
  readSection,
  reportUnknownKeys,
  seconds,
  section,
  type Bag,
  type Schema,
} from './option-schema.js';
import type {
  ApiApplicationCredentials,
  DiscoveryOptions,
  IntrospectionOptions,
  ZitadelKeyvStore,
  JwtValidationOptions,
  TokenCacheOptions,
  ServiceUserCredentials,
  TokenValidationMode,
  ZitadelApiCodec,
  ZitadelActionsOptions,
  ZitadelApiOptions,
  ZitadelHttpOptions,
  ZitadelSigningKeys,
  ZitadelModuleOptions,
} from './zitadel-options.interface.js';

const VALIDATION_MODES: readonly TokenValidationMode[] = ['auto', 'introspection', 'jwt'];
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const KEY_FORMS = ['keyFile', 'key', 'keyJson'] as const;

/** Every top-level option; typed against the interface, so a new option cannot be forgotten here. */
const TOP_LEVEL_KEYS: { readonly [K in keyof Required<ZitadelModuleOptions>]: true } = {
  issuer: true,
  allowInsecureIssuer: true,
  serviceUser: true,
  apiApplication: true,
  projectId: true,
  tokenValidation: true,
  http: true,
  tokenCache: true,
  realm: true,
  introspection: true,
  jwt: true,
  discovery: true,
  api: true,
  actions: true,
  clock: true,
};

const HTTP = {
  timeoutMs: milliseconds(5000, 1),
  retries: count(2, 0),
  backoffBaseMs: milliseconds(100),
  backoffMaxMs: milliseconds(2000),
  maxResponseBytes: count(4 * 1024 * 1024, 1024),
  failureCooldownMs: milliseconds(1000),
} satisfies Schema<ZitadelHttpOptions>;

const TOKEN_CACHE = {
  refreshAfterFraction: fraction(0.8),
  minRemainingSeconds: seconds(60),
} satisfies Schema<TokenCacheOptions>;

const INTROSPECTION = {
  cache: section({
    maxTtlSeconds: seconds(60),
    inactiveTtlSeconds: seconds(10),
    maxEntries: entries(10_000, false),
    stores: keyvStores,
    storeTimeoutMs: milliseconds(500, 1),
  } satisfies Schema<NonNullable<IntrospectionOptions['cache']>>),
} satisfies Schema<IntrospectionOptions>;

const JWT = {
  // A tolerance of more than five minutes would accept tokens long expired.
  clockToleranceSeconds: seconds(5, 0, 300),
  jwksCooldownSeconds: seconds(30),
  jwksMaxAgeSeconds: seconds(600, 1),
  cache: section({
    maxEntries: entries(10_000, true),
    maxTtlSeconds: seconds(300),
  } satisfies Schema<NonNullable<JwtValidationOptions['cache']>>),
} satisfies Schema<JwtValidationOptions>;

const DISCOVERY = { trustedOrigins } satisfies Schema<DiscoveryOptions>;

const API = { codec: oneOf<ZitadelApiCodec>(['json', 'binary'], 'json') } satisfies Schema<ZitadelApiOptions>;

const ACTIONS = {
  signingKeys: actionSigningKeys,
  // ZITADEL's own verifier allows five minutes; an hour is the most that still bounds replays usefully.
  toleranceSeconds: seconds(300, 0, 3600),
  replayGuard: replayGuardOption,
  decryptionKey: jweDecryptionKey,
} satisfies Schema<ZitadelActionsOptions>;

/** Every key of every credential form (a union's `keyof` would keep only the common ones). */
type AllKeys<T> = T extends unknown ? keyof T : never;
const SERVICE_USER_KEYS: { readonly [K in AllKeys<ServiceUserCredentials>]: true } = {
  keyFile: true,
  key: true,
  keyJson: true,
  clientId: true,
  clientSecret: true,
  personalAccessToken: true,
};
const API_APPLICATION_KEYS: { readonly [K in AllKeys<ApiApplicationCredentials>]: true } = {
  keyFile: true,
  key: true,
  keyJson: true,
  clientId: true,
  clientSecret: true,
};

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
  reportUnknownKeys(bag, Object.keys(TOP_LEVEL_KEYS), '', issues);
  const issuer = checkIssuer(bag['issuer'], bag['allowInsecureIssuer'], issues);
  const serviceUser = await resolveServiceUser(bag['serviceUser'], issues, now);
  const apiApplication = await resolveApiApplication(bag['apiApplication'], issues, now);
  const projectId = optionalId(bag['projectId'], 'projectId', issues);
  const tokenValidation = bag['tokenValidation'] ?? 'auto';
  if (!VALIDATION_MODES.includes(tokenValidation as TokenValidationMode)) {
    issues.add('tokenValidation', `must be one of ${VALIDATION_MODES.map((m) => `'${m}'`).join(', ')}`);
  }
  checkClock(bag['clock'], issues);
  const http = readSection(bag['http'], HTTP, 'http', issues);
  const introspection = readSection(bag['introspection'], INTROSPECTION, 'introspection', issues);
  const resolved: ResolvedZitadelConfig = {
    issuer,
    serviceUser,
    apiApplication,
    projectId,
    tokenValidation: tokenValidation as TokenValidationMode,
    http,
    discovery: readSection(bag['discovery'], DISCOVERY, 'discovery', issues),
    api: readSection(bag['api'], API, 'api', issues),
    tokenCache: readSection(bag['tokenCache'], TOKEN_CACHE, 'tokenCache', issues),
    realm: checkRealm(bag['realm'], issues),
    introspection,
    jwt: readSection(bag['jwt'], JWT, 'jwt', issues),
    actions: readSection(bag['actions'], ACTIONS, 'actions', issues),
  };
  checkCrossField(bag, resolved, issues);
  if (issues.list.length > 0) throw new ZitadelConfigurationError(issues.list);
  return resolved;
}

function checkIssuer(value: unknown, allowInsecureValue: unknown, issues: Issues): string {
  if (allowInsecureValue !== undefined && typeof allowInsecureValue !== 'boolean') {
    issues.add('allowInsecureIssuer', 'must be true or false');
  }
  const allowInsecure = allowInsecureValue === true;
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
  const form = credentialForm(value, path, ['personalAccessToken'], Object.keys(SERVICE_USER_KEYS), issues);
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
  const form = credentialForm(value, path, [], Object.keys(API_APPLICATION_KEYS), issues);
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
  known: readonly string[],
  issues: Issues,
): CredentialForm | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    issues.add(path, 'must be an object');
    return undefined;
  }
  reportUnknownKeys(value as Bag, known, path, issues);
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
    // The path names the option already; a file is named by its absolute path, nothing twice.
    issues.add(`${path}.${form}`, form === 'keyFile' ? `${error.source}: ${error.problem}` : error.problem);
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

/** RFC 6750 §3: the realm is a quoted-string; keep it to printable ASCII without `"` or `\`. */
function checkRealm(value: unknown, issues: Issues): string {
  if (value === undefined) return 'api';
  if (typeof value === 'string' && /^[\x20-\x7e]{1,200}$/.test(value) && !/["\\]/.test(value)) return value;
  issues.add('realm', 'must be 1 to 200 printable ASCII characters without double quotes or backslashes');
  return 'api';
}

/** Each entry an absolute `https` (or loopback `http`) URL; kept as its origin. */
function trustedOrigins(value: unknown, path: string, issues: Issues): readonly string[] {
  if (value === undefined) return Object.freeze([]);
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

function keyvStores(value: unknown, path: string, issues: Issues): readonly ZitadelKeyvStore[] | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value) && value.length > 0 && value.every(isKeyvLike)) return value as ZitadelKeyvStore[];
  issues.add(path, 'must be a non-empty array of Keyv instances, e.g. [new Keyv({ store: new KeyvRedis(url) })]');
  return undefined;
}

/** The `clock` option: an object with `now()` and `sleep(ms)`, as `ZitadelClock` describes. */
function checkClock(value: unknown, issues: Issues): void {
  if (value === undefined) return;
  const clock = typeof value === 'object' && value !== null ? (value as Bag) : undefined;
  if (typeof clock?.['now'] !== 'function' || typeof clock['sleep'] !== 'function') {
    issues.add('clock', 'must be an object with now() and sleep(ms) functions, e.g. new ManualClock() in tests');
  }
}

/** Rules between options, checked once each option is valid on its own. */
function checkCrossField(bag: Bag, resolved: ResolvedZitadelConfig, issues: Issues): void {
  const { http, introspection } = resolved;
  if (http.backoffBaseMs > http.backoffMaxMs) {
    issues.add(
      'http.backoffBaseMs',
      `must not exceed http.backoffMaxMs (${http.backoffBaseMs} > ${http.backoffMaxMs}): the first wait would already be over the longest`,
    );
  }
  const given = isRecord(bag['introspection']) ? bag['introspection']['cache'] : undefined;
  if (introspection.cache.stores !== undefined && isRecord(given) && given['maxEntries'] !== undefined) {
    issues.add(
      'introspection.cache.maxEntries',
      'bounds only the default in-memory store and has no effect with stores: remove one of the two',
    );
  }
}

/** Signing keys of Actions v2 targets: a non-empty string, a non-empty array of them, or a resolver function. */
function actionSigningKeys(value: unknown, path: string, issues: Issues): ZitadelSigningKeys | undefined {
  if (value === undefined || typeof value === 'function') return value as ZitadelSigningKeys | undefined;
  const keys = typeof value === 'string' ? [value] : value;
  if (Array.isArray(keys) && keys.length > 0 && keys.every((key) => typeof key === 'string' && key !== '')) {
    return Object.freeze([...(keys as string[])]);
  }
  issues.add(
    path,
    value === '' || (Array.isArray(value) && value.includes(''))
      ? 'must not be empty (got an empty key: is the environment variable set?)'
      : "must be the target's signing key, a non-empty array of keys, or a function (request) => keys",
  );
  return undefined;
}

function replayGuardOption(
  value: unknown,
  path: string,
  issues: Issues,
): { readonly maxEntries: number; readonly store: ZitadelKeyvStore | undefined } | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return { maxEntries: 10_000, store: undefined };
  if (!isRecord(value)) {
    issues.add(path, 'must be true, false or { maxEntries } / { store } (a Keyv store shared by instances)');
    return undefined;
  }
  const read = readSection(value, { maxEntries: entries(10_000, false), store: keyvStore }, path, issues);
  if (read.store !== undefined && isRecord(value) && value['maxEntries'] !== undefined) {
    issues.add(
      `${path}.maxEntries`,
      'bounds only the default in-memory store and has no effect with store: remove one',
    );
  }
  return read;
}

function keyvStore(value: unknown, path: string, issues: Issues): ZitadelKeyvStore | undefined {
  if (value === undefined) return undefined;
  if (isKeyvLike(value)) return value as ZitadelKeyvStore;
  issues.add(path, 'must be a Keyv instance, e.g. new Keyv({ store: new KeyvRedis(url) })');
  return undefined;
}

/** The JWE key: a private `KeyObject`, or PEM text loaded once (the key never appears in a message). */
function jweDecryptionKey(value: unknown, path: string, issues: Issues): KeyObject | undefined {
  if (value === undefined) return undefined;
  if (value instanceof KeyObject && value.type === 'private') return value;
  if (typeof value === 'string') {
    try {
      return createPrivateKey(value);
    } catch {
      issues.add(path, 'is not a PEM private key (PKCS#8 "BEGIN PRIVATE KEY" or PKCS#1 "BEGIN RSA PRIVATE KEY")');
      return undefined;
    }
  }
  issues.add(path, 'must be a PEM private key or a private KeyObject (the key of the target registered for JWE)');
  return undefined;
}
