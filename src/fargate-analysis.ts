// The EKS Fargate half of the analysis: which pods each Fargate profile runs, what each profile
// needs of its pod execution role, and what the input says wrongly about profiles and pods.
import { display, hasToken, type Diagnostic, type FargateProfile, type Inventory, type Need } from './model.js';
import type { Linked, LinkedRole } from './link/roles.js';
import { placePod, selectorMatches } from './needs/fargate-selection.js';
import { podExecutionRoleNeeds, type SelectedPod } from './needs/pod-execution-role.js';

/** EKS API limit (confirmed by the API and CloudFormation references). */
const MAX_SELECTORS = 5;

export interface FargateUse {
  /** Profiles that use each role as pod execution role. */
  profilesOf: Map<LinkedRole, FargateProfile[]>;
  needsOf: Map<FargateProfile, Need[]>;
  /** Why the needs of a role's profiles are not fully known. */
  unknownsOf: Map<FargateProfile, string[]>;
  /** Roles that are also node-group (instance) roles: their node permissions are not excess. */
  nodeRoles: Set<LinkedRole>;
  diagnostics: Diagnostic[];
}

export function analyzeFargate(inv: Inventory, linked: Linked): FargateUse {
  const diagnostics: Diagnostic[] = [];
  const selected = new Map<FargateProfile, SelectedPod[]>(inv.fargateProfiles.map((p) => [p, []]));

  // Manifests name no cluster: each is taken to run in every cluster of the scan.
  const byCluster = new Map<string, FargateProfile[]>();
  for (const p of inv.fargateProfiles) byCluster.set(p.cluster, [...(byCluster.get(p.cluster) ?? []), p]);
  for (const pod of inv.kubeWorkloads) {
    for (const profiles of byCluster.values()) {
      for (const { profile, certainty } of placePod(pod, profiles)) {
        selected.get(profile)!.push({ pod, certainty });
        if (pod.kind === 'DaemonSet' && certainty === 'yes') {
          diagnostics.push({
            rule: 'invalid-input',
            severity: 'note',
            message: `Fargate profile ${display(profile.name)} selects DaemonSet ${display(pod.namespace)}/${display(pod.name)}, but DaemonSets do not run on Fargate: its pods stay pending unless a node group runs them`,
            loc: pod.loc,
          });
        }
      }
    }
  }

  const profilesOf = new Map<LinkedRole, FargateProfile[]>();
  const needsOf = new Map<FargateProfile, Need[]>();
  const unknownsOf = new Map<FargateProfile, string[]>();
  for (const profile of inv.fargateProfiles) {
    const pods = selected.get(profile)!;
    const what = `Fargate profile ${display(profile.name)}`;
    if (profile.selectors.length > MAX_SELECTORS) {
      diagnostics.push({ rule: 'invalid-input', severity: 'error', message: `${what} has ${profile.selectors.length} selectors; EKS allows at most ${MAX_SELECTORS}`, loc: profile.selectors[MAX_SELECTORS].loc });
    }
    if (inv.kubeWorkloads.length > 0 && pods.length === 0) {
      diagnostics.push({ rule: 'unresolved-reference', severity: 'note', message: `${what} selects no workload of the scanned manifests`, loc: profile.loc });
    }
    // A selector no scanned pod matches stands for pods deployed from elsewhere (add-ons in
    // kube-system pull from AWS's own registries): their images are not known.
    const blind = profile.selectors.filter((sel) => !pods.some(({ pod }) => selectorMatches(sel, pod) !== 'no'));
    const derived = podExecutionRoleNeeds(profile, pods, inv, blind.length > 0 || profile.selectors.length === 0);
    needsOf.set(profile, derived.needs);
    if (blind.length > 0 || profile.selectors.length === 0) {
      const which = pods.length === 0 ? `the pods of ${what}` : `the pods that ${what} selects in namespace ${blind.map((b) => display(b.namespace)).join(', ')}`;
      unknownsOf.set(profile, [`the images of ${which} are not known (no Kubernetes manifest in the scan shows them): ECR pulls are assumed, not checked per repository`]);
    }
    const ref = profile.podExecutionRole;
    const lr = ref && linked.findRole(ref.value);
    diagnostics.push(...derived.diagnostics.map((d) => (lr && !d.roleId ? { ...d, roleId: lr.role.id } : d)));
    if (!ref) {
      diagnostics.push({ rule: 'invalid-input', severity: 'error', message: `${what} has no pod execution role (PodExecutionRoleArn is required)`, loc: profile.loc });
    } else if (lr) {
      profilesOf.set(lr, [...(profilesOf.get(lr) ?? []), profile]);
      if (profile.createdRole) diagnostics.push({ rule: 'unresolved-reference', severity: 'note', message: `${what} names no pod execution role: ${profile.createdRole.note}`, loc: profile.loc, roleId: lr.role.id });
    } else {
      diagnostics.push({
        rule: 'unresolved-reference',
        severity: 'note',
        message: `pod execution role ${display(ref.value)} of ${what} is not defined in the scanned files; its permissions were not checked`,
        loc: ref.loc,
      });
    }
    if (ref && !hasToken(ref.value) && !ref.value.startsWith('arn:')) {
      diagnostics.push({ rule: 'invalid-input', severity: 'error', message: `the pod execution role of ${what} must be a role ARN, not ${display(ref.value)}`, loc: ref.loc });
    }
  }
  const nodeRoles = new Set(inv.nodeRoles.flatMap((n) => linked.findRole(n.role.value) ?? []));
  return { profilesOf, needsOf, unknownsOf, nodeRoles, diagnostics };
}
