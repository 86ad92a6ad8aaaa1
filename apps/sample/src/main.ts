// Starts the sample app. Without ZITADEL_ISSUER it runs the ZITADEL emulator in-process, seeds it
// and prints curl commands with demo tokens, so it runs on a fresh clone:
//
//   npm start                                   # build, then run with the embedded ZITADEL
//   cp .env.example .env && npm start           # against your ZITADEL (fill in .env first)
import { bootstrap } from './bootstrap.js';

try {
  const sample = await bootstrap({ shutdownHooks: true });
  process.stdout.write(`\n${sample.banner.join('\n')}\n\n`);
} catch {
  // Already logged; exit even if something (an embedded ZITADEL started before the failure) is still open.
  process.exit(1);
}
