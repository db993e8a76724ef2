// HCL syntax trees from tree-sitter (web-tree-sitter + the Terraform grammar of
// @tree-sitter-grammars/tree-sitter-hcl, both pinned exactly in package.json).
//
// Why a worker: web-tree-sitter only initialises asynchronously (WebAssembly instantiation behind
// promises), and the scan pipeline is synchronous. The parser runs in a worker thread, started on
// the first .tf file of a process (a CloudFormation-only scan never starts it); the calling
// thread posts the text and sleeps on an Atomics flag until the flattened tree comes back.
//
// Where the files are: the bundle (scripts/build.mjs) copies the runtime and both .wasm files to
// dist/tree-sitter/; from the sources they are found in node_modules.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { MessagePort, Worker } from 'node:worker_threads';

/** A syntax node: the tree-sitter node type, its span (UTF-16 offsets into the text) and position (0-based). */
export interface SyntaxNode {
  type: string;
  named: boolean;
  start: number;
  end: number;
  row: number;
  col: number;
  /** tree-sitter's MISSING (a token the parser inserted) and ERROR nodes. */
  missing: boolean;
  children: SyntaxNode[];
}

export interface TreeSitterFiles {
  runtime: string;
  runtimeWasm: string;
  grammarWasm: string;
}

/** The runtime and the two .wasm files: beside the bundle, else from node_modules. */
export function treeSitterFiles(): TreeSitterFiles {
  const bundled = join(import.meta.dirname, 'tree-sitter');
  if (existsSync(join(bundled, 'web-tree-sitter.cjs'))) {
    return {
      runtime: join(bundled, 'web-tree-sitter.cjs'),
      runtimeWasm: join(bundled, 'web-tree-sitter.wasm'),
      grammarWasm: join(bundled, 'tree-sitter-terraform.wasm'),
    };
  }
  const req = createRequire(import.meta.url);
  const runtime = req.resolve('web-tree-sitter');
  return {
    runtime,
    runtimeWasm: join(dirname(runtime), 'web-tree-sitter.wasm'),
    grammarWasm: join(dirname(req.resolve('@tree-sitter-grammars/tree-sitter-hcl/package.json')), 'tree-sitter-terraform.wasm'),
  };
}

// The worker: parses each text it is sent and answers with the tree flattened in preorder, six
// integers per node (type id, start, end, row, column, child count; the type id negated for a
// MISSING or ERROR node), then wakes the caller through the shared flag. Errors are answers too:
// the caller is asleep and would never see an 'error' event.
const WORKER = `
const { workerData } = require('node:worker_threads');
const { port, flag, files } = workerData;
const signal = new Int32Array(flag);
const answer = (msg, transfer) => { port.postMessage(msg, transfer); Atomics.store(signal, 0, 1); Atomics.notify(signal, 0); };
const ready = (async () => {
  const TS = require(files.runtime);
  await TS.Parser.init({ locateFile: () => files.runtimeWasm });
  const lang = await TS.Language.load(files.grammarWasm);
  const parser = new TS.Parser();
  parser.setLanguage(lang);
  return parser;
})();
port.on('message', async (text) => {
  try {
    const parser = await ready;
    const tree = parser.parse(text);
    const types = [];
    const ids = new Map();
    let out = new Int32Array(6 * 1024);
    let n = 0;
    const cursor = tree.walk();
    const emit = (node) => {
      if (n + 6 > out.length) { const bigger = new Int32Array(out.length * 2); bigger.set(out); out = bigger; }
      const type = node.isNamed ? node.type : '"' + node.type;
      let id = ids.get(type);
      if (id === undefined) { id = types.length + 1; types.push(type); ids.set(type, id); }
      out[n++] = node.isMissing || node.isError ? -id : id;
      out[n++] = node.startIndex; out[n++] = node.endIndex;
      out[n++] = node.startPosition.row; out[n++] = node.startPosition.column;
      out[n++] = node.childCount;
    };
    // Preorder with the cursor: no JavaScript object per node.
    for (;;) {
      emit(cursor.currentNode);
      if (cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) { if (!cursor.gotoParent()) { cursor.delete(); tree.delete(); const buf = out.slice(0, n); answer({ types, buf }, [buf.buffer]); return; } }
    }
  } catch (e) {
    answer({ error: String(e && e.message || e) });
  }
});
`;

interface Bridge {
  worker: Worker;
  port: MessagePort;
  signal: Int32Array;
}

let bridge: Bridge | undefined;
/** How long a parse may take before the parser is presumed dead (a parse of 4k lines takes ~0.1 s). */
const TIMEOUT_MS = 120_000;

/** worker_threads, loaded on the first parse: a scan without .tf files does not pay for it. */
function threads(): typeof import('node:worker_threads') {
  return process.getBuiltinModule('node:worker_threads');
}

function start(): Bridge {
  const { MessageChannel, Worker } = threads();
  const { port1, port2 } = new MessageChannel();
  const flag = new SharedArrayBuffer(4);
  const worker = new Worker(WORKER, { eval: true, workerData: { port: port2, flag, files: treeSitterFiles() }, transferList: [port2] });
  // Neither keeps the process alive: a scan ends when its work is done.
  worker.unref();
  port1.unref();
  return { worker, port: port1, signal: new Int32Array(flag) };
}

/** Starts the parser's worker ahead of the first parse, so that its start-up overlaps other work. */
export function startParser(): void {
  bridge ??= start();
}

/**
 * The largest HCL text (file or template) parsed: tree-sitter's WebAssembly memory gives out
 * between 12 and 16 MB (the worker aborts); hand-written Terraform files stay far below.
 */
export const MAX_HCL_BYTES = 8 * 1024 * 1024;

/** Parses HCL text (synchronously, from the caller's view). Throws on a parser failure, not on syntax errors. */
export function parseHcl(text: string): SyntaxNode {
  bridge ??= start();
  const { port, signal } = bridge;
  Atomics.store(signal, 0, 0);
  port.postMessage(text);
  if (Atomics.wait(signal, 0, 0, TIMEOUT_MS) === 'timed-out') {
    void bridge.worker.terminate();
    bridge = undefined;
    throw new Error('the HCL parser did not answer');
  }
  const reply = threads().receiveMessageOnPort(port)?.message as { types: string[]; buf: Int32Array } | { error: string } | undefined;
  if (!reply) throw new Error('the HCL parser gave no answer');
  if ('error' in reply) {
    // A broken runtime stays broken: start afresh next time.
    void bridge.worker.terminate();
    bridge = undefined;
    throw new Error(`the HCL parser failed: ${reply.error}`);
  }
  return inflate(reply.types, reply.buf);
}

function inflate(types: string[], buf: Int32Array): SyntaxNode {
  let i = 0;
  const node = (): SyntaxNode => {
    const id = buf[i];
    const raw = types[Math.abs(id) - 1];
    const named = !raw.startsWith('"');
    const n: SyntaxNode = {
      type: named ? raw : raw.slice(1),
      named,
      start: buf[i + 1],
      end: buf[i + 2],
      row: buf[i + 3],
      col: buf[i + 4],
      missing: id < 0,
      children: [],
    };
    const count = buf[i + 5];
    i += 6;
    for (let c = 0; c < count; c++) n.children.push(node());
    return n;
  };
  return node();
}
