// SARIF 2.1.0 for GitHub code scanning (github/codeql-action/upload-sarif) and other SARIF viewers.
//
// - tool.driver.rules: every rule of RULE_METAS (plus `input-error` when some input could not be read),
//   with the fields code scanning requires and `security-severity` per default severity
//   (SECURITY_SEVERITY).
// - results: the findings, then the suppressed findings with `suppressions` (inline comments and
//   CloudFormation metadata are "inSource"; config entries and baselines "external"), then one
//   `input-error` result per unreadable file so that it shows in code scanning and on the pull
//   request like a finding. Unreadable input is also a tool execution notification and marks the
//   invocation unsuccessful, which code scanning shows on its tool status page.
// - Locations are relative to the scan's working directory (the repository root in CI), with
//   uriBaseId %SRCROOT%; columns count UTF-16 code units, as the parsers do. Findings of a live scan
//   are at ARNs, not in files: a logical location (fullyQualifiedName = the ARN) instead.
// - partialFingerprints carries our own key (rolefit/v1: the finding's fingerprint, which never
//   depends on line numbers). primaryLocationLineHash is left to the upload step, which computes it.
import type { Severity } from '../model.js';
import { RULE_METAS } from '../rules/index.js';
import type { RuleMeta } from '../rules/rule.js';
import { INPUT_ERROR_DOC_URL, INPUT_ERROR_ID, REPOSITORY_URL, ruleDocUrl } from './links.js';
import type { Finding, FindingLocation, InputErrorEntry, Report, Suppression } from './types.js';
import { isArnLocation } from './words.js';

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
/** The partialFingerprints key: bump the version if Finding.fingerprint ever changes meaning. */
export const FINGERPRINT_KEY = 'rolefit/v1';
/**
 * GitHub ranks security alerts by `security-severity` (9.0+ critical, 7.0–8.9 high, 4.0–6.9 medium,
 * below 4.0 low). A rule's default severity maps to: error → high, warning → medium, note → low.
 * No rolefit finding is critical on its own: each needs the role's credentials to be abused.
 */
export const SECURITY_SEVERITY: Record<Severity, string> = { error: '8.0', warning: '5.0', note: '2.0' };
/** Code scanning truncates descriptions beyond this. */
const MAX_DESCRIPTION = 1024;

const INPUT_ERROR_META = {
  id: INPUT_ERROR_ID,
  title: 'Input that could not be read',
  description:
    'A file given to the scan could not be read or parsed (invalid JSON or YAML, not UTF-8, too large, missing). ' +
    'The rest of the scan went on, but findings that depend on the file are missing; rolefit exits with code 2.',
  help: 'Fix the syntax error at the location given, or exclude the file from the scan.',
};

type Json = Record<string, unknown>;

export function formatSarif(report: Report): string {
  const metas = RULE_METAS;
  const index = new Map(metas.map((m, i) => [m.id, i]));
  const rules: Json[] = metas.map(ruleDescriptor);
  // A finding of a rule outside RULE_METAS: described from its id alone.
  const ruleIndex = (id: string): number => {
    let i = index.get(id);
    if (i === undefined) {
      i = rules.length;
      index.set(id, i);
      rules.push(id === INPUT_ERROR_ID ? inputErrorDescriptor() : uncataloguedDescriptor(id));
    }
    return i;
  };
  const results: Json[] = [
    ...report.findings.map((f) => result(f, ruleIndex(f.rule))),
    ...report.suppressed.map((f) => ({ ...result(f, ruleIndex(f.rule)), suppressions: [suppression(f.suppression)] })),
    ...report.errors.map((e) => inputErrorResult(e, ruleIndex(INPUT_ERROR_ID))),
  ];
  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            semanticVersion: report.tool.version,
            informationUri: REPOSITORY_URL,
            rules,
          },
        },
        invocations: [
          {
            executionSuccessful: report.errors.length === 0,
            toolExecutionNotifications: report.errors.map((e) => ({
              level: 'error',
              message: { text: `${e.location.file}: ${e.message}` },
              locations: [physicalLocation(e.location)],
            })),
          },
        ],
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

function ruleDescriptor(m: Pick<RuleMeta, 'id' | 'title' | 'severity' | 'description' | 'help'>): Json {
  const url = ruleDocUrl(m.id);
  return {
    id: m.id,
    name: pascalCase(m.id),
    shortDescription: { text: m.title },
    fullDescription: { text: clip(m.description, MAX_DESCRIPTION) },
    help: {
      text: `${m.description}\n\nHow to fix: ${m.help}\n\nDocumentation: ${url}`,
      markdown: `**${m.title}**\n\n${m.description}\n\n**How to fix:** ${m.help}\n\n[Rule documentation](${url})`,
    },
    helpUri: url,
    defaultConfiguration: { level: m.severity },
    properties: { tags: ['security', 'iam', 'aws'], 'security-severity': SECURITY_SEVERITY[m.severity] },
  };
}

/** Not a security rule: code scanning files it under its problem severity, not security-severity. */
function inputErrorDescriptor(): Json {
  const m = INPUT_ERROR_META;
  return {
    id: m.id,
    name: pascalCase(m.id),
    shortDescription: { text: m.title },
    fullDescription: { text: m.description },
    help: { text: `${m.description}\n\n${m.help}`, markdown: `**${m.title}**\n\n${m.description}\n\n${m.help}\n\n[Exit codes](${INPUT_ERROR_DOC_URL})` },
    helpUri: INPUT_ERROR_DOC_URL,
    defaultConfiguration: { level: 'error' },
    properties: { tags: ['correctness'], problem: { severity: 'error' } },
  };
}

/** No metadata to rate it by: not filed as a security rule, its results keep their own level. */
function uncataloguedDescriptor(id: string): Json {
  const url = ruleDocUrl(id);
  const text = `Findings of the rolefit rule ${id}; see ${url}.`;
  return { id, name: pascalCase(id), shortDescription: { text: `rolefit ${id}` }, fullDescription: { text }, help: { text, markdown: `[${id}](${url})` }, helpUri: url };
}

function result(f: Finding, ruleIndex: number): Json {
  return {
    ruleId: f.rule,
    ruleIndex,
    level: f.severity,
    message: { text: f.message },
    locations: [physicalLocation(f.location)],
    partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
    properties: {
      ...(f.role ? { role: f.role } : {}),
      workloads: f.workloads,
      actions: f.actions,
      actionCount: f.actionCount,
      resources: f.resources,
    },
  };
}

function inputErrorResult(e: InputErrorEntry, ruleIndex: number): Json {
  return { ruleId: INPUT_ERROR_ID, ruleIndex, level: 'error', message: { text: e.message }, locations: [physicalLocation(e.location)] };
}

function suppression(s: Suppression | undefined): Json {
  // A finding in Report.suppressed always carries its suppression; without one it was silenced by
  // something outside the file.
  if (!s) return { kind: 'external', status: 'accepted' };
  return {
    kind: s.kind === 'inline' ? 'inSource' : 'external',
    status: 'accepted',
    justification: s.reason,
    ...(s.location ? { location: physicalLocation(s.location) } : {}),
    properties: { rolefitKind: s.kind, ...(s.expires ? { expires: s.expires } : {}) },
  };
}

/** A file location; a live one (an ARN, no file of the repository) as a logical location. */
function physicalLocation(loc: FindingLocation): Json {
  if (isArnLocation(loc)) return { logicalLocations: [logicalLocation(loc.file)] };
  return {
    physicalLocation: {
      artifactLocation: { uri: fileUri(loc.file), uriBaseId: '%SRCROOT%' },
      region: { startLine: loc.line, startColumn: loc.column },
    },
  };
}

/** An AWS resource by its ARN; its name is what follows the resource type (`role/`, `task-definition/`). */
function logicalLocation(arn: string): Json {
  const resource = arn.split(':').slice(5).join(':');
  const slash = resource.indexOf('/');
  return { fullyQualifiedName: arn, name: slash < 0 ? resource : resource.slice(slash + 1), kind: 'resource' };
}

/** A relative path as a URI reference: each segment percent-encoded (spaces, `#`, `%`, `:`). */
export function fileUri(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

function pascalCase(id: string): string {
  return id.replace(/(^|-)([a-z0-9])/g, (_, _dash, c: string) => c.toUpperCase());
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max - 1) + '…';
}
