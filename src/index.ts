// The library API: the same pipeline as the CLI.
export { scan, type ScanOptions } from './scan.js';
export type { Report, Finding, RoleReport, Summary } from './report/types.js';
export { RULES } from './rules/index.js';
export { loadInventory } from './scan.js';
export { explain } from './explain/explain.js';
export type { Explanation } from './explain/explain.js';
export { render as formatReport, FORMATS, type FormatName } from './report/formats.js';
export { RULE_METAS } from './rules/index.js';
export { findConfig, loadConfig, type Config } from './config/load.js';
export { scanSettings } from './config/settings.js';
export { readBaseline, baselineFindings, baselineText, type Baseline } from './suppress/baseline.js';
