// The reference server of bm-secure-chat (PROTOCOL.md Part 2). Import it for `startServer(options)`, or run
// it: `node demo/server/main.mjs --port 8787 --data ./data` (cli.mjs lists the options).
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runCli } from './cli.mjs';

export { startServer } from './server.mjs';

function isMain() {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  runCli(process.argv.slice(2)).catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.message : error}\n`);
    process.exit(1);
  });
}
