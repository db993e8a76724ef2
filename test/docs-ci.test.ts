// docs/ci.md stays true to the code: its mapping tables match the formatters, its workflow and
// configuration snippets parse and use only what the action and the hook define.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ACTION_INPUTS } from '../src/action/inputs.js';
import { SECURITY_SEVERITY } from '../src/report/sarif.js';
import { GITLAB_SEVERITY } from '../src/report/gitlab.js';
import { ANNOTATION_LIMIT } from '../src/report/github.js';
import { REPOSITORY_URL } from '../src/report/links.js';
import { FORMATS } from '../src/report/formats.js';

const repo = join(import.meta.dirname, '..');
const md = readFileSync(join(repo, 'docs', 'ci.md'), 'utf8');
const readme = readFileSync(join(repo, 'README.md'), 'utf8');
const blocks = (lang: string, text = md) => [...text.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);

describe('docs/ci.md', () => {
  it('gives the security-severity and GitLab severity of each rolefit severity', () => {
    for (const [severity, score] of Object.entries(SECURITY_SEVERITY)) expect(md).toMatch(new RegExp(`^ *\\| ${severity} \\| \`${score.replace('.', '\\.')}\` \\|`, 'm'));
    expect(md).toContain(`error → \`${GITLAB_SEVERITY.error}\`, warning → \`${GITLAB_SEVERITY.warning}\`, note → \`${GITLAB_SEVERITY.note}\``);
    expect(md).toContain(`at most ${ANNOTATION_LIMIT} error, ${ANNOTATION_LIMIT} warning and ${ANNOTATION_LIMIT} notice annotations`);
    expect(md).toContain(`${REPOSITORY_URL}/blob/main/docs/rules/<id>.md`);
    for (const f of FORMATS) expect(md).toMatch(new RegExp(`^\\| \`${f}\` \\|`, 'm'));
  });

  it('lists every action input', () => {
    for (const name of ACTION_INPUTS) expect(md).toMatch(new RegExp(`^\\| \`${name}\` \\|`, 'm'));
  });

  it('points to the README, which has a complete workflow that uploads the SARIF with the permissions it needs', () => {
    expect(md).toContain('(../README.md#github-actions)');
    const workflow = blocks('yaml', readme).map((b) => parse(b)).find((y) => y?.jobs);
    const job = workflow.jobs.rolefit;
    expect(job.permissions).toMatchObject({ contents: 'read', 'security-events': 'write' });
    const rolefit = job.steps.find((s: { id?: string }) => s.id === 'rolefit');
    expect(Object.keys(rolefit.with).every((k) => (ACTION_INPUTS as readonly string[]).includes(k))).toBe(true);
    expect(rolefit.uses).toMatch(new RegExp(`^${REPOSITORY_URL.replace('https://github.com/', '')}@`));
    const upload = job.steps.find((s: { uses?: string }) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
    expect(upload.uses).toBe('github/codeql-action/upload-sarif@v4');
    expect(upload.with.sarif_file).toBe(rolefit.with['sarif-file']);
    expect(upload.if).toContain('!cancelled()');
  });

  it('configures the pre-commit hook and lint-staged as they are defined', () => {
    const config = blocks('yaml').map((b) => parse(b)).find((y) => y?.repos);
    expect(config.repos[0].repo).toBe(REPOSITORY_URL);
    expect(config.repos[0].hooks[0].id).toBe(parse(readFileSync(join(repo, '.pre-commit-hooks.yaml'), 'utf8'))[0].id);
    const lintStaged = JSON.parse(blocks('json')[0])['lint-staged'];
    expect(Object.values(lintStaged)).toEqual(['rolefit scan --context .']);
  });
});
