import { CliUsageError, parseCliArguments } from './cli-arguments.js';

const env = {};

describe('parseCliArguments', () => {
  it('parses token with repeated scopes', () => {
    expect(
      parseCliArguments(
        ['token', '--issuer', 'https://z.example', '--key-file', 'sa.json', '--scope', 'a', '--scope', 'b'],
        env,
      ),
    ).toEqual({
      command: 'token',
      issuer: 'https://z.example',
      keyFile: 'sa.json',
      scopes: ['a', 'b'],
    });
  });

  it('takes the issuer from ZITADEL_ISSUER', () => {
    expect(
      parseCliArguments(['introspect', '--key-file', 'api.json'], { ZITADEL_ISSUER: 'https://z.example' }),
    ).toEqual({
      command: 'introspect',
      issuer: 'https://z.example',
      keyFile: 'api.json',
      token: undefined,
    });
  });

  it('shows help without a command or with --help', () => {
    expect(parseCliArguments([], env)).toEqual({ command: 'help' });
    expect(parseCliArguments(['token', '-h'], env)).toEqual({ command: 'help' });
    expect(parseCliArguments(['--version'], env)).toEqual({ command: 'version' });
  });

  it.each([
    [['mint'], /Unknown command "mint"/],
    [['token', '--key-file', 'sa.json'], /--issuer is required/],
    [['token', '--issuer', 'https://z.example'], /--key-file is required/],
    [['token', '--issuer', 'x', '--key-file', 'k', '--bogus'], /Unknown option '--bogus'/],
    [['token', '--issuer', 'x', '--key-file', 'k', 'extra'], /Unexpected argument "extra"/],
    [['token', '--issuer', 'x', '--key-file', 'k', '--token', 't'], /--token applies to "introspect" only/],
    [['introspect', '--issuer', 'x', '--key-file', 'k', '--scope', 's'], /--scope applies to "token" only/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseCliArguments(argv, env)).toThrow(CliUsageError);
    expect(() => parseCliArguments(argv, env)).toThrow(message);
  });
});
