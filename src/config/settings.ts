// What a scan is configured with, from the command line's point of view: the configuration file
// (found, named, or none) and the baseline (named on the command line or in the configuration).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { findConfig, loadConfig, type Config } from './load.js';
import { readBaseline, type Baseline } from '../suppress/baseline.js';

export interface ScanSettings {
  config?: Config;
  baseline?: Baseline;
}

export interface SettingsRequest {
  cwd: string;
  /** A configuration file, or false for none; default: the one findConfig finds. */
  config?: string | false;
  /** A baseline file, or false for none; default: the configuration's `baseline`. */
  baseline?: string | false;
  /** A baseline is being written: one that does not exist yet is not an error. */
  writingBaseline?: boolean;
}

/** Loads the configuration and the baseline. Throws InputError (exit 2) with file:line. */
export function scanSettings(r: SettingsRequest): ScanSettings {
  const path = r.config === false ? undefined : r.config !== undefined ? resolve(r.cwd, r.config) : findConfig(r.cwd);
  const config = path ? loadConfig(path, r.cwd) : undefined;
  const baselinePath = r.baseline === false ? undefined : r.baseline !== undefined ? resolve(r.cwd, r.baseline) : config?.baseline;
  const baseline = baselinePath && !(r.writingBaseline && !existsSync(baselinePath)) ? readBaseline(baselinePath, r.cwd) : undefined;
  return { ...(config ? { config } : {}), ...(baseline ? { baseline } : {}) };
}
