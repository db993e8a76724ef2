// Reading one file: decode, parse, and hand each document to the reader whose format it has.
// Formats are detected by content, never by file name.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { extname } from 'node:path';
import { emptyInventory, mergeInventory, type Inventory, type Node } from '../model.js';
import { InputError, LineIndex, parseJson, parseYaml } from './nodes.js';
import { isCloudFormation, readCloudFormation } from './cloudformation.js';
import { isTaskDefinition, readTaskDefinitions } from './task-definition.js';
import { isAuthorizationDetails, readAuthorizationDetails } from './authorization-details.js';
import { isPolicyDocument, readPolicyFile } from './policy-file.js';
import { isTerraformPlan, readTerraformPlan } from './terraform/plan.js';
import { isCollected, readCollected } from './collected.js';
import { isEksctlConfig, readEksctlConfig } from './eksctl.js';
import { isKubernetes, readKubernetes } from './kubernetes.js';

/** Files larger than this are refused rather than read into memory. */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;
/** YAML parsing keeps a node per value; refuse YAML beyond this size. */
export const MAX_YAML_BYTES = 32 * 1024 * 1024;

/**
 * Heap bytes a file costs while it is read and analysed, measured end to end on dense inputs.
 * Memory follows what the text holds, not its size: 10 MB of `0,` takes over 1 GB. A JSON value
 * (`[0,0,…]`, one-key objects, statements) and a YAML value (which keeps its syntax node too); per
 * line (line index, tokens); per escape sequence in a JSON string and per character of the longest
 * run of blanks (the JSON scanner builds both one character at a time); the text itself.
 */
const COST = { jsonValue: 480, yamlValue: 1280, line: 32, escape: 48, blank: 48, byte: 3 } as const;
/** The share of the heap one file may take; the rest is for the analysis and the report. */
const HEAP_SHARE = 0.8;

const READERS: Array<{ detect: (n: Node) => boolean; read: (n: Node, file: string) => Inventory }> = [
  { detect: isCollected, read: readCollected },
  { detect: isCloudFormation, read: readCloudFormation },
  { detect: isAuthorizationDetails, read: readAuthorizationDetails },
  { detect: isTerraformPlan, read: readTerraformPlan },
  { detect: isTaskDefinition, read: readTaskDefinitions },
  { detect: isPolicyDocument, read: readPolicyFile },
  { detect: isEksctlConfig, read: readEksctlConfig },
  { detect: isKubernetes, read: readKubernetes },
];

export interface FileResult {
  inventory: Inventory;
  /** False when no reader recognised any document of the file. */
  recognised: boolean;
}

/**
 * Reads `path` (shown as `file` in locations). Throws InputError for unreadable input: a read
 * failure, too large (by size, or by the memory its values would take), not UTF-8, or not valid
 * JSON/YAML.
 */
export function readInputFile(path: string, file: string): FileResult {
  const bytes = readBounded(path, file);
  const size = bytes.length;
  const text = decodeUtf8(bytes, file);
  const trimmed = text.trimStart();
  const ext = extname(path).toLowerCase();
  const looksJson = ext === '.json' || trimmed.startsWith('{') || trimmed.startsWith('[');
  if (!looksJson && size > MAX_YAML_BYTES) throw new InputError(`YAML ${overLimit(size, MAX_YAML_BYTES)}`, { file, line: 1, column: 1 });
  checkMemory(text, looksJson ? 'json' : 'yaml', file);
  let docs: Node[];
  try {
    docs = looksJson ? [parseJson(text, file)] : parseYaml(text, file);
  } catch (e) {
    // Only syntax errors (duplicate keys included): limits (alias bombs, nesting) are always refused.
    const syntax = e instanceof InputError && /^invalid (JSON|YAML): /.test(e.message);
    const why = syntax && unparsedButNotInfrastructure(text, looksJson, (e as InputError).message);
    if (!why) throw e;
    return keepSuppressionText(skipped(file, why, (e as InputError).loc), file, text);
  }
  const inventory = emptyInventory();
  let recognised = false;
  for (const doc of docs) {
    const reader = READERS.find((r) => r.detect(doc));
    if (!reader) continue;
    recognised = true;
    mergeInventory(inventory, reader.read(doc, file));
  }
  inventory.files = recognised ? [file] : [];
  return keepSuppressionText({ inventory, recognised }, file, text);
}

/** Keeps the text of a read file that mentions rolefit for the suppression stage (src/suppress/). */
function keepSuppressionText(result: FileResult, file: string, text: string): FileResult {
  if (result.inventory.files.length && text.includes('rolefit')) result.inventory.suppressionTexts.push({ file, text });
  return result;
}

/** Go template actions (`{{ .Values.x }}`): a Helm chart template, YAML only once rendered. */
const GO_TEMPLATE = /\{\{-?\s*[^}]*\}\}/;

/**
 * Words every format rolefit reads has in it. A file that does not parse and has none of them is
 * some other JSON or YAML (a tsconfig.json with trailing commas, a CI config) that a hook or a
 * directory scan met: skipped with a note instead of failing the run. Broken infrastructure still
 * fails it.
 */
const INFRASTRUCTURE_WORDS = /AWSTemplateFormatVersion|Resources|Statement|"Version"|Version:|containerDefinitions|ContainerDefinitions|taskDefinition|"family"|RoleDetailList|Policies|apiVersion|fargateProfiles|executionRoleArn|ExecutionRoleArn/;

/** Why an unparsable file is skipped rather than refused, or undefined when it must be refused. */
function unparsedButNotInfrastructure(text: string, json: boolean, error: string): string | undefined {
  if (!json && GO_TEMPLATE.test(text)) return `skipped: a Helm template that is not valid YAML until rendered (${error}); scan the output of \`helm template\` instead`;
  if (!INFRASTRUCTURE_WORDS.test(text)) return `skipped: ${error}, and nothing in it is infrastructure rolefit reads`;
  return undefined;
}

function skipped(file: string, message: string, loc: InputError['loc']): FileResult {
  const inventory = emptyInventory();
  inventory.files = [file];
  inventory.diagnostics.push({ rule: 'invalid-input', severity: 'note', message, loc });
  return { inventory, recognised: true };
}

const decoder = new TextDecoder('utf-8', { fatal: true });

export function decodeUtf8(bytes: Buffer, file: string): string {
  try {
    return decoder.decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    // The first replacement character of a lenient decode is where the invalid bytes are.
    const lenient = bytes.toString('utf8');
    const offset = Math.max(0, lenient.indexOf('\uFFFD'));
    const { line, column } = new LineIndex(lenient).pos(offset);
    throw new InputError('file is not valid UTF-8 text', { file, line, column });
  }
}

/** `file is 314,572,800 bytes, over …`; a stream of unknown length is only known to be over. */
function overLimit(size: number | undefined, limit: number): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const what = size === undefined ? 'input has more than' : `file is ${n(size)} bytes, over`;
  return `${what} the limit of ${n(limit)} bytes (${limit / 1048576} MiB); refused`;
}

/**
 * The file's bytes, never more than MAX_FILE_BYTES of them: a regular file is refused by its size,
 * anything else (a pipe such as `<(aws iam …)`, a device) is read until its end or the limit.
 * Read failures are input errors, not crashes.
 */
export function readBounded(path: string, file: string): Buffer {
  const at = { file, line: 1, column: 1 };
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new InputError(`cannot open file: ${(e as Error).message}`, at);
  }
  try {
    const st = fstatSync(fd);
    if (st.isFile() && st.size > MAX_FILE_BYTES) throw new InputError(overLimit(st.size, MAX_FILE_BYTES), at);
    // A regular file in one read of its size (+1 to see its end); then, or for a pipe, in pieces
    // copied out of one scratch buffer, so short reads do not pin whole buffers.
    const chunks: Buffer[] = [];
    let total = 0;
    let scratch: Buffer | undefined;
    for (;;) {
      const first = chunks.length === 0 && st.isFile();
      const buf = first ? Buffer.allocUnsafe(st.size + 1) : (scratch ??= Buffer.allocUnsafe(1 << 20));
      let n: number;
      try {
        n = readSync(fd, buf, 0, Math.min(buf.length, MAX_FILE_BYTES + 1 - total), null);
      } catch (e) {
        throw new InputError(`cannot read file: ${(e as Error).message}`, at);
      }
      if (n === 0) break;
      total += n;
      if (total > MAX_FILE_BYTES) throw new InputError(overLimit(undefined, MAX_FILE_BYTES), at);
      chunks.push(first ? buf.subarray(0, n) : Buffer.from(buf.subarray(0, n)));
    }
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

export interface MemoryEstimate {
  /** Heap bytes reading the text is expected to take (an upper estimate). */
  bytes: number;
  values: number;
  lines: number;
  escapes: number;
  /** The longest run of blank characters outside strings (JSON). */
  longestBlank: number;
}

/** JSON blanks as the JSON scanner reads them (one character at a time). */
function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12 || c === 160 || c === 5760 || (c >= 8192 && c <= 8203) || c === 8239 || c === 8287 || c === 12288 || c === 65279;
}

/**
 * What parsing `text` will cost. Values are over-counted rather than under: JSON separators and
 * openers outside strings; for YAML, lines, flow separators and `:` (a key and its value) wherever
 * they are.
 */
export function estimateMemory(text: string, syntax: 'json' | 'yaml'): MemoryEstimate {
  let values = 1;
  let lines = 0;
  let escapes = 0;
  let longestBlank = 0;
  if (syntax === 'yaml') {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) lines++;
      if (c === 10 || c === 44 || c === 58 || c === 91 || c === 123) values++;
    }
  } else {
    let inString = false;
    let blank = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) lines++;
      if (inString) {
        if (c === 92) {
          escapes++;
          i++; // the escaped character
        } else if (c === 34) inString = false;
        continue;
      }
      if (isBlank(c)) {
        if (++blank > longestBlank) longestBlank = blank;
        continue;
      }
      blank = 0;
      if (c === 34) inString = true;
      else if (c === 44 || c === 58 || c === 91 || c === 123) values++;
    }
  }
  const bytes =
    values * (syntax === 'json' ? COST.jsonValue : COST.yamlValue) + lines * COST.line + escapes * COST.escape + longestBlank * COST.blank + text.length * COST.byte;
  return { bytes, values, lines, escapes, longestBlank };
}

/**
 * Below this estimate a file fits any heap Node runs with, so the limit is not even looked up:
 * node:v8 costs 1.3 ms to load, a lot for a pre-commit run over a few small files.
 */
const ALWAYS_FITS = 16 * 1024 * 1024;

/** Heap bytes one file may take: this process's share of its heap limit. */
export function memoryLimit(): number {
  const v8 = process.getBuiltinModule('node:v8');
  return Math.floor(v8.getHeapStatistics().heap_size_limit * HEAP_SHARE);
}

/** Refuses, with the reason, a file that would not fit in memory (a crash otherwise). */
function checkMemory(text: string, syntax: 'json' | 'yaml', file: string): void {
  const e = estimateMemory(text, syntax);
  if (e.bytes <= ALWAYS_FITS) return;
  const limit = memoryLimit();
  if (e.bytes <= limit) return;
  const n = (x: number) => x.toLocaleString('en-US');
  const mib = (x: number) => n(Math.ceil(x / 1048576));
  // Name what makes the file expensive: each part that takes a tenth of the estimate or more.
  const parts = [
    { cost: e.values * (syntax === 'json' ? COST.jsonValue : COST.yamlValue), text: `${n(e.values)} ${syntax.toUpperCase()} values` },
    { cost: e.lines * COST.line, text: `${n(e.lines)} lines` },
    { cost: e.escapes * COST.escape, text: `${n(e.escapes)} escape sequences` },
    { cost: e.longestBlank * COST.blank, text: `a run of ${n(e.longestBlank)} blank characters` },
    { cost: text.length * COST.byte, text: `${n(text.length)} characters` },
  ].filter((p) => p.cost >= e.bytes / 10);
  throw new InputError(
    `reading this file needs about ${mib(e.bytes)} MiB of memory (${parts.map((p) => p.text).join(', ')}), more than the ` +
      `${mib(limit)} MiB one file may take; refused (Node's heap limit can be raised with NODE_OPTIONS=--max-old-space-size=<MiB>)`,
    { file, line: 1, column: 1 },
  );
}
