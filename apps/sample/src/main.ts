// Starts the sample app. Without ZITADEL_ISSUER it runs the ZITADEL emulator in-process, seeds it
// and prints curl commands with demo tokens, so it runs on a fresh clone:
//
//   npm start                    # build, then run with the embedded ZITADEL
//   cp .env.example .env && npm start   # against your ZITADEL (fill in .env first)
import { bootstrap } from './bootstrap.js';

const sample = await bootstrap({ shutdownHooks: true });
process.stdout.write(`\n${sample.banner.join('\n')}\n\n`);
