// Which Fargate profile runs a pod, exactly as EKS decides it (domain.md §2.6): a selector matches
// when the namespace and every selector label match (`*` any run, `?` one character, in namespace,
// label keys and values); among the profiles of a cluster that match, the pod's
// `eks.amazonaws.com/fargate-profile` label pins one, else the profile whose name sorts first wins.
// Values a Helm template or a parameter leaves open are tokens: a match that hangs on one is "maybe".
import { hasToken, type FargateProfile, type FargateSelector, type KubeWorkload } from '../model.js';
import { globMatches, parseGlob } from '../iam/glob.js';

export const PIN_LABEL = 'eks.amazonaws.com/fargate-profile';

export type Match = 'yes' | 'no' | 'maybe';

/** Does the selector pattern (wildcards) match the value? */
export function wildcardMatch(pattern: string, value: string): Match {
  if (globMatches(parseGlob(pattern), parseGlob(value, { literal: true }))) return 'yes';
  return hasToken(pattern) || hasToken(value) ? 'maybe' : 'no';
}

function and(a: Match, b: Match): Match {
  return a === 'no' || b === 'no' ? 'no' : a === 'maybe' || b === 'maybe' ? 'maybe' : 'yes';
}

function or(a: Match, b: Match): Match {
  return a === 'yes' || b === 'yes' ? 'yes' : a === 'maybe' || b === 'maybe' ? 'maybe' : 'no';
}

export function selectorMatches(sel: FargateSelector, pod: Pick<KubeWorkload, 'namespace' | 'labels'>): Match {
  let m = wildcardMatch(sel.namespace, pod.namespace);
  for (const [key, value] of Object.entries(sel.labels)) {
    let label: Match = 'no';
    for (const [k, v] of Object.entries(pod.labels)) label = or(label, and(wildcardMatch(key, k), wildcardMatch(value, v)));
    m = and(m, label);
    if (m === 'no') break;
  }
  return m;
}

export function profileMatches(p: FargateProfile, pod: Pick<KubeWorkload, 'namespace' | 'labels'>): Match {
  return p.selectors.reduce<Match>((m, s) => or(m, selectorMatches(s, pod)), 'no');
}

export interface Placement {
  profile: FargateProfile;
  /** `maybe` when a value the input leaves open decides it. */
  certainty: 'yes' | 'maybe';
}

/**
 * The profile of one cluster that runs the pod, if any. With an undecided candidate sorting before
 * the first certain one, each of them may be the one: all are returned as `maybe`.
 */
export function placePod(pod: Pick<KubeWorkload, 'namespace' | 'labels'>, clusterProfiles: FargateProfile[]): Placement[] {
  const matching = clusterProfiles
    .map((profile) => ({ profile, m: profileMatches(profile, pod) }))
    .filter((c) => c.m !== 'no')
    .sort((a, b) => (a.profile.name < b.profile.name ? -1 : a.profile.name > b.profile.name ? 1 : 0));
  const pin = pod.labels[PIN_LABEL];
  const candidates = pin === undefined ? matching : matching.filter((c) => c.profile.name === pin || hasToken(c.profile.name));
  const out: Placement[] = [];
  for (const c of candidates) {
    const certain = c.m === 'yes' && !hasToken(c.profile.name) && (pin === undefined || c.profile.name === pin);
    if (certain) {
      // Settled only if nothing undecided sorts before it.
      out.push({ profile: c.profile, certainty: out.length === 0 ? 'yes' : 'maybe' });
      break;
    }
    out.push({ profile: c.profile, certainty: 'maybe' });
  }
  return out;
}
