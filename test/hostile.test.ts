// Hostile and broken input: rolefit refuses it with a message and a place, never a stack trace,
// never a hang, and goes on with the rest of the scan.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scan } from '../src/scan.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolefit-hostile-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function scanFile(name: string, content: string | Buffer) {
  const sub = mkdtempSync(join(dir, 'case-'));
  writeFileSync(join(sub, name), content);
  return scan({ paths: ['.'], cwd: sub });
}

describe('hostile input', () => {
  it('refuses a YAML alias bomb', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    lines.push('Resources: {}');
    const r = scanFile('bomb.yaml', lines.join('\n') + '\n');
    expect(r.errors).toEqual([{ message: expect.stringContaining('alias'), location: expect.objectContaining({ file: 'bomb.yaml' }) }]);
  });

  it('refuses documents nested deeper than it reads', () => {
    const r = scanFile('deep.yaml', 'a:\n' + Array.from({ length: 300 }, (_, i) => ' '.repeat(2 * (i + 1)) + 'b:').join('\n') + ' 1\n');
    expect(r.errors[0].message).toMatch(/nested deeper/);
    const j = scanFile('deep.json', '['.repeat(100000) + ']'.repeat(100000));
    expect(j.errors).toHaveLength(1);
    expect(j.errors[0].location.file).toBe('deep.json');
  });

  it('says where invalid UTF-8 starts', () => {
    const r = scanFile('latin1.json', Buffer.concat([Buffer.from('{\n  "Version": "2012-10-17",\n  "Sid": "caf'), Buffer.from([0xe9]), Buffer.from('"\n}\n')]));
    expect(r.errors).toEqual([{ message: 'file is not valid UTF-8 text', location: { file: 'latin1.json', line: 3, column: 14 } }]);
  });

  it('follows no symlink loop and reads each file once', () => {
    const sub = mkdtempSync(join(dir, 'loop-'));
    mkdirSync(join(sub, 'a'));
    writeFileSync(join(sub, 'a', 'policy.json'), '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}]}');
    symlinkSync('..', join(sub, 'a', 'up'));
    symlinkSync(join(sub, 'a', 'policy.json'), join(sub, 'same-policy.json'));
    const r = scan({ paths: ['.'], cwd: sub });
    expect(r.errors).toEqual([]);
    expect(r.summary.files).toBe(1);
    expect(r.findings.map((f) => f.rule)).toEqual(['privilege-escalation']);
  });

  it('reports an unreadable file and still scans the others', () => {
    const sub = mkdtempSync(join(dir, 'mixed-'));
    writeFileSync(join(sub, 'broken.json'), '{"Version": ');
    writeFileSync(join(sub, 'ok.json'), '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}]}');
    const r = scan({ paths: ['.'], cwd: sub });
    expect(r.errors.map((e) => e.location.file)).toEqual(['broken.json']);
    expect(r.findings.map((f) => f.location.file)).toEqual(['ok.json']);
    expect(r.summary.partial).toBe(true);
  });

  it('ignores files no reader recognises (package.json, other YAML)', () => {
    const sub = mkdtempSync(join(dir, 'other-'));
    writeFileSync(join(sub, 'package.json'), '{"name":"x","version":"1.0.0"}');
    writeFileSync(join(sub, 'compose.yaml'), 'services:\n  web:\n    image: nginx\n');
    const r = scan({ paths: ['.'], cwd: sub });
    expect(r).toMatchObject({ errors: [], findings: [], summary: { files: 0 } });
  });
});
