import type { DemoSeed, DemoUser } from './embedded-zitadel.js';

/** A body for the `POST /users` example. */
const NEW_USER = { userName: 'carol', email: 'carol@acme.localhost', firstName: 'Carol', lastName: 'Clerk' };

/** A body for the `PUT /users/:userId/metadata/:key` example: "dark", base64-encoded as ZITADEL's JSON carries bytes. */
const THEME = { value: Buffer.from('dark').toString('base64') };

/** `admin (Acme), reader (Acme, Globex)`. */
function rolesOf(user: DemoUser): string {
  return Object.entries(user.roles)
    .map(([role, orgs]) => `${role} (${orgs.join(', ')})`)
    .join(', ');
}

/** A one-line socket.io client (the workspace has `socket.io-client`) asking the gateway who the caller is. */
function socketCall(url: string, user: DemoUser): string {
  const client = `require('socket.io-client').io('${url}/events', { auth: { token: '${user.token}' } })`;
  return `node -e "${client}.emit('whoami', {}, (sub) => { console.log(sub); process.exit(0); })"`;
}

/**
 * Ready-to-run `curl` commands against the app at `url`, with the demo users' fresh tokens:
 * one block per user, each line ending with the status it answers. Printed to the terminal only
 * (never logged): the tokens are the embedded emulator's.
 */
export function demoBanner(url: string, issuer: string, seed: DemoSeed): string[] {
  const call = (user: DemoUser, path: string, expected: number, body?: object, method?: 'PUT'): string => {
    const auth = `-H 'Authorization: Bearer ${user.token}'`;
    const verb = method === undefined ? '' : ` -X ${method}`;
    const data = body === undefined ? '' : ` -H 'Content-Type: application/json' -d '${JSON.stringify(body)}'`;
    return `curl -i ${auth}${verb}${data} ${url}${path}   # ${expected}`;
  };
  const { admin, user, org, otherOrg } = seed;
  return [
    `Embedded ZITADEL emulator at ${issuer} (set ZITADEL_ISSUER and the other variables of .env.example to use a real instance).`,
    `Seeded: organisations ${org.name} (${org.id}) and ${otherOrg.name} (${otherOrg.id}), project ${seed.projectId} with roles admin and reader,`,
    `a service user that is ORG_OWNER of ${org.name}, an API application, and two users. Tokens are valid for 12 hours.`,
    `OpenAPI docs: ${url}/docs`,
    '',
    `curl -i ${url}/health   # 200`,
    `curl -i ${url}/me   # 401`,
    '',
    `# ${admin.userName}: ${rolesOf(admin)}`,
    call(admin, '/me', 200),
    call(admin, '/reports', 200),
    call(admin, `/orgs/${otherOrg.id}/reports`, 200),
    call(admin, '/users', 201, NEW_USER),
    call(admin, `/users/${user.userId}/metadata/theme`, 200, THEME, 'PUT'),
    call(admin, `/users/${user.userId}/metadata`, 200),
    '',
    `# ${user.userName}: ${rolesOf(user)}`,
    call(user, '/me', 200),
    call(user, '/on-behalf-of', 200),
    call(user, '/reports', 200),
    call(user, `/orgs/${org.id}/reports`, 200),
    call(user, `/orgs/${otherOrg.id}/reports`, 403),
    call(user, `/users/${user.userId}/metadata`, 403),
    call(user, '/users', 403, { ...NEW_USER, userName: 'dave', email: 'dave@acme.localhost' }),
    '',
    "# GET /on-behalf-of calls GET /me downstream with a token exchanged for the caller's (RFC 8693 token exchange).",
    '# Actions v2: the emulator calls this app, signed, for user events and for the preaccesstoken and preuserinfo',
    '# functions, which add the claim sample:plan to every token (see "plan" in GET /me); POST /users makes an event.',
    call(admin, '/actions/events', 200),
    call(user, '/actions/events', 403),
    '',
    "# The socket.io gateway (namespace /events), the same tokens in the handshake: 'whoami' answers the user id.",
    socketCall(url, admin),
  ];
}
