// The fix of a Terraform role as a `data "aws_iam_policy_document"` block. Tokens that name a
// Terraform expression (`data.aws_caller_identity.current.account_id`, `var.x`, `aws_kms_key.k.arn`)
// are interpolated; IAM policy variables are written `&{aws:…}` as the data source wants; any
// other token cannot be written back and is refused with the reason.
import { TOKEN_CLOSE, TOKEN_OPEN } from '../model.js';
import type { PolicyDocumentJson } from '../report/types.js';
import { TokenError } from './cfn-value.js';

/** A Terraform reference: resource/data attribute, variable, local or module output. */
const REFERENCE = /^(data\.)?[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*|\[\d+\]|\["[^"\\]*"\])+$/;

/** A Terraform string literal for `s`, tokens interpolated. Throws TokenError. */
export function hclString(s: string): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const open = s.indexOf(TOKEN_OPEN, i);
    const literal = s.slice(i, open < 0 ? s.length : open);
    out += JSON.stringify(literal)
      .slice(1, -1)
      .replace(/\$\{/g, '&{') // IAM policy variables: the data source's own syntax
      .replace(/%\{/g, '%%{');
    if (open < 0) break;
    const close = s.indexOf(TOKEN_CLOSE, open);
    const name = s.slice(open + 1, close).replace(/@[^@]*$/, '');
    if (!REFERENCE.test(name) || name.includes('::')) throw new TokenError(`\${${name}} cannot be written back as a Terraform expression`);
    out += '${' + name + '}';
    i = close + 1;
  }
  return '"' + out + '"';
}

function list(values: string | string[]): string {
  const all = Array.isArray(values) ? values : [values];
  return '[' + all.map(hclString).join(', ') + ']';
}

/** `aws_iam_role.execution` → `execution_least_privilege`. */
export function dataSourceName(roleId: string): string {
  const last = roleId.replace(/\[.*\]$/, '').split('.').pop() ?? 'role';
  return (last.replace(/[^A-Za-z0-9_]/g, '_').replace(/^[^A-Za-z_]/, '_$&') || 'role') + '_least_privilege';
}

/** The document as an `aws_iam_policy_document` data source. Throws TokenError. */
export function policyDocumentHcl(doc: PolicyDocumentJson, name: string): string {
  const out = [`data "aws_iam_policy_document" "${name}" {`];
  for (const s of doc.Statement) {
    out.push('  statement {');
    if (s.Sid) out.push(`    sid       = ${hclString(s.Sid)}`);
    out.push(`    effect    = "${s.Effect}"`);
    out.push(`    actions   = ${list(s.Action)}`);
    out.push(`    resources = ${list(s.Resource)}`);
    for (const [test, keys] of Object.entries(s.Condition ?? {})) {
      for (const [variable, values] of Object.entries(keys)) {
        out.push('    condition {', `      test     = ${hclString(test)}`, `      variable = ${hclString(variable)}`, `      values   = ${list(values)}`, '    }');
      }
    }
    out.push('  }');
  }
  out.push('}');
  return out.join('\n');
}
