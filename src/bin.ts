// Process entry: run the CLI and exit with its code once output is flushed.
import { main } from './cli.js';

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
