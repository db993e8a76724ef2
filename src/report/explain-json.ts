// JSON for `rolefit explain`: the Explanation as is (policies/schema/explain.schema.json).
import type { Explanation } from '../explain/explain.js';

export function formatExplainJson(e: Explanation): string {
  return JSON.stringify(e, null, 2) + '\n';
}
