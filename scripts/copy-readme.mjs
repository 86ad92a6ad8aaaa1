// Copies the repository's README.md into the library package (libs/zitadel/README.md), so the
// npm package ships the same documentation. The copy is a build output (git-ignored).
import { copyFileSync } from 'node:fs';

copyFileSync(new URL('../README.md', import.meta.url), new URL('../libs/zitadel/README.md', import.meta.url));
