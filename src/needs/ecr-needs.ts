// E1–E6, E18, E24: pulling a container image from private ECR, through a pull-through cache when
// the repository lies under a cache rule's prefix.
import { display, tokenNames, type Loc, type Val } from '../model.js';
import type { ErScope } from './er-scope.js';
import type { NeedInput } from './need-sink.js';
import { parseImage, ecrRepositoryArn, type ImageRef } from './image.js';
import { cacheRepositoriesPattern, cacheRuleFor } from './pull-through-cache.js';

export const ECR_AUTH = 'ecr:GetAuthorizationToken';
export const ECR_PULL = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'] as const;
/** In AWS's execution-role policy but not needed to pull (domain.md §1.4 E3, §8.2): tolerated. */
export const ECR_LAYER_CHECK = 'ecr:BatchCheckLayerAvailability';
export const ECR_IMPORT = 'ecr:BatchImportUpstreamImage';
export const ECR_CREATE_REPOSITORY = 'ecr:CreateRepository';

/**
 * Request context of the authorization-token call. On Fargate it goes out through a Fargate-owned
 * ENI, never through the customer's VPC endpoint: aws:SourceVpce and aws:SourceVpc are absent, so
 * a grant conditioned on them does not apply (domain.md §1.5 item 11, M17).
 */
function authContext(scope: ImageScope): Pick<NeedInput, 'context'> {
  return scope.mayRunOnFargate ? { context: { 'aws:SourceVpce': [], 'aws:SourceVpc': [] } } : {};
}

/** What an image pull needs to know of its workload: an ECS task or the pods of a Fargate profile. */
export type ImageScope = Pick<ErScope, 'inv' | 'sink' | 'ec2Only' | 'mayRunOnFargate'> & {
  /** The workload's partition: it can only pull from its own. */
  partition: string;
};

/** `what` names the image for reasons and notes: `container "web" image …`. */
export function imageNeeds(scope: ImageScope, image: Val, what: string): void {
  const { sink } = scope;
  const ref = parseImage(image.value);
  const loc = image.loc;
  const instance = scope.ec2Only ? { mayUseInstanceRole: true } : {};
  const auth = authContext(scope);

  if (ref.registry === 'other' && ref.approximate) {
    sink.diag(
      'note',
      'unresolved-reference',
      `${what}: the image is not known, so the ECR permissions it may need cannot be verified`,
      loc,
    );
    // Tolerated, never required: ECR grants are then neither reported missing nor excess.
    const anyRepo = `arn:${scope.partition}:ecr:*:*:repository/*`;
    const reason = `${what} → possible ECR pull (image unknown; tolerated, not verified)`;
    sink.add({ action: ECR_AUTH, resource: '*', reason, loc, optional: true, ...instance, ...auth });
    for (const action of [...ECR_PULL, ECR_LAYER_CHECK]) {
      sink.add({ action, resource: anyRepo, reason, loc, optional: true, ...instance });
    }
    return;
  }
  if (ref.registry !== 'ecr') return; // ECR Public, Docker Hub and other registries: no IAM need

  // A task can only pull from its own partition, so the task's partition stands in when a token
  // in the host (AWS::URLSuffix, a region token) hides the image's.
  const repoArn = ecrRepositoryArn(ref, scope.partition);
  if (!repoArn) return;
  // A repository name holding a token stays a token rather than becoming `*`: a grant written with
  // the same value then covers it and any other grant is undecided (a note), where `*` would
  // turn a grant on the right repository into a false "missing".
  const approx = ref.approximate ? ` (approximate: the repository name depends on ${unknowns(ref.repository ?? '')})` : '';
  // GetAuthorizationToken has no resource type: only `*` grants it. The sink keeps one per task.
  sink.add({ action: ECR_AUTH, resource: '*', reason: `${what} → ECR authorization token`, loc, ...instance, ...auth });
  for (const action of ECR_PULL) {
    sink.add({ action, resource: repoArn, reason: `${what} → ECR pull${approx}`, loc, ...instance });
  }
  sink.add({
    action: ECR_LAYER_CHECK,
    resource: repoArn,
    reason: `${what} → ECR layer check (tolerated, not required)${approx}`,
    loc,
    optional: true,
    ...instance,
  });
  pullThroughCacheNeeds(scope, ref, repoArn, what, loc);
}

/**
 * E4, E5. E6 (ecr:TagResource) is needed only when a repository-creation template adds tags, which
 * the scan cannot see: not derived.
 */
function pullThroughCacheNeeds(scope: ImageScope, ref: ImageRef, repoArn: string, what: string, loc: Loc): void {
  const found = cacheRuleFor(scope.inv.pullThroughCacheRules, ref);
  if (!found) return;
  const { rule, match } = found;
  const instance = scope.ec2Only ? { mayUseInstanceRole: true } : {};
  const prefix = display(rule.prefix);
  const partition = ref.partition ?? scope.partition;
  const created = cacheRepositoriesPattern(rule, partition);
  if (match === 'unknown') {
    scope.sink.diag(
      'note',
      'unresolved-reference',
      `${what}: whether the image is pulled through the cache rule with prefix ${prefix} is not known, so the pull-through cache permissions cannot be verified`,
      loc,
    );
    const reason = `${what} → possible pull-through cache import (prefix ${prefix}; tolerated, not verified)`;
    scope.sink.add({ action: ECR_IMPORT, resource: repoArn, reason, loc, optional: true, ...instance });
    scope.sink.add({ action: ECR_CREATE_REPOSITORY, resource: created, reason, loc, optional: true, ...instance });
    return;
  }
  scope.sink.add({
    action: ECR_IMPORT,
    resource: repoArn,
    reason: `${what} → pull-through cache import from upstream (cache rule prefix ${prefix})`,
    loc,
    ...instance,
  });
  // Only on the first pull, and the ECR registry policy (invisible to an IAM scan) may grant it.
  scope.sink.add({
    action: ECR_CREATE_REPOSITORY,
    resource: created,
    reason: `${what} → pull-through cache creates the repository on first pull (cache rule prefix ${prefix}; tolerated: the registry policy may grant it)`,
    loc,
    optional: true,
    ...instance,
  });
}

function unknowns(s: string): string {
  return [...new Set(tokenNames(s).map((n) => '${' + n.replace(/@.*$/, '') + '}'))].join(', ');
}
