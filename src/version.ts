// The package version, read once from package.json (one folder up from src/ and from dist/).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

let cached: string | undefined;

export function version(): string {
  cached ??= (JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
  return cached;
}
