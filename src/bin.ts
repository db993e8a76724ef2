// Process entry: run the CLI and exit with its code once output is flushed.
import { main } from './cli.js';

// A reader that stops early (`rolefit … | head`) is not an error of ours: end quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
