// Golden fixtures: each folder of fixtures/ is realistic infrastructure plus expected.json, the
// exact report (less the tool version) that a scan of the folder must produce. Regenerate with
// UPDATE_GOLDEN=1 after a deliberate change, then review the diff like code.
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scan } from '../src/scan.js';
import { scanSettings } from '../src/config/settings.js';
import { validateReport } from './helpers/schema.js';

const root = join(import.meta.dirname, '..', 'fixtures');
const cases = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);

describe('golden fixtures', () => {
  it('has fixtures', () => expect(cases.length).toBeGreaterThan(5));
  for (const name of cases) {
    it(name, () => {
      const dir = join(root, name);
      // A fixture's own .rolefit.yaml configures its scan (never one further up the repository).
      const config = existsSync(join(dir, '.rolefit.yaml')) && '.rolefit.yaml';
      const report = scan({ paths: ['.'], cwd: dir, ...scanSettings({ cwd: dir, config }) });
      expect(validateReport(report)).toEqual([]);
      const { tool: _tool, ...actual } = report;
      const file = join(dir, 'expected.json');
      if (process.env.UPDATE_GOLDEN) writeFileSync(file, JSON.stringify(actual, null, 2) + '\n');
      expect(existsSync(file), `${name}/expected.json is missing (run with UPDATE_GOLDEN=1 and review it)`).toBe(true);
      expect(actual).toEqual(JSON.parse(readFileSync(file, 'utf8')));
    });
  }
});
