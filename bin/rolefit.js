#!/usr/bin/env node
// Thin shim: the bundled CLI lives in dist/ (built by `npm run build`, run by `npm install`).
import '../dist/rolefit.js';
