// The text format and the plain lines of the github format show what the scanned files hold: the
// terminal or the log must show control characters, not obey them.
import { describe, expect, it } from 'vitest';
import { formatText } from '../src/report/text.js';
import { formatGithub } from '../src/report/github.js';
import { colors } from '../src/report/color.js';
import { finding, inputError, report } from './helpers/report.js';

// A role name from a crafted template: a bell, an escape sequence that clears the screen, a bidi override.
const HOSTILE = 'role bad\u0007\u001b[2J\u001b]0;pwned\u0007\u202Eevil grants it';
const SHOWN = 'role bad\\u0007\\u001b[2J\\u001b]0;pwned\\u0007\\u202eevil grants it';

describe('control characters in scanned text', () => {
  it('are shown escaped in the text format, while its own colors stay', () => {
    const r = report([finding({ message: HOSTILE, location: { file: 'infra/\u001b[31mx.yaml', line: 1, column: 1 } })], { errors: [inputError('a\u0007.json', 'invalid JSON near \u009b31m')] });
    const plain = formatText(r, colors(false));
    expect(plain).toContain(SHOWN);
    expect(plain).toContain('infra/\\u001b[31mx.yaml');
    expect(plain).toContain('a\\u0007.json:3:5: input error: invalid JSON near \\u009b31m');
    expect(plain).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    const colored = formatText(r, colors(true));
    expect(colored).toContain('\u001b[');
    expect(colored.replace(/\u001b\[\d+m/g, '')).toBe(plain);
  });

  it('are shown escaped in the plain lines of the github format', () => {
    const out = formatGithub(report([finding({ message: HOSTILE })]));
    expect(out).toContain(`: error: ${SHOWN} [excess-action]`);
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  });
});

describe('least-privilege policies in the text format', () => {
  it('are printed for the roles with findings only, when two templates use the same logical id', () => {
    const policy = (sid: string) => ({ Version: '2012-10-17' as const, Statement: [{ Sid: sid, Effect: 'Allow' as const, Action: 'ecr:GetAuthorizationToken', Resource: '*' }] });
    const role = (name: string, file: string, sid: string) => ({
      name,
      arn: `arn:aws:iam::111122223333:role/${name}`,
      id: 'ExecutionRole',
      kind: 'execution-role' as const,
      workloads: [],
      location: { file, line: 3, column: 3 },
      needs: [],
      incomplete: [],
      suggestedPolicy: policy(sid),
    });
    const billing = role('billing-execution', 'billing.yaml', 'Billing');
    const worker = role('worker-execution', 'worker.yaml', 'Worker');
    const r = { ...report([finding({ role: { name: worker.name, arn: worker.arn, id: worker.id }, location: { file: 'worker.yaml', line: 9, column: 5 } })]), roles: [billing, worker] };
    const text = formatText(r, colors(false));
    expect(text).toContain('Least-privilege policy for execution role worker-execution (worker.yaml:3)');
    expect(text).not.toContain('billing-execution');
  });
});
