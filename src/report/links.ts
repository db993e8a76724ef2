// Where rolefit's documentation lives on the web, for outputs read outside a checkout of rolefit
// (SARIF helpUri, GitHub annotations and job summaries, GitLab and JUnit reports). One constant:
// package.json has no `repository` field to read it from, and a formatter should not read files.
export const REPOSITORY_URL = 'https://github.com/rolefit/rolefit';

/** The page of a rule: docs/rules/<id>.md on the default branch. */
export function ruleDocUrl(rule: string): string {
  return `${REPOSITORY_URL}/blob/main/docs/rules/${encodeURIComponent(rule)}.md`;
}

/** What an unreadable input means and how the exit code reflects it. */
export const INPUT_ERROR_DOC_URL = `${REPOSITORY_URL}/blob/main/README.md#exit-codes`;

/** The id outputs that need one (SARIF, GitLab, JUnit) give to input that could not be read. */
export const INPUT_ERROR_ID = 'input-error';
