#!/usr/bin/env node
// ES-module shim kept for direct use; the `rolefit` command is bin/rolefit.cjs (no ESM loader start).
import '../dist/rolefit.js';
