// The report: the stable JSON contract (policies/schema/report.schema.json) that every output
// format renders. Reporters only format it; they compute nothing.
import type { Severity } from '../model.js';

export interface FindingLocation {
  file: string;
  line: number;
  column: number;
}

export interface RoleIdentity {
  name: string;
  arn: string;
  id: string;
}

export interface Finding {
  rule: string;
  severity: Severity;
  message: string;
  /** The role the finding is about; null for findings on a policy file or a workload without role. */
  role: RoleIdentity | null;
  /** Ids of the workloads (task definitions) involved. */
  workloads: string[];
  /** Concrete actions in catalog casing, sorted, at most 1000. */
  actions: string[];
  actionCount: number;
  resources: string[];
  location: FindingLocation;
  /**
   * Stable identity of the finding across edits: rule, file, role and what the finding is about,
   * never line numbers (baselines and SARIF partialFingerprints use it).
   */
  fingerprint: string;
  /** Set on findings that a suppression or a baseline entry silenced (listed in Report.suppressed). */
  suppression?: Suppression;
}

export interface Suppression {
  kind: 'inline' | 'config' | 'baseline';
  reason: string;
  /** YYYY-MM-DD, when the suppression expires. */
  expires?: string;
  /** Where the suppression is written (comment, metadata, config entry). */
  location?: FindingLocation;
}

export interface NeedEntry {
  action: string;
  resource: string;
  reason: string;
  location: FindingLocation;
  optional?: boolean;
}

export interface PolicyDocumentJson {
  Version: string;
  Statement: Array<{ Sid?: string; Effect: 'Allow'; Action: string | string[]; Resource: string | string[]; Condition?: Record<string, Record<string, string | string[]>> }>;
}

export type RoleKind = 'execution-role' | 'task-role' | 'execution-and-task-role' | 'pod-execution-role' | 'unused';

export interface RoleReport extends RoleIdentity {
  kind: RoleKind;
  workloads: string[];
  location: FindingLocation;
  needs: NeedEntry[];
  /** Why the analysis of this role is incomplete (unresolved policies, unknown values); empty when complete. */
  incomplete: string[];
  /**
   * The least-privilege policy that would fit its workloads (execution roles only). For a role that
   * is also a task role it is only what the agent needs: the application's permissions come on top.
   */
  suggestedPolicy: PolicyDocumentJson | null;
  /** Running ECS services whose task definitions use the role (live scans and collected inventories only). */
  services?: string[];
}

export interface Summary {
  files: number;
  roles: number;
  workloads: number;
  findings: number;
  errors: number;
  warnings: number;
  notes: number;
  /** Files that could not be read (exit code 2). */
  inputErrors: number;
  /** True when some input could not be read or analysed, so the result is partial. */
  partial: boolean;
}

export interface InputErrorEntry {
  message: string;
  location: FindingLocation;
}

export interface Report {
  tool: { name: 'rolefit'; version: string };
  findings: Finding[];
  /** Findings silenced by suppressions or a baseline (not counted in the summary, not failing the run). */
  suppressed: Finding[];
  /** Input that could not be read (exit code 2); the rest of the scan went on. */
  errors: InputErrorEntry[];
  roles: RoleReport[];
  summary: Summary;
}
