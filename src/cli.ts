// The command line: wires options to the pipeline and maps outcomes to exit codes
// (0 clean, 1 findings at or above --fail-on, 2 usage errors or unreadable input, 3 internal error).
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { scan, SEVERITY_RANK } from './scan.js';
import { colors, shouldColor } from './report/color.js';
import { expandActionPattern, checkActionPattern } from './iam/actions.js';
import { RULE_METAS } from './rules/index.js';
import { version } from './version.js';
import { runExplain } from './explain/command.js';
import { runFix } from './fix/command.js';
import { emitReport, FORMATS, parseOutputSpec, type FormatName, type OutputSpec } from './report/formats.js';
import type { InputErrorEntry, Report } from './report/types.js';
import type { Severity } from './model.js';
import { liveOptions, liveUsageError, loadLive, runCollect, type LiveOptions } from './sources/aws/command.js';
import { scanSettings, type ScanSettings } from './config/settings.js';
import { writeBaselineFile } from './suppress/baseline.js';
import { InputError } from './sources/nodes.js';

export const EXIT = { clean: 0, findings: 1, usage: 2, internal: 3 } as const;

export function exitCodeFor(report: Report, failOn: 'error' | 'warning' | 'note' | 'none'): number {
  if (report.errors.length > 0) return EXIT.usage;
  if (failOn === 'none') return EXIT.clean;
  const limit = SEVERITY_RANK[failOn];
  return report.findings.some((f) => SEVERITY_RANK[f.severity] <= limit) ? EXIT.findings : EXIT.clean;
}

interface Io {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
}

export async function main(argv: string[], io: Io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let code: number = EXIT.clean;
  const program = new Command()
    .name('rolefit')
    .description('Least-privilege linter for the IAM roles that run containers on AWS')
    .version(version(), '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  const defaultPaths = ['.'];
  const scanCommand = program
    .command('scan', { isDefault: true })
    .description('scan files and directories (CloudFormation, Terraform modules and plans, ECS task definitions, eksctl configs, Kubernetes manifests, IAM dumps, policy files), or an AWS account with --aws')
    .argument('[paths...]', 'files or directories to scan', defaultPaths)
    .addOption(new Option('-f, --format <format>', 'output format').choices([...FORMATS]).default('text'))
    .option('-o, --output <format=file>', 'also write the report in FORMAT to FILE (repeatable), e.g. sarif=rolefit.sarif', collectOutput)
    .option('--context <path>', 'read PATH for context only: report just the findings in the files of PATHS (repeatable)', collect)
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity (overrides the configuration\'s fail-on)').choices(['error', 'warning', 'note', 'none']).default('error'))
    .option('--color', 'force colored output')
    .option('--no-color', 'disable colored output')
    .option('--config <file>', 'configuration file (default: .rolefit.yaml, .yml or .json here or above, up to the git root)')
    .option('--no-config', 'read no configuration file')
    .option('--baseline <file>', 'accept the findings listed in this baseline file (default: the configuration\'s baseline)')
    .option('--write-baseline <file>', 'write the current findings to a baseline file; findings then do not fail the run')
    .action(async (paths: string[], opts: ScanFlags & LiveOptions, cmd: Command) => {
      // --context paths are files too: a live scan reads the account only.
      const usage = liveUsageError(opts, [...(paths === defaultPaths ? [] : paths), ...(opts.context ?? [])]);
      if (usage) scanCommand.error(`error: ${usage}`, { exitCode: EXIT.usage });
      const settings = scanCommandSettings(opts, io);
      if (!settings) return void (code = EXIT.usage);
      const live = opts.aws ? await loadLive(opts, io.stderr) : undefined;
      if (live && !live.ok) {
        io.stderr.write(`rolefit: ${live.message}\n`);
        code = EXIT.usage;
        return;
      }
      const report = scan({ paths, ...settings, loaded: live?.loaded, context: opts.context, onContextError: (e) => io.stderr.write(contextWarning(e)) });
      const color = colors(shouldColor(io.stdout, colorFlag(argv)));
      const written = emitReport(report, { format: opts.format, output: opts.output ?? [], color }, io);
      const failOn = cmd.getOptionValueSource('failOn') === 'cli' ? opts.failOn : (settings.config?.failOn ?? opts.failOn);
      code = written ? exitCodeFor(report, failOn) : EXIT.usage;
      if (written && opts.writeBaseline) {
        const baseline = writeBaselineFile(report, opts.writeBaseline, process.cwd());
        io.stderr.write(`rolefit: ${baseline.message}\n`);
        code = baseline.ok ? EXIT.clean : EXIT.usage;
      }
    });

  liveOptions(scanCommand);

  const collectCommand = program
    .command('collect')
    .description('read an AWS account (--aws) and write what was read as an inventory file that `rolefit scan FILE` lints offline')
    .requiredOption('-o, --output <file>', 'the inventory file to write ("-" for stdout)');
  liveOptions(collectCommand, true).action(async (opts: LiveOptions & { output: string }) => {
    const usage = liveUsageError(opts, []);
    if (usage) collectCommand.error(`error: ${usage}`, { exitCode: EXIT.usage });
    code = await runCollect(opts, io.stdout, io.stderr);
  });

  program
    .command('expand')
    .description('print the concrete actions each IAM action pattern matches, one per line')
    .argument('<patterns...>', 'action patterns such as "ecr:Batch*" or "s3:Get*Tagging"')
    .option('--count', 'print only the number of matching actions')
    .action((patterns: string[], opts: { count?: boolean }) => {
      const seen = new Set<string>();
      for (const p of patterns) {
        const check = checkActionPattern(p);
        if (!check.ok) {
          io.stderr.write(`rolefit: ${p}: ${check.reason}\n`);
          code = EXIT.usage;
          continue;
        }
        for (const a of expandActionPattern(p)) seen.add(a.full);
      }
      const list = [...seen].sort();
      io.stdout.write(opts.count ? `${list.length}\n` : list.map((a) => a + '\n').join(''));
    });

  const explainCommand = program
    .command('explain')
    .description('say whether a role (or bare policy documents) allows an action on a resource, and which statements decide it')
    .argument('[role]', 'role name, ARN, logical id or Terraform address defined in PATHS')
    .argument('[paths...]', 'files or directories to scan for the role (default: .)')
    .requiredOption('--action <action>', 'one concrete action, e.g. logs:CreateLogStream')
    .option('--resource <arn>', 'the resource ARN (default "*" for actions without a resource type)')
    .option('--policy <file>', 'explain this identity policy document instead of a role (repeatable)', collect)
    .option('--boundary <file>', 'with --policy: the permissions boundary document', collect)
    .option('--context <key=value>', 'a condition key of the request (repeatable; a key given twice is multivalued)', collect)
    .option('--complete-context', 'the request carries exactly the keys given: the others are absent, not unknown')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--color', 'force colored output')
    .option('--no-color', 'disable colored output')
    .option('--config <file>', 'configuration file, for its account, region and partition (default: .rolefit.yaml here or above)')
    .option('--no-config', 'read no configuration file')
    .action(async (role: string | undefined, paths: string[], opts: LiveOptions & { action: string; resource?: string; policy?: string[]; boundary?: string[]; context?: string[]; completeContext?: boolean; format: 'text' | 'json'; config?: string | false }) => {
      const positional = role === undefined ? [] : [role, ...paths];
      const lists = { policy: opts.policy ?? [], boundary: opts.boundary ?? [], context: opts.context ?? [] };
      const usage = liveUsageError(opts, []);
      if (usage) explainCommand.error(`error: ${usage}`, { exitCode: EXIT.usage });
      const settings = scanCommandSettings({ config: opts.config, baseline: false }, io);
      if (!settings) return void (code = EXIT.usage);
      // A live role: only IAM is read (the roles and their policies are all explain needs).
      const live = opts.aws ? await loadLive({ ...opts, iamOnly: true }, io.stderr) : undefined;
      if (live && !live.ok) {
        io.stderr.write(`rolefit: ${live.message}\n`);
        code = EXIT.usage;
        return;
      }
      code = runExplain({ ...opts, ...lists, positional, config: settings.config, loaded: live?.loaded }, io.stdout, io.stderr, colors(shouldColor(io.stdout, colorFlag(argv))));
    });
  liveOptions(explainCommand);

  program
    .command('fix')
    .description('print the least-privilege replacement for each role with excess or missing permissions, in the syntax of its source; --write applies it to CloudFormation templates and JSON policy files')
    .argument('[paths...]', 'files or directories to scan', ['.'])
    .option('--write', 'rewrite CloudFormation templates and JSON policy files in place (only fixes that are certain and verified by a new scan)')
    .option('--config <file>', 'configuration file (default: .rolefit.yaml, .yml or .json here or above, up to the git root)')
    .option('--no-config', 'read no configuration file')
    .option('--baseline <file>', 'leave the findings of this baseline file alone (default: the configuration\'s baseline)')
    .action((paths: string[], opts: { write?: boolean; config?: string | false; baseline?: string }) => {
      // What the configuration, inline suppressions or the baseline accept is not fixed.
      const settings = scanCommandSettings(opts, io);
      if (!settings) return void (code = EXIT.usage);
      code = runFix({ paths, write: opts.write, settings }, io.stdout, io.stderr);
    });

  program
    .command('rules')
    .description('list the rules with their default severity')
    .action(() => {
      for (const meta of RULE_METAS) {
        const scope = meta.needsWorkload ? 'roles used by workloads' : 'every role and policy';
        io.stdout.write(`${meta.id.padEnd(24)} ${meta.severity.padEnd(8)} ${scope.padEnd(24)} ${meta.title}\n`);
      }
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.clean;
      return EXIT.usage;
    }
    io.stderr.write(`rolefit: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    if (process.env.ROLEFIT_DEBUG && e instanceof Error) io.stderr.write(`${e.stack}\n`);
    return EXIT.internal;
  }
  return code;
}

interface ScanFlags {
  format: FormatName;
  output?: OutputSpec[];
  context?: string[];
  failOn: 'error' | 'warning' | 'note' | 'none';
  color?: boolean;
  /** A file, false for --no-config, undefined: search. */
  config?: string | false;
  baseline?: string;
  writeBaseline?: string;
}

/** The configuration and baseline of a scan; undefined (after saying why) when they cannot be read. */
function scanCommandSettings(opts: { config?: string | false; baseline?: string | false; writeBaseline?: string }, io: Io): ScanSettings | undefined {
  try {
    return scanSettings({ cwd: process.cwd(), config: opts.config, baseline: opts.baseline, writingBaseline: opts.writeBaseline !== undefined });
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    io.stderr.write(`rolefit: ${e.loc.file}:${e.loc.line}:${e.loc.column}: ${e.message}\n`);
    return undefined;
  }
}

/** Collects a repeatable option's values. */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Parses a repeatable --output FORMAT=FILE. */
function collectOutput(value: string, previous: OutputSpec[] | undefined): OutputSpec[] {
  try {
    return [...(previous ?? []), parseOutputSpec(value)];
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

function contextWarning(e: InputErrorEntry): string {
  const at = `${e.location.file}:${e.location.line}:${e.location.column}`;
  return `rolefit: warning: ${at}: ${e.message} (a context file, not reported: findings that depend on it may be missing)\n`;
}

/** commander folds --color/--no-color into one boolean that defaults to true; only an explicit flag counts. */
function colorFlag(argv: string[]): boolean | undefined {
  let flag: boolean | undefined;
  for (const a of argv) {
    if (a === '--color') flag = true;
    if (a === '--no-color') flag = false;
  }
  return flag;
}
