// Validates SARIF against the SARIF 2.1.0 JSON Schema. The schema comes from @microsoft/jest-sarif
// (Microsoft's SARIF SDK; MIT), `sarif-2.1.0-rtm.5.json`, which matches the OASIS standard's schema
// but for GUID patterns. It is a draft-04 schema (as is the OASIS errata01 file), hence ajv-draft-04;
// ajv-formats checks `uri`/`uri-reference`, and its `language` pattern is not valid under the
// regular expressions' `u` flag (a known erratum), hence unicodeRegExp: false.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import draft04 from 'ajv-draft-04';
import formats from 'ajv-formats';

// CommonJS modules imported from ESM: the default import is module.exports, whose `default` is
// the class and the plugin.
const Ajv = draft04.default;
const addFormats = formats.default;
const require = createRequire(import.meta.url);
const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(schema);

export const sarifSchema = schema as { $schema: string; title: string };

export function validateSarif(log: unknown): string[] {
  if (validate(log)) return [];
  return (validate.errors ?? []).map((e: { instancePath: string; message?: string }) => `${e.instancePath} ${e.message}`);
}
