// The GitHub Action's entry (action.yml `runs.main`), bundled with the CLI into prebuilt/action.cjs
// by scripts/prebuilt.mjs: runs `rolefit scan` in-process with the inputs as arguments, sets the
// outputs `sarif-file` and `findings`, and exits with the scan's exit code (the step fails on
// findings at or above `fail-on`, and on unreadable input).
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../cli.js';
import { actionArgs, input } from './inputs.js';

async function run(): Promise<number> {
  const env = process.env;
  const args = actionArgs(env);
  // The JSON report, for the `findings` output: beside the runner's other temporary files.
  const report = env.RUNNER_TEMP ? join(env.RUNNER_TEMP, `rolefit-${randomUUID()}.json`) : null;
  const scan = report ? [...args.slice(0, args.indexOf('--')), '--output', `json=${report}`, ...args.slice(args.indexOf('--'))] : args;
  const code = await main(scan);
  if (env.GITHUB_OUTPUT) {
    const sarif = input(env, 'sarif-file');
    // Named only when written: a step that uploads it would otherwise fail on a missing file.
    if (sarif && existsSync(sarif)) setOutput(env.GITHUB_OUTPUT, 'sarif-file', sarif);
    if (report) {
      try {
        const { summary } = JSON.parse(readFileSync(report, 'utf8')) as { summary: { findings: number } };
        setOutput(env.GITHUB_OUTPUT, 'findings', String(summary.findings));
      } catch {
        // no report written (a usage error): no count to give
      }
    }
  }
  if (report) rmSync(report, { force: true });
  return code;
}

/** `name<<DELIMITER` form: a value cannot end the entry early or add another. */
function setOutput(file: string, name: string, value: string): void {
  const delimiter = `ghadelimiter_${randomUUID()}`;
  appendFileSync(file, `${name}<<${delimiter}\n${value}\n${delimiter}\n`);
}

run().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`rolefit: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 3;
  },
);
