import { ZitadelScopes } from 'nestjs-zitadel';
import type { DemoKeyFiles } from './embedded-zitadel.js';

/**
 * The `nestjs-zitadel` CLI against the embedded ZITADEL, with the key files it wrote: a token for
 * the service user (for ZITADEL's own APIs), and the introspection of a demo user's token as the
 * API application. Printed to the terminal only, like the curl commands.
 */
export function cliCommands(issuer: string, keyFiles: DemoKeyFiles, token: string): string[] {
  return [
    `# The CLI against the embedded ZITADEL (its key files are in ${keyFiles.dir}, removed when the app stops):`,
    `npx nestjs-zitadel token --issuer ${issuer} --key-file ${keyFiles.serviceUser} --scope ${ZitadelScopes.zitadelApi()}`,
    `npx nestjs-zitadel introspect --issuer ${issuer} --key-file ${keyFiles.apiApplication} --token=${token}`,
  ];
}
