/** The exit codes of the `nestjs-zitadel` CLI, as `--help` and the README list them. */
export const EXIT = {
  /** The command did what it was asked; for `introspect`, the token is active. */
  ok: 0,
  /** ZITADEL could not be reached, refused the credentials or answered something unusable. */
  failed: 1,
  /** The command line is wrong: an unknown or missing option, conflicting credentials, an unusable key file. */
  usage: 2,
  /** `introspect` only: ZITADEL answered, and the token is not active (the answer is still printed). */
  inactive: 3,
} as const;

export const USAGE = `Usage: nestjs-zitadel <command> [options]

Commands:
  token        Print an access token for a service user
  introspect   Introspect an access token as an API application and print the JSON result

Options:
  --issuer <url>             ZITADEL instance URL, e.g. https://acme.zitadel.cloud (or ZITADEL_ISSUER)
  --allow-insecure-issuer    Allow a plain-http issuer that is not on loopback
  --trusted-origin <origin>  A further origin the discovery document's endpoints may be on; repeatable
  --scope <scope>            token: a scope to ask for; repeat for several (openid is always included)
  --token=<token>            introspect: the token (with '=': a token may start with '-'); when absent it is read from standard input
  -h, --help                 Show this help
  -v, --version              Show the version

Credentials (give one kind; without any, the environment variables are read):
  --key-file <path>          a JSON key file: for token the service user's ("type":"serviceaccount"),
                             for introspect the API application's ("type":"application")
  --key-json <json>          the same JSON inline
  --client-id <id>           with --client-secret: token: the service user's client credentials,
  --client-secret <secret>   introspect: the API application's client id and secret (method "Basic")
  --pat <token>              token only: a personal access token (printed as it is; --scope does not apply)

Environment variables (the sample app's names):
  token:       ZITADEL_SERVICE_USER_KEY_FILE, ZITADEL_SERVICE_USER_KEY_JSON,
               ZITADEL_SERVICE_USER_CLIENT_ID + ZITADEL_SERVICE_USER_CLIENT_SECRET, ZITADEL_SERVICE_USER_PAT
  introspect:  ZITADEL_API_KEY_FILE, ZITADEL_API_KEY_JSON, ZITADEL_API_CLIENT_ID + ZITADEL_API_CLIENT_SECRET
  Prefer them for secrets: a command line is visible to other users of the machine.

Exit codes:
  0  success (introspect: the token is active)
  1  ZITADEL unreachable, refusing the credentials or answering something unusable
  2  bad usage: unknown or missing option, conflicting credentials, unusable key file
  3  introspect: the token is not active (the answer is still printed)

Examples:
  npx nestjs-zitadel token --issuer https://acme.zitadel.cloud --key-file ./service-user.json \\
    --scope urn:zitadel:iam:org:project:id:zitadel:aud
  echo "$TOKEN" | npx nestjs-zitadel introspect --issuer https://acme.zitadel.cloud --key-file ./api.json
`;
