// The rules of the suppression stage. Their findings are not checks over the analysis: the stage
// raises them while it applies inline suppressions, config ignore entries and the baseline
// (src/suppress/index.ts). They have metadata like every rule, for `rolefit rules`, the docs and SARIF.
import type { RuleMeta } from '../rules/rule.js';

export const invalidSuppression: RuleMeta = {
  id: 'invalid-suppression',
  title: 'Suppression without a reason, or that cannot be read',
  severity: 'error',
  description:
    'A `rolefit:ignore` comment, a CloudFormation `Metadata.rolefit.ignore` entry or a `rolefit.dev/ignore` annotation that gives no reason, names an unknown rule, has an expiry that is not a date, or cannot be parsed. It suppresses nothing: a suppression must say why, so that the next reader can judge whether it still holds.',
  help: 'Write the rule id and a reason, e.g. `# rolefit:ignore excess-action reason="agent sidecar pulls from this repository" until=2026-12-31`.',
  needsWorkload: false,
};

export const expiredSuppression: RuleMeta = {
  id: 'expired-suppression',
  title: 'Suppression past its expiry date',
  severity: 'warning',
  description:
    'A suppression (inline comment, CloudFormation metadata, Kubernetes annotation or config `ignore` entry) whose `until`/`expires` date has passed. It no longer suppresses anything: the findings it covered are reported again.',
  help: 'Fix what the suppression covered and remove it, or, if it still holds, give it a later date and say why.',
  needsWorkload: false,
};

export const staleBaseline: RuleMeta = {
  id: 'stale-baseline',
  title: 'Baseline entry that matches no finding',
  severity: 'note',
  description:
    'An entry of the baseline file (`--baseline`) that no current finding matches: the problem it recorded was fixed, or the file, role or statement it was about changed. Stale entries would silently accept the same finding if it came back.',
  help: 'Write the baseline again (`rolefit scan --baseline FILE --write-baseline FILE`) or delete the entry.',
  needsWorkload: false,
};

export const SUPPRESSION_RULES: RuleMeta[] = [invalidSuppression, expiredSuppression, staleBaseline];
