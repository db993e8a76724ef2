// E4–E6: images under a pull-through cache rule's prefix (domain.md §1.4, §1.5 step 10). A pull
// of an image not cached yet makes ECR import it from upstream with the puller's credentials, and
// the first pull of a repository creates it.
import { hasToken, type PullThroughCacheRule } from '../model.js';
import type { ImageRef } from './image.js';
import { maskTokens } from './token-mask.js';

/** The prefix ECR-to-ECR rules use for every repository no other rule claims. */
const ROOT = 'ROOT';

export type PrefixMatch = 'yes' | 'no' | 'unknown';

/** Whether `repository` lies under `prefix` (`<prefix>/…`); tokens decide nothing but their own identity. */
export function underPrefix(repository: string, prefix: string): PrefixMatch {
  if (prefix === ROOT) return 'yes';
  const ns = prefix + '/';
  if (repository.startsWith(ns)) return 'yes';
  if (hasToken(prefix)) return 'unknown';
  if (!hasToken(repository)) return 'no';
  // The repository name holds a token: it may still start with the namespace when the literal
  // text before its first token does.
  const head = maskTokens(repository).text.split('\uE000')[0];
  return ns.startsWith(head) ? 'unknown' : 'no';
}

export interface CacheRuleMatch {
  rule: PullThroughCacheRule;
  match: 'yes' | 'unknown';
}

/**
 * The rule of the image's registry (same account and region) the repository falls under: the
 * longest matching prefix, ROOT last; else a rule that may apply (a token decides), else none.
 */
export function cacheRuleFor(rules: PullThroughCacheRule[], ref: ImageRef): CacheRuleMatch | undefined {
  if (ref.registry !== 'ecr' || !ref.repository) return undefined;
  const sameRegistry = rules.filter((r) => r.account === ref.account && r.region === ref.region);
  const rank = (r: PullThroughCacheRule) => (r.prefix === ROOT ? -1 : r.prefix.length);
  const yes = sameRegistry.filter((r) => underPrefix(ref.repository!, r.prefix) === 'yes').sort((a, b) => rank(b) - rank(a));
  if (yes.length > 0) return { rule: yes[0], match: 'yes' };
  const maybe = sameRegistry.find((r) => underPrefix(ref.repository!, r.prefix) === 'unknown');
  return maybe ? { rule: maybe, match: 'unknown' } : undefined;
}

/** The repositories a rule may create: `repository/<prefix>/*`, or every repository for ROOT. */
export function cacheRepositoriesPattern(rule: PullThroughCacheRule, partition: string): string {
  const path = rule.prefix === ROOT ? '*' : `${rule.prefix}/*`;
  return `arn:${partition}:ecr:${rule.region}:${rule.account}:repository/${path}`;
}
