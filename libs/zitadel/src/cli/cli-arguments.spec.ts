import { ZitadelConfigurationError } from '../errors/configuration.error.js';
import { ZitadelUnavailableError } from '../errors/unavailable.error.js';
import { parseCliArguments } from './cli-arguments.js';
import { describeCliError, exitCodeOf } from './cli-errors.js';
import { CliUsageError } from './cli-usage-error.js';

const env = {};

function messageOf(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    if (error instanceof CliUsageError) return error.message;
  }
  return '(no CliUsageError)';
}
const ISSUER = ['--issuer', 'https://z.example'];

describe('parseCliArguments', () => {
  it('parses token with repeated scopes', () => {
    expect(
      parseCliArguments(['token', ...ISSUER, '--key-file', 'sa.json', '--scope', 'a', '--scope', 'b'], env),
    ).toEqual({
      command: 'token',
      connection: { issuer: 'https://z.example', allowInsecureIssuer: false, trustedOrigins: [] },
      serviceUser: { keyFile: 'sa.json' },
      scopes: ['a', 'b'],
      words: {
        issuer: '--issuer',
        allowInsecureIssuer: '--allow-insecure-issuer',
        'serviceUser.keyFile': '--key-file',
      },
    });
  });

  it('takes --allow-insecure-issuer and repeated --trusted-origin, each named for errors', () => {
    const parsed = parseCliArguments(
      [
        'introspect',
        ...ISSUER,
        '--allow-insecure-issuer',
        '--trusted-origin',
        'https://a',
        '--trusted-origin',
        'https://b',
        '--key-file',
        'k',
      ],
      env,
    );
    expect(parsed).toMatchObject({
      connection: { allowInsecureIssuer: true, trustedOrigins: ['https://a', 'https://b'] },
      words: { 'discovery.trustedOrigins[1]': '--trusted-origin (#2)' },
    });
  });

  it.each([
    [['--key-json', '{}'], { keyJson: '{}' }, { 'serviceUser.keyJson': '--key-json' }],
    [
      ['--client-id', 'c', '--client-secret', 's'],
      { clientId: 'c', clientSecret: 's' },
      { 'serviceUser.clientId': '--client-id', 'serviceUser.clientSecret': '--client-secret' },
    ],
    [['--pat', 'p'], { personalAccessToken: 'p' }, { 'serviceUser.personalAccessToken': '--pat' }],
  ])('token takes the credentials %j', (flags, serviceUser, words) => {
    expect(parseCliArguments(['token', ...ISSUER, ...flags], env)).toMatchObject({ serviceUser, words });
  });

  it("reads the issuer and credentials from the sample app's variables, named so in errors", () => {
    const variables = {
      ZITADEL_ISSUER: ' https://z.example ',
      ZITADEL_SERVICE_USER_PAT: 'p',
      ZITADEL_API_CLIENT_ID: 'c',
      ZITADEL_API_CLIENT_SECRET: 's',
      ZITADEL_API_KEY_FILE: '',
    };
    expect(parseCliArguments(['token'], variables)).toMatchObject({
      connection: { issuer: 'https://z.example' },
      serviceUser: { personalAccessToken: 'p' },
      words: { issuer: 'ZITADEL_ISSUER', 'serviceUser.personalAccessToken': 'ZITADEL_SERVICE_USER_PAT' },
    });
    expect(parseCliArguments(['introspect'], variables)).toMatchObject({
      apiApplication: { clientId: 'c', clientSecret: 's' },
      words: { 'apiApplication.clientSecret': 'ZITADEL_API_CLIENT_SECRET' },
    });
  });

  it('lets credential flags win as a whole over the variables', () => {
    const variables = { ZITADEL_SERVICE_USER_CLIENT_ID: 'c', ZITADEL_SERVICE_USER_CLIENT_SECRET: 's' };
    expect(parseCliArguments(['token', ...ISSUER, '--key-file', 'k'], variables)).toMatchObject({
      serviceUser: { keyFile: 'k' },
    });
  });

  it('shows help without a command or with --help', () => {
    expect(parseCliArguments([], env)).toEqual({ command: 'help' });
    expect(parseCliArguments(['token', '-h'], env)).toEqual({ command: 'help' });
    expect(parseCliArguments(['--version'], env)).toEqual({ command: 'version' });
  });

  it.each([
    [['mint'], /^Unknown command "mint"\. Use "token" or "introspect"\.$/],
    [['introspec'], /did you mean "introspect"\?/],
    [['token', '--key-file', 'sa.json'], /--issuer is required/],
    [
      ['token', ...ISSUER],
      /^Credentials are required: --key-file, --key-json, --client-id \+ --client-secret, --pat \(or ZITADEL_SERVICE_USER_KEY_FILE,/,
    ],
    [
      ['introspect', ...ISSUER],
      /^Credentials are required: --key-file, --key-json, --client-id \+ --client-secret \(or ZITADEL_API_KEY_FILE/,
    ],
    [['token', ...ISSUER, '--key-file', 'k', '--bogus'], /^Unknown option --bogus\.$/],
    [['token', ...ISSUER, '--key-fiel', 'k'], /^Unknown option --key-fiel; did you mean --key-file\?$/],
    [['token', ...ISSUER, '--scopes', 'a', '--pat', 'p'], /did you mean --scope\?/],
    [['token', ...ISSUER, '--key-file', 'k', '-x'], /^Unknown option -x\.$/],
    [['token', ...ISSUER, '--key-file', 'k', 'extra'], /^Unexpected argument after "token" \(1 more\)/],
    [['token', ...ISSUER, '--key-file', 'k', '--token', 't'], /--token applies to "introspect" only/],
    [['introspect', ...ISSUER, '--key-file', 'k', '--scope', 's'], /--scope applies to "token" only/],
    [['introspect', ...ISSUER, '--pat', 'p'], /--pat applies to "token" only/],
    [['token', ...ISSUER, '--pat', 'p', '--scope', 's'], /--scope does not apply to a personal access token \(--pat\)/],
    [['token', ...ISSUER, '--key-file', 'k', '--key-json', '{}'], /^--key-file, --key-json: give only one kind/],
    [['token', ...ISSUER, '--client-id', 'c'], /^--client-id and --client-secret: give both or neither\.$/],
    [['token', ...ISSUER, '--key-file', ''], /^--key-file must not be empty\.$/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseCliArguments(argv, env)).toThrow(CliUsageError);
    expect(() => parseCliArguments(argv, env)).toThrow(message);
  });

  it('names conflicting or incomplete variables by their names', () => {
    expect(() =>
      parseCliArguments(['token', ...ISSUER], { ZITADEL_SERVICE_USER_PAT: 'p', ZITADEL_SERVICE_USER_KEY_FILE: 'k' }),
    ).toThrow(/^ZITADEL_SERVICE_USER_KEY_FILE, ZITADEL_SERVICE_USER_PAT: give only one kind/);
    expect(() => parseCliArguments(['introspect', ...ISSUER], { ZITADEL_API_CLIENT_SECRET: 's' })).toThrow(
      /^ZITADEL_API_CLIENT_ID and ZITADEL_API_CLIENT_SECRET: give both or neither/,
    );
  });

  it("never echoes a value: a stray argument, a misspelt option's inline value, an odd command", () => {
    for (const argv of [
      ['introspect', ...ISSUER, '--key-file', 'k', 'secret-token'],
      ['token', ...ISSUER, '--client-id', 'c', '--client-secert=secret-token'],
      ['secret/token.value'],
    ]) {
      const message = messageOf(() => parseCliArguments(argv, env));
      expect(message).toMatch(/^Un/);
      expect(message).not.toMatch(/secret-token|secret\/token/);
    }
  });
});

describe('describeCliError', () => {
  const words = { issuer: '--issuer', 'serviceUser.keyFile': 'ZITADEL_SERVICE_USER_KEY_FILE' };

  it('names configuration issues by flag or variable and turns option names into flags', () => {
    const error = new ZitadelConfigurationError([
      {
        path: 'issuer',
        message: 'must use https (plain http is allowed on loopback, or with allowInsecureIssuer: true)',
      },
      {
        path: 'serviceUser.keyFile',
        message:
          '/k.json: "type" must be "serviceaccount", got "application". This is an application key: configure it as apiApplication, not serviceUser.',
      },
      { path: 'realm', message: 'kept as is' },
    ]);
    expect(describeCliError(error, words)).toEqual([
      '--issuer: must use https (plain http is allowed on loopback, or with --allow-insecure-issuer)',
      'ZITADEL_SERVICE_USER_KEY_FILE: /k.json: "type" must be "serviceaccount", got "application". This is an application key: use it with "introspect", not "token".',
      'realm: kept as is',
    ]);
    expect(exitCodeOf(error)).toBe(2);
  });

  it('keeps other library messages, with option names as flags; exit 1', () => {
    const error = new ZitadelUnavailableError('on another origin; add it to the option discovery.trustedOrigins');
    expect(describeCliError(error, words)).toEqual(['on another origin; add it to --trusted-origin']);
    expect(exitCodeOf(error)).toBe(1);
    expect(exitCodeOf(new CliUsageError('x'))).toBe(2);
  });
});
