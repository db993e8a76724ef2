// The library API: the same pipeline as the CLI.
export { scan, type ScanOptions } from './scan.js';
export type { Report, Finding, RoleReport, Summary } from './report/types.js';
export { RULES } from './rules/index.js';
