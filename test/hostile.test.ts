// Hostile and broken input: rolefit refuses it with a message and a place, never a stack trace,
// never a hang, and goes on with the rest of the scan.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, ftruncateSync, mkdtempSync, mkdirSync, openSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scan } from '../src/scan.js';
import { estimateMemory, MAX_FILE_BYTES, MAX_YAML_BYTES, memoryLimit } from '../src/sources/index.js';
import { parsePolicy } from '../src/iam/policy.js';
import { fromPlain } from '../src/sources/nodes.js';
import type { PolicyKind } from '../src/model.js';

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

  it('does not walk into a Python virtual environment (pyvenv.cfg), unless it is the path given', () => {
    const sub = mkdtempSync(join(dir, 'venv-'));
    mkdirSync(join(sub, 'tools', 'lib'), { recursive: true });
    writeFileSync(join(sub, 'tools', 'pyvenv.cfg'), 'home = /usr/bin\n');
    writeFileSync(join(sub, 'tools', 'lib', 'policy.json'), '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}]}');
    expect(scan({ paths: ['.'], cwd: sub }).summary.files).toBe(0);
    expect(scan({ paths: ['tools'], cwd: sub }).summary.files).toBe(1);
  });
});

const PASS_ROLE = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}]}';

/** A directory with `ok.json` (one privilege-escalation finding) and whatever `setup` adds. */
function scanWith(setup: (sub: string) => void, paths: string[] = ['.']) {
  const sub = mkdtempSync(join(dir, 'with-'));
  writeFileSync(join(sub, 'ok.json'), PASS_ROLE);
  setup(sub);
  return scan({ paths, cwd: sub });
}

const at1 = (file: string) => ({ file, line: 1, column: 1 });

describe('hostile input: size and memory', () => {
  it('refuses a file of hundreds of megabytes by its size, without reading it, and scans the rest', () => {
    const r = scanWith((sub) => {
      // Sparse: 300 MB on paper, nothing on disk, created at once.
      const fd = openSync(join(sub, 'huge.json'), 'w');
      ftruncateSync(fd, 300 * 1024 * 1024);
      closeSync(fd);
    });
    expect(r.errors).toEqual([
      { message: 'file is 314,572,800 bytes, over the limit of 268,435,456 bytes (256 MiB); refused', location: at1('huge.json') },
    ]);
    expect(r.findings.map((f) => [f.rule, f.location.file])).toEqual([['privilege-escalation', 'ok.json']]);
    expect(r.summary).toMatchObject({ files: 1, inputErrors: 1, partial: true });
  });

  it('reads a stream to its end, but never more than the size limit', () => {
    if (!existsSync('/dev/zero')) return;
    const r = scanWith(() => {}, ['/dev/zero', 'ok.json']);
    expect(r.errors).toEqual([{ message: `input has more than the limit of ${MAX_FILE_BYTES.toLocaleString('en-US')} bytes (256 MiB); refused`, location: expect.objectContaining({ line: 1, column: 1 }) }]);
    expect(r.findings).toHaveLength(1);
  });

  it('reads a named pipe given on the command line (process substitution)', async () => {
    const sub = mkdtempSync(join(dir, 'fifo-'));
    if (spawnSync('mkfifo', [join(sub, 'policy.json')]).status !== 0) return;
    const writer = spawn('sh', ['-c', `printf '%s' '${PASS_ROLE}' > policy.json`], { cwd: sub });
    const done = new Promise((resolve) => writer.on('exit', resolve));
    const r = scan({ paths: ['policy.json'], cwd: sub });
    await done;
    expect(r.errors).toEqual([]);
    expect(r.findings.map((f) => [f.rule, f.location.file])).toEqual([['privilege-escalation', 'policy.json']]);
  });

  it('skips pipes and devices met while walking a directory (no hang, no endless read)', () => {
    const r = scanWith((sub) => {
      spawnSync('mkfifo', [join(sub, 'blocked.json')]);
      if (existsSync('/dev/zero')) symlinkSync('/dev/zero', join(sub, 'zero.json'));
    });
    expect(r.errors).toEqual([]);
    expect(r.summary.files).toBe(1);
  });

  it('reports a file that cannot be read instead of failing', () => {
    if (!existsSync('/proc/self/mem')) return;
    const r = scanWith(() => {}, ['/proc/self/mem', 'ok.json']);
    expect(r.errors).toEqual([{ message: expect.stringMatching(/^cannot read file: EIO/), location: expect.objectContaining({ line: 1, column: 1 }) }]);
    expect(r.findings).toHaveLength(1);
  });

  it('reads YAML of exactly the YAML limit, refuses one byte more', () => {
    const yaml = (size: number) => Buffer.concat([Buffer.from('# '), Buffer.alloc(size - 3, 'x'), Buffer.from('\n')]);
    const atLimit = scanWith((sub) => writeFileSync(join(sub, 'big.yaml'), yaml(MAX_YAML_BYTES)));
    expect(atLimit.errors).toEqual([]);
    const over = scanWith((sub) => writeFileSync(join(sub, 'big.yaml'), yaml(MAX_YAML_BYTES + 1)));
    expect(over.errors).toEqual([
      { message: 'YAML file is 33,554,433 bytes, over the limit of 33,554,432 bytes (32 MiB); refused', location: at1('big.yaml') },
    ]);
    expect(over.findings).toHaveLength(1);
  });

  it('refuses, with the reason, a file whose values would not fit in memory', () => {
    // `[0,0,…]`: two bytes per value, about 250 heap bytes each once read. Sized from this
    // process's own limit so the refusal is certain whatever the heap.
    const n = Math.ceil(memoryLimit() / 480) + 1;
    const r = scanWith((sub) => writeFileSync(join(sub, 'dense.json'), '[' + '0,'.repeat(n - 1) + '0]'));
    expect(r.errors).toEqual([
      {
        message: expect.stringMatching(/^reading this file needs about [\d,]+ MiB of memory \([\d,]+ JSON values\), more than the [\d,]+ MiB one file may take; refused/),
        location: at1('dense.json'),
      },
    ]);
    expect(r.findings).toHaveLength(1);
    // YAML values cost more: a tenth as many flow items are refused too.
    const m = Math.ceil(memoryLimit() / 1280) + 1;
    const y = scanWith((sub) => writeFileSync(join(sub, 'dense.yaml'), 'a: [' + '0,'.repeat(m - 1) + '0]\n'));
    expect(y.errors).toEqual([{ message: expect.stringMatching(/\([\d,]+ YAML values\)/), location: at1('dense.yaml') }]);
  });

  it('estimates what a text costs from what it holds', () => {
    // Separators in strings and escaped quotes do not count; the longest blank run does.
    const json = '{"a,b:[{": [1, 2],\n  "c\\",d": "x\\ny",     "e": {}}';
    const e = estimateMemory(json, 'json');
    // { : [ , , : , : {  → 9, plus 1
    expect(e).toMatchObject({ values: 10, lines: 1, escapes: 2, longestBlank: 5 });
    expect(e.bytes).toBe(10 * 480 + 1 * 32 + 2 * 48 + 5 * 48 + json.length * 3);
    // YAML: lines, flow separators and key colons, wherever they are.
    expect(estimateMemory('a: [1, 2]\nb: {c: "d,e"}\n', 'yaml')).toMatchObject({ values: 1 + 2 + 1 + 1 + 1 + 2 + 1 + 1, lines: 2 });
  });

  it('refuses an alias that expands a large anchor many times', () => {
    const lines = [`big: &big [${Array(2000).fill('x').join(', ')}]`, 'copies:'];
    for (let i = 0; i < 100; i++) lines.push('  - *big');
    const r = scanFile('expand.yaml', lines.join('\n') + '\n');
    // Each copy is 2,001 values: the 50th (line 52) passes 100,000. Far below the alias count limit.
    expect(r.errors).toEqual([
      { message: 'YAML aliases expand to more than 100,000 values: refused (possible alias bomb)', location: { file: 'expand.yaml', line: 52, column: 5 } },
    ]);
  });

  it('reads a YAML map of 100,000 keys in linear time, and still refuses a duplicate key', () => {
    const keys = Array.from({ length: 100_000 }, (_, i) => `  k${i}: v`);
    const r = scanFile('wide.yaml', 'Tags:\n' + keys.join('\n') + '\n');
    expect(r.errors).toEqual([]);
    // Refused in infrastructure (a file without any is skipped with a note instead).
    const dup = scanFile('dup.yaml', 'AWSTemplateFormatVersion: "2010-09-09"\nTags:\n' + keys.slice(0, 1000).join('\n') + '\n  k7: again\n');
    expect(dup.errors).toEqual([{ message: 'invalid YAML: Map keys must be unique', location: { file: 'dup.yaml', line: 1003, column: 3 } }]);
    // `1` and `"1"` are different keys.
    expect(scanFile('typed.yaml', 'Tags:\n  1: a\n  "1": b\n').errors).toEqual([]);
  });

  it('reads a policy of 100,000 statements and a 1 MB action list (they complete; the size is reported)', () => {
    const statements = Array.from({ length: 100_000 }, (_, i) => ({ Sid: `S${i}`, Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::bucket/${i}` }));
    const many = scanFile('many.json', JSON.stringify({ Version: '2012-10-17', Statement: statements }));
    expect(many.errors).toEqual([]);
    expect(many.findings.map((f) => f.message)).toEqual([expect.stringMatching(/policy many\.json: policy has [\d,]+ non-whitespace characters, over the managed policy quota/)]);
    const actions = Array.from({ length: 60_000 }, (_, i) => ['s3:GetObject', 'logs:PutLogEvents', 'ecr:BatchGetImage'][i % 3]);
    const text = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] });
    expect(text.length).toBeGreaterThan(1_000_000);
    const long = scanFile('long.json', text);
    expect(long.errors).toEqual([]);
    expect(long.findings.map((f) => f.rule)).toEqual(['invalid-policy']);
  });

  it('reports JSON nested too deep in any reader, at the file, and goes on', () => {
    let cond = '"x"';
    for (let i = 0; i < 5000; i++) cond = `[${cond}]`;
    let join_ = '"arn:aws:s3:::b"';
    for (let i = 0; i < 5000; i++) join_ = `{"Fn::Join":["",[${join_}]]}`;
    let label = '"x"';
    for (let i = 0; i < 20000; i++) label = `{"a":${label}}`;
    const r = scanWith((sub) => {
      writeFileSync(join(sub, 'policy.json'), `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:x":${cond}}}}]}`);
      writeFileSync(
        join(sub, 'template.json'),
        `{"Resources":{"R":{"Type":"AWS::IAM::Role","Properties":{"AssumeRolePolicyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]},"Policies":[{"PolicyName":"p","PolicyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":${join_}}]}}]}}}}`,
      );
      writeFileSync(join(sub, 'taskdef.json'), `{"family":"f","containerDefinitions":[{"name":"c","image":"nginx","dockerLabels":${label}}]}`);
    });
    expect(r.errors.map((e) => [e.location.file, e.message])).toEqual(
      ['policy.json', 'taskdef.json', 'template.json'].map((f) => [f, expect.stringMatching(/too deeply nested/)]),
    );
    expect(r.findings.map((f) => f.location.file)).toEqual(['ok.json']);
  });

  it('scans thousands of files', () => {
    const r = scanWith((sub) => {
      for (let d = 0; d < 20; d++) {
        mkdirSync(join(sub, `d${d}`));
        for (let f = 0; f < 100; f++) writeFileSync(join(sub, `d${d}`, `p${f}.json`), PASS_ROLE);
      }
    });
    expect(r.errors).toEqual([]);
    expect(r.summary.files).toBe(2001);
    expect(r.findings).toHaveLength(2001);
  });
});

describe('hostile input: IAM policy size quotas, at and beyond', () => {
  const loc = { file: 'p.json', line: 1, column: 1 };
  /** A document of exactly `size` non-whitespace characters (padded through its Sid). */
  function ofSize(size: number, trust = false): object {
    const st: Record<string, unknown> = trust
      ? { Sid: '', Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }
      : { Sid: '', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' };
    const doc = { Version: '2012-10-17', Statement: [st] };
    st.Sid = 'A'.repeat(size - JSON.stringify(doc).length);
    expect(JSON.stringify(doc)).toHaveLength(size);
    return doc;
  }
  const check = (size: number, kind: PolicyKind) =>
    parsePolicy(fromPlain(ofSize(size, kind === 'trust'), loc), { name: 'p', kind }).diagnostics.map((d) => [d.severity, d.message]);

  it('managed: 6,144 passes, 6,145 is an error', () => {
    expect(check(6144, 'managed')).toEqual([]);
    expect(check(6145, 'managed')).toEqual([['error', 'managed policy p: policy has 6,145 non-whitespace characters, over the managed policy quota of 6,144']]);
  });

  it('inline: 10,240 passes, 10,241 is an error', () => {
    expect(check(10240, 'inline')).toEqual([]);
    expect(check(10241, 'inline')).toEqual([['error', expect.stringMatching(/^inline policy p: policy has 10,241 non-whitespace characters, over the quota for a role's inline policies/)]]);
  });

  it('trust: 2,048 passes, then a warning up to 4,096, an error beyond', () => {
    expect(check(2048, 'trust')).toEqual([]);
    expect(check(2049, 'trust')).toEqual([['warning', 'trust policy p: policy has 2,049 non-whitespace characters, over the default trust policy quota (adjustable to 4,096) of 2,048']]);
    expect(check(4096, 'trust')).toEqual([['warning', expect.stringMatching(/4,096 non-whitespace characters, over the default trust policy quota/)]]);
    expect(check(4097, 'trust')).toEqual([['error', 'trust policy p: policy has 4,097 non-whitespace characters, over the maximum trust policy size of 4,096']]);
  });

  it('standalone documents: a warning past the managed quota; AWS managed policies are not measured', () => {
    expect(check(6144, 'standalone')).toEqual([]);
    expect(check(6145, 'standalone')).toEqual([['warning', expect.stringMatching(/6,145 non-whitespace characters, over the managed policy quota \(if attached as a managed policy\)/)]]);
    expect(check(1_000_000, 'aws-managed')).toEqual([]);
  });

  it('a policy file at the quota has no finding, one character over has one (whitespace not counted)', () => {
    const at = scanFile('at.json', JSON.stringify(ofSize(6144), null, 2));
    expect(at).toMatchObject({ errors: [], findings: [] });
    const over = scanFile('over.json', JSON.stringify(ofSize(6145), null, 2));
    expect(over.findings.map((f) => [f.rule, f.severity])).toEqual([['invalid-policy', 'warning']]);
  });
});
