// Reading one file: decode, parse, and hand each document to the reader whose format it has.
// Formats are detected by content, never by file name.
import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { emptyInventory, mergeInventory, type Inventory, type Node } from '../model.js';
import { InputError, LineIndex, parseJson, parseYaml } from './nodes.js';
import { isCloudFormation, readCloudFormation } from './cloudformation.js';
import { isTaskDefinition, readTaskDefinitions } from './task-definition.js';
import { isAuthorizationDetails, readAuthorizationDetails } from './authorization-details.js';
import { isPolicyDocument, readPolicyFile } from './policy-file.js';

/** Files larger than this are refused rather than read into memory. */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;
/** YAML parsing keeps a node per value; refuse YAML beyond this size. */
export const MAX_YAML_BYTES = 32 * 1024 * 1024;

const READERS: Array<{ detect: (n: Node) => boolean; read: (n: Node, file: string) => Inventory }> = [
  { detect: isCloudFormation, read: readCloudFormation },
  { detect: isAuthorizationDetails, read: readAuthorizationDetails },
  { detect: isTaskDefinition, read: readTaskDefinitions },
  { detect: isPolicyDocument, read: readPolicyFile },
];

export interface FileResult {
  inventory: Inventory;
  /** False when no reader recognised any document of the file. */
  recognised: boolean;
}

/**
 * Reads `path` (shown as `file` in locations). Throws InputError for unreadable input: too large,
 * not UTF-8, or not valid JSON/YAML.
 */
export function readInputFile(path: string, file: string): FileResult {
  const size = statSync(path).size;
  if (size > MAX_FILE_BYTES) {
    throw new InputError(`file is ${Math.round(size / 1048576)} MiB; refused (limit ${MAX_FILE_BYTES / 1048576} MiB)`, { file, line: 1, column: 1 });
  }
  const text = decodeUtf8(readFileSync(path), file);
  const trimmed = text.trimStart();
  const ext = extname(path).toLowerCase();
  const looksJson = ext === '.json' || trimmed.startsWith('{') || trimmed.startsWith('[');
  let docs: Node[];
  if (looksJson) {
    docs = [parseJson(text, file)];
  } else {
    if (size > MAX_YAML_BYTES) {
      throw new InputError(`YAML file is ${Math.round(size / 1048576)} MiB; refused (limit ${MAX_YAML_BYTES / 1048576} MiB)`, { file, line: 1, column: 1 });
    }
    docs = parseYaml(text, file);
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
  return { inventory, recognised };
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8(bytes: Buffer, file: string): string {
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
