// Property-based tests of the IAM engine (fast-check): action patterns against their expansion,
// ARN matching against brute force over enumerated ARNs, and monotonicity of evaluation.
//
// `npm test` runs a bounded number of cases from a fixed seed; `npm run fuzz` runs many more from a
// fresh seed (ROLEFIT_FUZZ_RUNS cases per property, ROLEFIT_FUZZ_SEED to replay one). A failure
// prints the seed and the shrunk counterexample; replay with ROLEFIT_FUZZ_SEED=<seed>.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { actionPatternMatches, expandActionPattern } from '../src/iam/actions.js';
import { resourceCovers, resourceOverlaps, type Tri } from '../src/iam/arn.js';
import { allServices, serviceActions } from '../src/iam/catalog.js';
import { decide, grants, type Decision, type PolicySet } from '../src/iam/evaluate.js';
import { parsePolicy } from '../src/iam/policy.js';
import type { RequestContext } from '../src/iam/variables.js';
import { token, type Policy, type PolicyKind } from '../src/model.js';
import { fromPlain } from '../src/sources/nodes.js';

const FUZZ_RUNS = Number(process.env.ROLEFIT_FUZZ_RUNS) || 0;
const SEED = process.env.ROLEFIT_FUZZ_SEED ? Number(process.env.ROLEFIT_FUZZ_SEED) : FUZZ_RUNS ? Date.now() % 2 ** 31 : 20261125;
if (FUZZ_RUNS) console.log(`property tests: ${FUZZ_RUNS} runs per property, seed ${SEED} (replay with ROLEFIT_FUZZ_SEED=${SEED})`);

/** fast-check parameters: `runs` cases under `npm test`, ROLEFIT_FUZZ_RUNS under `npm run fuzz`. */
const params = (runs: number) => ({ numRuns: FUZZ_RUNS || runs, seed: SEED });

/** True `percent` times in a hundred (drawn by fast-check, so a seed replays it). */
const sometimes = (percent: number) => fc.integer({ min: 0, max: 99 }).map((n) => n < percent);

/** Upper/lower case per character, as the bits say (patterns and names are case-insensitive). */
function recase(s: string, bits: boolean[]): string {
  return [...s].map((c, i) => (bits[i % Math.max(1, bits.length)] ? c.toUpperCase() : c.toLowerCase())).join('');
}

// ------------------------------------------------------------------------------------------------ (a) actions

const SERVICES = allServices();

/** A pattern made from a real catalog action: parts replaced by `*` or `?`, characters dropped or added, case scrambled. */
const actionCase = fc
  .record({
    svc: fc.nat(),
    act: fc.nat(),
    prefixFrom: fc.option(fc.nat(), { freq: 6, nil: undefined }),
    edits: fc.array(
      fc.record({ at: fc.nat(), len: fc.integer({ min: 0, max: 5 }), kind: fc.constantFrom('star', 'one', 'drop', 'add'), ch: fc.constantFrom('a', 'e', 's', 't', 'x') }),
      { maxLength: 3 },
    ),
    caseBits: fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }),
    bare: sometimes(5),
  })
  .map((r) => {
    const service = SERVICES[r.svc % SERVICES.length];
    const actions = serviceActions(service);
    let name = actions[r.act % actions.length].name;
    for (const e of r.edits) {
      const at = e.at % (name.length + 1);
      const rest = name.slice(at + (e.kind === 'add' ? 0 : e.kind === 'one' ? 1 : e.len));
      const put = e.kind === 'star' ? '*' : e.kind === 'one' ? '?' : e.kind === 'add' ? e.ch : '';
      name = name.slice(0, at) + put + rest;
    }
    const prefix = r.prefixFrom === undefined ? service : SERVICES[r.prefixFrom % SERVICES.length];
    const pattern = r.bare ? '*' : `${recase(prefix, r.caseBits)}:${recase(name, [...r.caseBits].reverse())}`;
    return { service, pattern, caseBits: r.caseBits, other: SERVICES[(r.svc * 7 + 3) % SERVICES.length] };
  });

describe('property: action patterns', () => {
  it('a pattern matches an action exactly when the action is in its expansion', () => {
    fc.assert(
      fc.property(actionCase, ({ service, pattern, caseBits, other }) => {
        const expansion = new Set(expandActionPattern(pattern).map((a) => a.full.toLowerCase()));
        // Every action of the pattern's service and of another one, named in any case.
        for (const a of [...serviceActions(service), ...serviceActions(other).slice(0, 25)]) {
          const named = recase(a.full, caseBits);
          if (actionPatternMatches(pattern, named) !== expansion.has(a.full.toLowerCase())) {
            throw new Error(`${pattern} vs ${named}: matches ${actionPatternMatches(pattern, named)}, in expansion ${expansion.has(a.full.toLowerCase())}`);
          }
        }
        // The expansion holds nothing the pattern does not match.
        for (const full of expansion) expect(actionPatternMatches(pattern, full), `${pattern} expands to ${full}`).toBe(true);
      }),
      params(100),
    );
  });
});

// ------------------------------------------------------------------------------------------------ (b) ARNs

/** Every word over `alphabet` up to `max` characters, the empty word included. */
function words(alphabet: string[], max: number): string[] {
  const out = [''];
  let layer = [''];
  for (let l = 1; l <= max; l++) {
    layer = layer.flatMap((w) => alphabet.map((c) => w + c));
    out.push(...layer);
  }
  return out;
}

/**
 * The concrete values of each ARN segment. Segment patterns use the same letters and at most four
 * atoms, so every pattern has a witness here and a word that separates two patterns is short
 * enough to be here too. The resource-id has ':' and letters of both cases (it is case-sensitive).
 */
const UNIVERSE = [['arn'], words(['a', 'w', 's', '-'], 6), ['s3', 'ecr'], words(['a', 'b', '-'], 5), words(['1', '2'], 5), words(['a', 'A', '/', ':'], 6)];

/** IAM's rule for one segment, written independently of src/iam: a glob, case-insensitive before the resource-id. */
function segmentMatcher(pattern: string, k: number): (s: string) => boolean {
  const body = [...pattern].map((c) => (c === '*' ? '[\\s\\S]*' : c === '?' ? '[\\s\\S]' : c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&'))).join('');
  const re = new RegExp(`^${body}$`, k < 5 ? 'i' : '');
  return (s) => re.test(s);
}

/** The six segments of an ARN pattern: split at the first five ':', short patterns padded with `*`. */
function segments(p: string): string[] {
  const out: string[] = [];
  let rest = p;
  while (out.length < 5 && rest.includes(':')) {
    out.push(rest.slice(0, rest.indexOf(':')));
    rest = rest.slice(rest.indexOf(':') + 1);
  }
  out.push(rest);
  while (out.length < 6) out.push('*');
  return out;
}

/**
 * Brute force over the product of the segment universes. Both patterns are products of segment
 * languages, each with a witness, so "every ARN the need matches, the grant matches" holds exactly
 * when it holds segment by segment, and "some ARN matches both" likewise.
 */
function bruteForce(grant: string, need: string): { covers: boolean; overlaps: boolean } {
  const g = segments(grant);
  const n = segments(need);
  let covers = true;
  let overlaps = true;
  UNIVERSE.forEach((values, k) => {
    const inNeed = values.filter(segmentMatcher(n[k], k));
    if (inNeed.length === 0) throw new Error(`no witness for segment ${k} of ${need}`);
    const inGrant = segmentMatcher(g[k], k);
    if (!inNeed.every(inGrant)) covers = false;
    if (!inNeed.some(inGrant)) overlaps = false;
  });
  return { covers, overlaps };
}

const glob = (atoms: string[], max: number) => fc.array(fc.constantFrom(...atoms, '*', '?'), { maxLength: max }).map((a) => a.join(''));

/**
 * An ARN pattern: segment globs over the universe's letters, sometimes cut short (then padded with
 * `*`). A need starts with `arn` (what the needs stage writes); rolefit reads a wildcard there as a
 * glob over any text, which the universe (only `arn`) would not tell apart.
 */
const arnPattern = (need: boolean) =>
  fc
    .record({
      arn: need ? fc.constantFrom('arn', 'ARN') : fc.constantFrom('arn', 'ARN', 'a*', '*', 'ar?'),
      partition: fc.oneof(fc.constantFrom('aws', 'AWS', 'aWs', '*'), glob(['a', 'w', 's', '-'], 4)),
      service: fc.constantFrom('s3', 'S3', 'ecr', 'eCr'),
      region: glob(['a', 'A', 'b', '-'], 3),
      account: glob(['1', '2'], 3),
      resource: glob(['a', 'A', '/', ':'], 4),
      keep: fc.oneof({ weight: 5, arbitrary: fc.constant(6) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 5 }) }),
    })
    .map((r) => [r.arn, r.partition, r.service, r.region, r.account, r.resource].slice(0, r.keep).join(':'));

describe('property: ARN patterns', () => {
  it('resourceCovers and resourceOverlaps agree with brute force over enumerated ARNs', () => {
    fc.assert(
      fc.property(fc.oneof({ weight: 1, arbitrary: fc.constant('*') }, { weight: 15, arbitrary: arnPattern(false) }), arnPattern(true), (grant, need) => {
        const want = bruteForce(grant, need);
        // A wildcard in the service segment (written, or padded into a short pattern) is documented
        // as invalid: where the glob reading says yes, rolefit leaves the answer open.
        const serviceWild = (p: string) => p !== '*' && /[*?]/.test(segments(p)[2]);
        const expected = (b: boolean): Tri => (grant === '*' ? 'yes' : !b ? 'no' : serviceWild(grant) || serviceWild(need) ? 'unknown' : 'yes');
        expect(resourceCovers(grant, need), `covers(${grant}, ${need})`).toBe(expected(want.covers));
        expect(resourceOverlaps(grant, need), `overlaps(${grant}, ${need})`).toBe(expected(want.overlaps));
        expect(resourceOverlaps(need, grant), `overlaps(${need}, ${grant})`).toBe(expected(want.overlaps));
      }),
      params(400),
    );
  });

  it('only a grant of exactly "*" covers the resource of a wildcard-only action', () => {
    fc.assert(
      fc.property(fc.oneof(fc.constant('*'), arnPattern(false)), (grant) => {
        expect(resourceCovers(grant, '*')).toBe(grant === '*' ? 'yes' : 'no');
      }),
      params(200),
    );
  });
});

// ------------------------------------------------------------------------------------------------ (c) evaluation

const ACCT = token('AWS::AccountId@t.yaml');
const REPO = 'arn:aws:ecr:us-east-1:111122223333:repository/app';
const GROUP = 'arn:aws:logs:us-east-1:111122223333:log-group:/ecs/app';
const SECRET = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf';

const ACTIONS = [
  'ecr:BatchGetImage', 'ecr:Get*', 'ecr:*', 'ecr:GetAuthorizationToken', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:*',
  's3:GetObject', 's3:Get*', 'secretsmanager:GetSecretValue', 'kms:Decrypt', '*', 'ecr:Batch?etImage', `ecr:${token('Act@t.yaml')}`,
];
const RESOURCES = [
  '*', REPO, 'arn:aws:ecr:*:111122223333:repository/*', `arn:aws:ecr:us-east-1:${ACCT}:repository/app`, 'arn:aws:logs:*:*:*', `${GROUP}:*`,
  `${GROUP}:log-stream:\${aws:PrincipalTag/team}*`, 'arn:aws:s3:::b/*', 'arn:aws:secretsmanager:*:*:secret:prod/*', token('Res@t.yaml'),
  'arn:aws:kms:us-east-1:111122223333:key/*',
];
const CONDITIONS: object[] = [
  { StringEquals: { 'aws:SourceAccount': '111122223333' } },
  { StringLike: { 'aws:PrincipalTag/team': 'a*' } },
  { Bool: { 'aws:SecureTransport': 'true' } },
  { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['a', 'b'] } },
  { Null: { 'aws:ResourceTag/env': 'true' } },
  { StringNotEquals: { 'aws:SourceAccount': '999' } },
  { ArnLike: { 'aws:SourceArn': 'arn:aws:ecs:*:111122223333:*' } },
];
const REQUESTS: Array<[string, string]> = [
  ['ecr:BatchGetImage', REPO],
  ['ecr:GetDownloadUrlForLayer', 'arn:aws:ecr:eu-west-1:111122223333:repository/other'],
  ['ecr:GetAuthorizationToken', '*'],
  ['logs:PutLogEvents', `${GROUP}:log-stream:abc/1`],
  ['logs:CreateLogStream', `${GROUP}:log-stream:*`],
  ['s3:GetObject', 'arn:aws:s3:::b/k'],
  ['secretsmanager:GetSecretValue', SECRET],
  ['kms:Decrypt', 'arn:aws:kms:us-east-1:111122223333:key/k'],
];
const CONTEXT_VALUES: Array<[string, string[]]> = [
  ['aws:SourceAccount', ['111122223333']], ['aws:SourceAccount', ['999']], ['aws:PrincipalTag/team', ['abc']], ['aws:PrincipalTag/team', ['x']],
  ['aws:SecureTransport', ['true']], ['aws:SecureTransport', ['false']], ['aws:TagKeys', ['a']], ['aws:ResourceTag/env', ['prod']],
  ['aws:SourceArn', ['arn:aws:ecs:us-east-1:111122223333:task/c/1']],
];

const statement = (effect?: 'Allow' | 'Deny') =>
  fc
    .record({
      effect: effect ? fc.constant(effect) : fc.oneof({ weight: 3, arbitrary: fc.constant('Allow') }, { weight: 1, arbitrary: fc.constant('Deny') }),
      notAction: sometimes(15),
      actions: fc.subarray(ACTIONS, { minLength: 1, maxLength: 3 }),
      notResource: sometimes(15),
      resources: fc.subarray(RESOURCES, { minLength: 1, maxLength: 3 }),
      condition: fc.option(fc.constantFrom(...CONDITIONS), { freq: 2, nil: undefined }),
    })
    .map((s) => ({
      Effect: s.effect,
      [s.notAction ? 'NotAction' : 'Action']: s.actions,
      [s.notResource ? 'NotResource' : 'Resource']: s.resources,
      ...(s.condition ? { Condition: s.condition } : {}),
    }));

type Docs = { identity: object[][]; boundary?: object[][] };

const policySet: fc.Arbitrary<Docs> = fc.record({
  identity: fc.array(fc.array(statement(), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 2 }),
  // No boundary, one that could not be resolved ([]), or one or two boundary policies.
  boundary: fc.option(fc.array(fc.array(statement(), { minLength: 1, maxLength: 2 }), { maxLength: 2 }), { freq: 2, nil: undefined }),
});

const context: fc.Arbitrary<RequestContext> = fc.record({ entries: fc.subarray(CONTEXT_VALUES), complete: fc.boolean() }).map((c) => {
  const keys: Record<string, string[]> = {};
  for (const [k, v] of c.entries) keys[k] = [...(keys[k] ?? []), ...v];
  return { keys, complete: c.complete };
});

const LOC = { file: 'p.json', line: 1, column: 1 };
const policy = (statements: object[], name: string, kind: PolicyKind): Policy =>
  parsePolicy(fromPlain({ Version: '2012-10-17', Statement: statements }, LOC), { name, kind }).policy;

function build(d: Docs): PolicySet {
  const set: PolicySet = { identity: d.identity.map((s, i) => policy(s, `id${i}`, 'inline')) };
  if (d.boundary) set.boundary = d.boundary.map((s, i) => policy(s, `pb${i}`, 'managed'));
  return set;
}

/** `d` with `st` added: to one of its identity policies, to a new identity policy, or to a boundary policy. */
function withStatement(d: Docs, st: object, where: number): Docs {
  const targets = d.identity.length + 1 + (d.boundary?.length ?? 0);
  const t = where % targets;
  const identity = d.identity.map((s) => [...s]);
  const boundary = d.boundary?.map((s) => [...s]);
  if (t < identity.length) identity[t].push(st);
  else if (t === identity.length) identity.push([st]);
  else boundary![t - identity.length - 1].push(st);
  return boundary ? { identity, boundary } : { identity };
}

/** How far toward being allowed a decision is. */
const RANK: Record<Decision['decision'], number> = { denied: 0, 'not-allowed': 1, unknown: 2, allowed: 3 };

function grantKeys(set: PolicySet): Map<string, boolean> {
  return new Map(grants(set).map((g) => [`${g.policy.name}/${g.statement.index}/${g.action.full}`, g.conditional]));
}

const monotonicCase = (effect: 'Allow' | 'Deny') =>
  fc.record({ docs: policySet, added: statement(effect), where: fc.nat(), request: fc.constantFrom(...REQUESTS), ctx: context });

describe('property: evaluation is monotonic', () => {
  it('adding an Allow never takes a decision away from allowed, never lifts a deny, never removes a grant', () => {
    fc.assert(
      fc.property(monotonicCase('Allow'), ({ docs, added, where, request: [action, resource], ctx }) => {
        const before = build(docs);
        const after = build(withStatement(docs, added, where));
        const b = decide(before, action, resource, ctx).decision;
        const a = decide(after, action, resource, ctx).decision;
        if (b === 'allowed') expect(a).toBe('allowed');
        if (b === 'denied') expect(a).toBe('denied');
        expect(RANK[a], `${b} became ${a}`).toBeGreaterThanOrEqual(RANK[b]);
        // Compared in bulk: a grant set can hold every action of the catalog.
        const ga = grantKeys(after);
        const lost = [...grantKeys(before)].filter(([key, conditional]) => !ga.has(key) || (!conditional && ga.get(key)));
        expect(lost.map(([key]) => key), 'grants removed or made conditional').toEqual([]);
      }),
      params(80),
    );
  });

  it('adding a Deny never makes anything allowed, never lifts a deny, never adds a grant', () => {
    fc.assert(
      fc.property(monotonicCase('Deny'), ({ docs, added, where, request: [action, resource], ctx }) => {
        const before = build(docs);
        const after = build(withStatement(docs, added, where));
        const b = decide(before, action, resource, ctx).decision;
        const a = decide(after, action, resource, ctx).decision;
        if (b !== 'allowed') expect(a).not.toBe('allowed');
        if (b === 'denied') expect(a).toBe('denied');
        expect(RANK[a], `${b} became ${a}`).toBeLessThanOrEqual(RANK[b]);
        const gb = grantKeys(before);
        expect([...grantKeys(after).keys()].filter((key) => !gb.has(key)), 'grants added').toEqual([]);
      }),
      params(80),
    );
  });
});
