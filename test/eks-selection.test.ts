// Pod-to-profile placement exactly as EKS documents it (domain.md §2.6): namespace and every
// selector label must match, `*` and `?` wildcards in namespace, label keys and values, the first
// profile by name wins, and the eks.amazonaws.com/fargate-profile label pins one.
import { describe, expect, it } from 'vitest';
import { placePod, profileMatches, selectorMatches, wildcardMatch } from '../src/needs/fargate-selection.js';
import { token, type FargateProfile } from '../src/model.js';

const loc = { file: 'x', line: 1, column: 1 };
function profile(name: string, selectors: Array<{ namespace: string; labels?: Record<string, string> }>): FargateProfile {
  return {
    id: name,
    name,
    cluster: 'c',
    selectors: selectors.map((s) => ({ namespace: s.namespace, labels: s.labels ?? {}, loc })),
    region: 'eu-west-1',
    account: '111122223333',
    partition: 'aws',
    source: 'eksctl',
    loc,
  };
}
const pod = (namespace: string, labels: Record<string, string> = {}) => ({ namespace, labels });

describe('wildcards', () => {
  it.each([
    ['prod', 'prod', 'yes'],
    ['prod', 'production', 'no'],
    ['prod*', 'production', 'yes'],
    ['prod-?', 'prod-1', 'yes'],
    ['prod-?', 'prod-12', 'no'],
    ['*', 'anything', 'yes'],
    ['*', '', 'yes'],
    ['team-*-jobs', 'team-a-jobs', 'yes'],
    ['Prod', 'prod', 'no'],
  ])('%s against %s → %s', (pattern, value, expected) => expect(wildcardMatch(pattern, value)).toBe(expected));

  it('a value left open by a template may match', () => {
    expect(wildcardMatch('prod', token('helm:.Release.Namespace'))).toBe('maybe');
    expect(wildcardMatch('*', token('helm:.Release.Namespace'))).toBe('yes');
  });
});

describe('selectors', () => {
  it('needs the namespace and every label', () => {
    const sel = { namespace: 'shop', labels: { app: 'web', tier: 'front*' }, loc };
    expect(selectorMatches(sel, pod('shop', { app: 'web', tier: 'frontend', extra: 'x' }))).toBe('yes');
    expect(selectorMatches(sel, pod('shop', { app: 'web' }))).toBe('no');
    expect(selectorMatches(sel, pod('other', { app: 'web', tier: 'frontend' }))).toBe('no');
  });
  it('label keys take wildcards too', () => {
    const sel = { namespace: '*', labels: { 'team.example.com/*': 'payments' }, loc };
    expect(selectorMatches(sel, pod('a', { 'team.example.com/owner': 'payments' }))).toBe('yes');
    expect(selectorMatches(sel, pod('a', { 'team.example.com/owner': 'billing' }))).toBe('no');
  });
  it('a selector without labels takes every pod of the namespace', () => {
    expect(selectorMatches({ namespace: 'batch', labels: {}, loc }, pod('batch', { a: 'b' }))).toBe('yes');
  });
  it('a profile matches when any of its selectors does', () => {
    const p = profile('p', [{ namespace: 'a' }, { namespace: 'b', labels: { x: '1' } }]);
    expect(profileMatches(p, pod('b', { x: '1' }))).toBe('yes');
    expect(profileMatches(p, pod('b'))).toBe('no');
  });
});

describe('placement among the profiles of a cluster', () => {
  const beta = profile('beta', [{ namespace: 'shop' }]);
  const alpha = profile('alpha', [{ namespace: 'shop', labels: { app: 'web' } }]);
  const gamma = profile('gamma', [{ namespace: '*' }]);

  it('the matching profile whose name sorts first wins', () => {
    expect(placePod(pod('shop', { app: 'web' }), [gamma, beta, alpha])).toEqual([{ profile: alpha, certainty: 'yes' }]);
    expect(placePod(pod('shop', { app: 'api' }), [gamma, beta, alpha])).toEqual([{ profile: beta, certainty: 'yes' }]);
    expect(placePod(pod('tools'), [gamma, beta, alpha])).toEqual([{ profile: gamma, certainty: 'yes' }]);
  });
  it('no matching profile: the pod does not run on Fargate', () => {
    expect(placePod(pod('tools'), [beta, alpha])).toEqual([]);
  });
  it('the fargate-profile label pins one of the matching profiles', () => {
    const pinned = pod('shop', { app: 'web', 'eks.amazonaws.com/fargate-profile': 'gamma' });
    expect(placePod(pinned, [gamma, beta, alpha])).toEqual([{ profile: gamma, certainty: 'yes' }]);
  });
  it('a pin to a profile that does not match schedules it on no profile', () => {
    expect(placePod(pod('shop', { 'eks.amazonaws.com/fargate-profile': 'alpha' }), [beta, alpha])).toEqual([]);
  });
  it('an undecided candidate sorting first leaves the choice open', () => {
    const open = profile('aaa', [{ namespace: token('Param') }]);
    expect(placePod(pod('shop'), [beta, open])).toEqual([
      { profile: open, certainty: 'maybe' },
      { profile: beta, certainty: 'maybe' },
    ]);
    // One that sorts after the certain winner changes nothing.
    const late = profile('zzz', [{ namespace: token('Param') }]);
    expect(placePod(pod('shop'), [beta, late])).toEqual([{ profile: beta, certainty: 'yes' }]);
  });
});
