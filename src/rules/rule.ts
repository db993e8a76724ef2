// What every rule is: metadata (shown in docs, SARIF and --help) and one pure check over the
// analysis. Rules only read; they never evaluate IAM or touch files.
import type { Analysis, RoleAnalysis } from '../analyze.js';
import type { Inventory, Loc, Severity } from '../model.js';
import type { Linked } from '../link/roles.js';

export interface RuleMeta {
  id: string;
  title: string;
  /** Default severity; a check may lower or raise it per finding where the metadata says so. */
  severity: Severity;
  description: string;
  /** How to fix, in a sentence or two. */
  help: string;
  /** Rules that need a workload apply only to roles some workload uses. */
  needsWorkload: boolean;
}

/** A finding before it is turned into the report's form (paths relative, role identity filled). */
export interface RawFinding {
  rule: string;
  severity: Severity;
  message: string;
  role?: RoleAnalysis;
  workloads?: string[];
  actions?: string[];
  resources?: string[];
  loc: Loc;
}

export interface RuleContext {
  inventory: Inventory;
  linked: Linked;
  analysis: Analysis;
}

export interface Rule {
  meta: RuleMeta;
  check(ctx: RuleContext): RawFinding[];
}
