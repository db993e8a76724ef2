#!/usr/bin/env node
// CommonJS entry: skips the ESM loader start (3-5 ms of every pre-commit run).
// dist/ is built by `npm ci` and `npm run build:dist`; an install from git (pre-commit) packs the
// repository without building it, and runs the committed bundle in prebuilt/ (scripts/prebuilt.mjs).
require(require("node:fs").existsSync(`${__dirname}/../dist/rolefit.cjs`) ? "../dist/rolefit.cjs" : "../prebuilt/cli.cjs");
