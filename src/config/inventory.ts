// What the configuration adds to the Inventory before linking: its deployment context in place of
// the symbolic tokens that stand for the unknown account, Region and partition, and the
// pull-through cache rules defined outside the scanned files.
import { TOKEN_CLOSE, TOKEN_OPEN, type Inventory } from '../model.js';
import type { Config, DeploymentContext } from './load.js';

/**
 * Token names (before the `@scope` suffix) that stand for each part of the deployment context:
 * CloudFormation's pseudo parameters and the task-definition reader's file-scoped context. A reader
 * that names the same unknowns otherwise adds its names here.
 */
export const CONTEXT_TOKENS: Record<keyof DeploymentContext, string[]> = {
  account: ['AWS::AccountId', 'Account'],
  region: ['AWS::Region', 'Region'],
  partition: ['AWS::Partition', 'Partition'],
};

/** The domain suffix of each partition's endpoints (AWS::URLSuffix). */
function urlSuffix(partition: string): string | undefined {
  if (partition === 'aws' || partition === 'aws-us-gov') return 'amazonaws.com';
  if (partition === 'aws-cn') return 'amazonaws.com.cn';
  return undefined;
}

export function applyConfigToInventory(inv: Inventory, config: Config): void {
  substituteContext(inv, config.context);
  inv.pullThroughCacheRules.push(...config.pullThroughCache);
}

/**
 * Replaces, in every string of the inventory's model objects, the tokens of an unknown account, Region or
 * partition by the configured values. It runs before linking, so a role ARN and the resources a
 * task needs meet the same literal values and verdicts that hung on the tokens are decided.
 * What the readers derived from a token while reading (a CloudFormation condition on
 * AWS::Region, a mapping keyed by it) stays as read.
 */
export function substituteContext(inv: Inventory, context: DeploymentContext): void {
  const values = new Map<string, string>();
  for (const part of Object.keys(CONTEXT_TOKENS) as Array<keyof DeploymentContext>) {
    const value = context[part];
    if (value !== undefined) for (const name of CONTEXT_TOKENS[part]) values.set(name, value);
  }
  const suffix = context.partition && urlSuffix(context.partition);
  if (suffix) values.set('AWS::URLSuffix', suffix);
  if (values.size === 0) return;
  const re = new RegExp(`${TOKEN_OPEN}([^${TOKEN_CLOSE}@]*)(@[^${TOKEN_CLOSE}]*)?${TOKEN_CLOSE}`, 'g');
  const replace = (s: string) => (s.includes(TOKEN_OPEN) ? s.replace(re, (whole, name: string) => values.get(name) ?? whole) : s);
  const seen = new Set<object>();
  const walk = (o: Record<string, unknown> | unknown[]): void => {
    if (seen.has(o)) return;
    seen.add(o);
    const keys = Array.isArray(o) ? o.keys() : Object.keys(o);
    for (const k of keys) {
      const rec = o as Record<string | number, unknown>;
      const v = rec[k];
      if (typeof v === 'string') rec[k] = replace(v);
      else if (v !== null && typeof v === 'object') walk(v as Record<string, unknown>);
    }
  };
  // Diagnostics stay as read: they describe the text, where the value was unknown.
  for (const [key, list] of Object.entries(inv)) if (key !== 'diagnostics' && key !== 'files') walk(list as unknown[]);
}
