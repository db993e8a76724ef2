// The library API: the same pipeline as the CLI.
export { scan, type ScanOptions } from './scan.js';
export type { Report, Finding, RoleReport, Summary } from './report/types.js';
export { RULES } from './rules/index.js';
export { loadInventory } from './scan.js';
export { explain } from './explain/explain.js';
export type { Explanation } from './explain/explain.js';
export { render as formatReport, FORMATS, type FormatName } from './report/formats.js';
