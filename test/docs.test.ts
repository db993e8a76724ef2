// The rule documentation stays true to the code: one page per rule, titled and rated as the rule's
// metadata says, indexed from docs/README.md, with relative links that resolve. Every example is
// executable: an input marked `<!-- example: fail FILE… -->` is scanned and must produce exactly the
// findings printed in the text block that follows it; one marked `<!-- example: pass FILE… -->`
// must produce none; a text block marked `<!-- fixture: NAME -->` must quote findings of that
// fixture's expected.json.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { RULE_METAS } from '../src/rules/index.js';
import { scanSettings } from '../src/config/settings.js';
import { scan } from '../src/scan.js';
import type { Finding } from '../src/report/types.js';

const root = join(import.meta.dirname, '..');
const docsDir = join(root, 'docs');
const rulesDir = join(docsDir, 'rules');
const read = (path: string) => readFileSync(path, 'utf8');

// ------------------------------------------------------------------------------------------------ markdown

interface Fence {
  lang: string;
  text: string;
  line: number;
}

type Item = { kind: 'marker'; marker: string; line: number } | ({ kind: 'fence' } & Fence);

/** Markers (`<!-- … -->` on a line of their own) and fenced code blocks, in document order. */
function parseMarkdown(md: string): Item[] {
  const items: Item[] = [];
  const lines = md.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})\s*([\w-]*)\s*$/.exec(lines[i]);
    if (open) {
      const body: string[] = [];
      const start = i + 1;
      for (i++; i < lines.length && lines[i] !== open[1]; i++) body.push(lines[i]);
      if (i >= lines.length) throw new Error(`unclosed code block at line ${start}`);
      items.push({ kind: 'fence', lang: open[2], text: body.join('\n') + '\n', line: start });
      continue;
    }
    const marker = /^<!--\s*((?:example|fixture):.*?)\s*-->$/.exec(lines[i].trim());
    if (marker) items.push({ kind: 'marker', marker: marker[1], line: i + 1 });
  }
  return items;
}

interface Example {
  page: string;
  line: number;
  kind: 'fail' | 'pass' | 'fixture';
  /** fail/pass: the files to scan; fixture: the fixture name. */
  files: Array<{ name: string; text: string }>;
  fixture?: string;
  /** fail/fixture: the findings the text block shows, as `file:line:col severity message [rule]`. */
  expected: string[];
}

const FINDING_LINE = /^\s+(\d+):(\d+)\s+(error|warning|note)\s+(\S.*?)\s{2}\[([a-z-]+)\]$/;

/** Findings shown as rolefit's text output: a file name line, then indented finding lines. */
function parseTextOutput(text: string): string[] {
  const out: string[] = [];
  let file: string | undefined;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (!/^\s/.test(line)) {
      file = line.trim();
      continue;
    }
    const m = FINDING_LINE.exec(line);
    if (!m) throw new Error(`not a finding line: ${line}`);
    if (!file) throw new Error(`finding before any file name: ${line}`);
    out.push(`${file}:${m[1]}:${m[2]} ${m[3]} ${m[4]} [${m[5]}]`);
  }
  return out;
}

function examples(page: string, md: string): Example[] {
  const items = parseMarkdown(md);
  const out: Example[] = [];
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    if (it.kind !== 'marker') continue;
    const [head, ...args] = it.marker.split(/\s+/);
    const verb = head === 'fixture:' ? 'fixture' : (args.shift() ?? '');
    const next = (): Fence => {
      const f = items[++i];
      if (!f || f.kind !== 'fence') throw new Error(`${page}:${it.line}: "${it.marker}" must be followed by a code block`);
      return f;
    };
    if (verb === 'fixture') {
      const block = next();
      out.push({ page, line: it.line, kind: 'fixture', files: [], fixture: args[0], expected: parseTextOutput(block.text) });
    } else if (verb === 'fail' || verb === 'pass') {
      if (args.length === 0) throw new Error(`${page}:${it.line}: "${it.marker}" names no file`);
      const files = args.map((name) => ({ name, text: next().text }));
      const expected = verb === 'fail' ? parseTextOutput(next().text) : [];
      out.push({ page, line: it.line, kind: verb, files, expected });
    } else {
      throw new Error(`${page}:${it.line}: unknown marker "${it.marker}"`);
    }
  }
  return out;
}

const asLine = (f: Pick<Finding, 'location' | 'severity' | 'message' | 'rule'>) =>
  `${f.location.file}:${f.location.line}:${f.location.column} ${f.severity} ${f.message} [${f.rule}]`;

// ------------------------------------------------------------------------------------------------ pages

const pages = existsSync(rulesDir) ? readdirSync(rulesDir).filter((f) => f.endsWith('.md')).sort() : [];
const pageOf = (id: string) => join(rulesDir, `${id}.md`);
const SECTIONS = ['What it reports', 'Why it matters', 'Examples', 'How to fix', 'When it does not fire', 'References'];

describe('rule pages', () => {
  for (const meta of RULE_METAS) {
    describe(meta.id, () => {
      it('exists', () => expect(existsSync(pageOf(meta.id))).toBe(true));

      it('starts with "# <id>: <title>"', () => {
        expect(read(pageOf(meta.id)).split('\n')[0]).toBe(`# ${meta.id}: ${meta.title}`);
      });

      it('states the default severity of the rule metadata', () => {
        const m = /^\*\*Default severity:\*\* `(error|warning|note)`/m.exec(read(pageOf(meta.id)));
        expect(m?.[1]).toBe(meta.severity);
      });

      it('has the standard sections in order', () => {
        const headings = [...read(pageOf(meta.id)).matchAll(/^## (.+)$/gm)].map((m) => m[1]);
        expect(headings).toEqual(SECTIONS);
      });

      it('shows the rule firing and a fixed version that is clean', () => {
        const list = examples(`${meta.id}.md`, read(pageOf(meta.id)));
        const fires = list.filter((e) => e.kind !== 'pass' && e.expected.some((l) => l.endsWith(`[${meta.id}]`)));
        expect(fires.length).toBeGreaterThan(0);
        expect(list.some((e) => e.kind === 'pass')).toBe(true);
      });
    });
  }

  it('has no page without a rule', () => {
    const ids = new Set(RULE_METAS.map((m) => m.id));
    expect(pages.filter((p) => !ids.has(p.replace(/\.md$/, '')))).toEqual([]);
  });
});

describe('docs/README.md', () => {
  const readme = () => read(join(docsDir, 'README.md'));

  it('links every rule from its rule table with the default severity', () => {
    for (const meta of RULE_METAS) {
      const row = new RegExp(`^\\|\\s*\\[\`?${meta.id}\`?\\]\\(rules/${meta.id}\\.md\\)\\s*\\|\\s*([a-z]+)\\s*\\|`, 'm').exec(readme());
      expect(row, `row for ${meta.id}`).not.toBeNull();
      expect(row?.[1], meta.id).toBe(meta.severity);
    }
  });

  it('lists the rules in catalogue order', () => {
    const order = [...readme().matchAll(/^\|\s*\[`?([a-z-]+)`?\]\(rules\//gm)].map((m) => m[1]);
    expect(order).toEqual(RULE_METAS.map((m) => m.id));
  });
});

/** GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens. */
function anchors(md: string): Set<string> {
  const headings = [...md.replace(/```[\s\S]*?```/g, '').matchAll(/^#{1,6} (.+)$/gm)].map((m) => m[1]);
  return new Set(headings.map((h) => h.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-')));
}

describe('links', () => {
  const all = ['README.md', ...pages.map((p) => `rules/${p}`)];
  for (const rel of all) {
    it(`relative links in docs/${rel} resolve`, () => {
      const path = join(docsDir, rel);
      if (!existsSync(path)) return expect.fail(`docs/${rel} is missing`);
      const md = read(path).replace(/```[\s\S]*?```/g, '');
      const broken = [...md.matchAll(/\]\(([^)\s]+)\)/g)]
        .map((m) => m[1])
        .filter((href) => !/^[a-z]+:/.test(href))
        .filter((href) => {
          const [file, anchor] = href.split('#');
          const target = file ? resolve(dirname(path), file) : path;
          if (!existsSync(target)) return true;
          return anchor !== undefined && !anchors(read(target)).has(anchor);
        });
      expect(broken).toEqual([]);
    });
  }
});

// ------------------------------------------------------------------------------------------------ examples

const work = mkdtempSync(join(tmpdir(), 'rolefit-docs-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('examples', () => {
  const all = pages.flatMap((p) => examples(p, read(join(rulesDir, p))));
  let n = 0;
  for (const ex of all) {
    const label = `${ex.page}:${ex.line} ${ex.kind}${ex.fixture ? ` ${ex.fixture}` : ` ${ex.files.map((f) => f.name).join(' ')}`}`;
    it(label, () => {
      if (ex.kind === 'fixture') {
        const expected = JSON.parse(read(join(root, 'fixtures', ex.fixture!, 'expected.json'))) as { findings: Finding[] };
        const known = expected.findings.map(asLine);
        for (const line of ex.expected) expect(known).toContain(line);
        expect(ex.expected.length).toBeGreaterThan(0);
        return;
      }
      const dir = join(work, String(n++));
      for (const f of ex.files) {
        mkdirSync(dirname(join(dir, f.name)), { recursive: true });
        writeFileSync(join(dir, f.name), f.text);
      }
      // A `.rolefit.yaml` among the files configures the scan, as it would the CLI's.
      const report = scan({ paths: ['.'], cwd: dir, ...scanSettings({ cwd: dir }) });
      expect(report.errors).toEqual([]);
      expect(report.findings.map(asLine)).toEqual(ex.expected);
    });
  }
});

describe('the example harness', () => {
  it('reads text output lines', () => {
    const text = 'task.yaml\n  12:5     warning role r grants x  [excess-resource]\n\n';
    expect(parseTextOutput(text)).toEqual(['task.yaml:12:5 warning role r grants x [excess-resource]']);
  });

  it('rejects text that is not rolefit output', () => {
    expect(() => parseTextOutput('task.yaml\n  not a finding\n')).toThrow(/not a finding line/);
  });

  it('pairs markers with the blocks that follow', () => {
    const md = '<!-- example: fail a.yaml -->\n```yaml\nx: 1\n```\n\n```text\na.yaml\n  1:1      error   m  [r]\n```\n<!-- example: pass a.yaml -->\n```yaml\nx: 2\n```\n';
    const list = examples('p.md', md);
    expect(list.map((e) => [e.kind, e.files.map((f) => f.text), e.expected])).toEqual([
      ['fail', ['x: 1\n'], ['a.yaml:1:1 error m [r]']],
      ['pass', ['x: 2\n'], []],
    ]);
  });

  it('computes heading anchors as GitHub does', () => {
    expect([...anchors('# a: B\n## Symbolic values and "cannot verify" notes\n```\n# not a heading\n```\n')]).toEqual([
      'a-b',
      'symbolic-values-and-cannot-verify-notes',
    ]);
  });

  it('refuses a marker without its code block', () => {
    expect(() => examples('p.md', '<!-- example: pass a.yaml -->\ntext\n')).toThrow(/must be followed by a code block/);
  });
});
