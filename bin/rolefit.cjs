#!/usr/bin/env node
// CommonJS entry: skips the ESM loader start (3-5 ms of every pre-commit run).
require("../dist/rolefit.cjs");
