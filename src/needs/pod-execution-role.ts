// What an EKS Fargate pod execution role needs (domain.md §2.4): ECR pulls for the images of the
// pods its profiles run, and what the log router's outputs write to. Nothing else: the pods'
// own permissions come from IRSA or EKS Pod Identity, never from this role.
import { display, type Diagnostic, type FargateProfile, type Inventory, type KubeWorkload, type Need } from '../model.js';
import { NeedSink } from './need-sink.js';
import { ECR_AUTH, ECR_LAYER_CHECK, ECR_PULL, imageNeeds } from './ecr-needs.js';
import { loggingNeeds } from './fargate-logging.js';

export interface SelectedPod {
  pod: KubeWorkload;
  /** `maybe` when the selection hangs on a value the input leaves open. */
  certainty: 'yes' | 'maybe';
}

/** `imagesUnknown`: some of the profile's pods are not in the scan, so their pulls are assumed. */
export function podExecutionRoleNeeds(profile: FargateProfile, pods: SelectedPod[], inv: Inventory, imagesUnknown: boolean): { needs: Need[]; diagnostics: Diagnostic[] } {
  const sink = new NeedSink(profile.id, profile.account ? { 'aws:PrincipalAccount': profile.account } : {});
  // The Fargate kubelet pulls through an AWS-owned network interface: no VPC endpoint context.
  const scope = { inv, sink, partition: profile.partition, ec2Only: false, mayRunOnFargate: true };
  for (const { pod, certainty } of pods) {
    for (const image of pod.images) {
      const what = `${pod.kind} ${display(pod.namespace)}/${display(pod.name)} image ${display(image.value)}`;
      if (certainty === 'yes') imageNeeds(scope, image, what);
      else {
        // A pod that may run elsewhere: its pulls are tolerated here, not required.
        const probe = new NeedSink(profile.id, {});
        imageNeeds({ ...scope, sink: probe }, image, `${what} (if profile ${display(profile.name)} selects it)`);
        for (const n of probe.result().needs) sink.add({ ...n, optional: true });
      }
    }
  }
  if (imagesUnknown) unknownImageNeeds(profile, sink);
  for (const logging of inv.fargateLogging) loggingNeeds(profile, logging, sink);
  return sink.result();
}

/**
 * Without manifests the images are unknown: the pods pull from some ECR repository, perhaps. The
 * pulls are assumed, so a grant on any repository counts and none is reported missing unless the
 * role cannot pull from ECR at all.
 */
function unknownImageNeeds(profile: FargateProfile, sink: NeedSink): void {
  const assumed = `no Kubernetes manifest in the scan shows which images the pods of Fargate profile ${display(profile.name)} run`;
  const reason = `pods of Fargate profile ${display(profile.name)} → ECR pull (images not known)`;
  const anyRepo = `arn:${profile.partition}:ecr:*:*:repository/*`;
  sink.add({ action: ECR_AUTH, resource: '*', reason, loc: profile.loc, assumed });
  for (const action of ECR_PULL) sink.add({ action, resource: anyRepo, reason, loc: profile.loc, assumed, oneOf: true });
  sink.add({ action: ECR_LAYER_CHECK, resource: anyRepo, reason: `${reason} (tolerated)`, loc: profile.loc, optional: true });
}
