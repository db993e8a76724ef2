// Fluent Bit's classic configuration format, as EKS Fargate's log router reads it from the
// `aws-logging` ConfigMap (domain.md §2.4): `[OUTPUT]` headers, then `Key Value` lines; keys are
// case-insensitive. Only the outputs matter for the pod execution role.
import type { Diagnostic, FluentBitOutput, Loc } from '../model.js';

/** The output plugins the Fargate log router supports. */
export const FARGATE_OUTPUTS = new Set(['cloudwatch_logs', 'cloudwatch', 'firehose', 'kinesis_firehose', 'kinesis', 'es']);

export function parseFluentBitOutputs(text: string, start: Loc): { outputs: FluentBitOutput[]; diagnostics: Diagnostic[] } {
  const outputs: FluentBitOutput[] = [];
  const diagnostics: Diagnostic[] = [];
  let current: FluentBitOutput | undefined;
  let section = '';
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    const indent = line.length - line.trimStart().length;
    const trimmed = line.trim();
    const loc: Loc = { file: start.file, line: start.line + i, column: start.column + indent };
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const header = /^\[([A-Za-z_]+)\]$/.exec(trimmed);
    if (header) {
      section = header[1].toUpperCase();
      current = section === 'OUTPUT' ? { plugin: '', options: {}, loc } : undefined;
      if (current) outputs.push(current);
      return;
    }
    if (!current) return;
    const m = /^(\S+)\s+(.*)$/.exec(trimmed);
    if (!m) return;
    const key = m[1].toLowerCase();
    const value = m[2].trim();
    current.options[key] = { value, loc: { ...loc, column: loc.column + line.trimStart().indexOf(m[2]) } };
    if (key === 'name') current.plugin = value.toLowerCase();
  });
  for (const o of outputs) {
    if (o.plugin === '') {
      diagnostics.push({ rule: 'invalid-input', severity: 'error', message: 'an [OUTPUT] section of the aws-logging ConfigMap has no Name: Fluent Bit rejects it', loc: o.loc });
    } else if (!FARGATE_OUTPUTS.has(o.plugin)) {
      diagnostics.push({
        rule: 'invalid-input',
        severity: 'warning',
        message: `output plugin "${o.plugin}" is not supported by the EKS Fargate log router (supported: ${[...FARGATE_OUTPUTS].join(', ')})`,
        loc: o.options.name?.loc ?? o.loc,
      });
    }
  }
  return { outputs, diagnostics };
}
