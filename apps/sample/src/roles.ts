/**
 * The project roles the sample app checks. Create them in your ZITADEL project (Projects → your
 * project → Roles) and grant them to users (Authorizations); the embedded emulator seeds them.
 */
export const SampleRoles = {
  /** May create users (`POST /users`), set and read their metadata (`/users/:userId/metadata`), and read every report. */
  admin: 'admin',
  /** May read reports (`GET /reports`, and `GET /orgs/:orgId/reports` when granted by that organisation). */
  reader: 'reader',
} as const;
