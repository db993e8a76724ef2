// E1–E3, E18, E24: pulling a container image from private ECR.
import { display, tokenNames, type Container } from '../model.js';
import type { ErScope } from './er-scope.js';
import { parseImage, ecrRepositoryArn } from './image.js';

export const ECR_AUTH = 'ecr:GetAuthorizationToken';
export const ECR_PULL = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'] as const;
/** In AWS's execution-role policy but not needed to pull (domain.md §1.4 E3, §8.2): tolerated. */
export const ECR_LAYER_CHECK = 'ecr:BatchCheckLayerAvailability';

export function imageNeeds(scope: ErScope, c: Container): void {
  const image = c.image;
  if (!image) return;
  const { td, sink } = scope;
  const ref = parseImage(image.value);
  const what = `container "${c.name}" image ${display(image.value)}`;
  const loc = image.loc;
  const instance = scope.ec2Only ? { mayUseInstanceRole: true } : {};

  if (ref.registry === 'other' && ref.approximate) {
    sink.diag(
      'note',
      'unresolved-reference',
      `${what}: the image is not known, so the ECR permissions it may need cannot be verified`,
      loc,
    );
    // Tolerated, never required: ECR grants are then neither reported missing nor excess.
    const anyRepo = `arn:${td.partition}:ecr:*:*:repository/*`;
    const reason = `${what} → possible ECR pull (image unknown; tolerated, not verified)`;
    sink.add({ action: ECR_AUTH, resource: '*', reason, loc, optional: true, ...instance });
    for (const action of [...ECR_PULL, ECR_LAYER_CHECK]) {
      sink.add({ action, resource: anyRepo, reason, loc, optional: true, ...instance });
    }
    return;
  }
  if (ref.registry !== 'ecr') return; // ECR Public, Docker Hub and other registries: no IAM need

  // A task can only pull from its own partition, so the task's partition stands in when a token
  // in the host (AWS::URLSuffix, a region token) hides the image's.
  const repoArn = ecrRepositoryArn(ref, td.partition);
  if (!repoArn) return;
  // A repository name holding a token stays a token rather than becoming `*`: a grant written with
  // the same value then covers it and any other grant is undecided (a note), where `*` would
  // turn a grant on the right repository into a false "missing".
  const approx = ref.approximate ? ` (approximate: the repository name depends on ${unknowns(ref.repository ?? '')})` : '';
  // GetAuthorizationToken has no resource type: only `*` grants it. The sink keeps one per task.
  sink.add({ action: ECR_AUTH, resource: '*', reason: `${what} → ECR authorization token`, loc, ...instance });
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
}

function unknowns(s: string): string {
  return [...new Set(tokenNames(s).map((n) => '${' + n.replace(/@.*$/, '') + '}'))].join(', ');
}
