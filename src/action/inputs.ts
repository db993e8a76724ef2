// The GitHub Action's inputs (action.yml) as `rolefit scan` arguments. GitHub passes input NAME
// as the environment variable INPUT_<NAME upper-cased, spaces as _> (hyphens stay).
export const ACTION_INPUTS = ['paths', 'format', 'fail-on', 'config', 'baseline', 'sarif-file'] as const;
export type ActionInput = (typeof ACTION_INPUTS)[number];

export function input(env: NodeJS.ProcessEnv, name: ActionInput): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/** `paths`: one per line, or several on a line separated by blanks (a path with blanks: its own line). */
export function splitPaths(value: string): string[] {
  const lines = value.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  if (lines.length === 1) return lines[0].split(/\s+/);
  return lines;
}

/** The scan's arguments; the paths come after `--`, so that none is taken for an option. */
export function actionArgs(env: NodeJS.ProcessEnv): string[] {
  const args = ['scan', '--format', input(env, 'format') || 'github'];
  // Only when given: --fail-on overrides the configuration's fail-on, which otherwise decides.
  if (input(env, 'fail-on')) args.push('--fail-on', input(env, 'fail-on'));
  if (input(env, 'config')) args.push('--config', input(env, 'config'));
  if (input(env, 'baseline')) args.push('--baseline', input(env, 'baseline'));
  if (input(env, 'sarif-file')) args.push('--output', `sarif=${input(env, 'sarif-file')}`);
  const paths = splitPaths(input(env, 'paths'));
  return [...args, '--', ...(paths.length ? paths : ['.'])];
}
