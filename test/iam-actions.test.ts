import { describe, expect, it } from 'vitest';
import {
  actionPatternMatches,
  checkActionPattern,
  expandActionPattern,
  expandActionPatterns,
} from '../src/iam/actions.js';
import { allActions, serviceActions } from '../src/iam/catalog.js';
import { token } from '../src/model.js';

const fulls = (xs: { full: string }[]) => xs.map((x) => x.full);

describe('actionPatternMatches', () => {
  it('is case-insensitive in prefix and name (domain.md §7: ECR:batchget* ↔ ecr:BatchGetImage)', () => {
    expect(actionPatternMatches('ECR:batchget*', 'ecr:BatchGetImage')).toBe(true);
    expect(actionPatternMatches('iam:ListAccessKeys', 'IAM:listaccesskeys')).toBe(true);
    expect(actionPatternMatches('ecr:BatchGetImage', 'ecr:BatchGetImage')).toBe(true);
    expect(actionPatternMatches('ecr:BatchGetImage', 'ecr:BatchGetImages')).toBe(false);
  });

  it('supports * (any run, including empty) and ? (exactly one character) in the name', () => {
    expect(actionPatternMatches('ecr:*', 'ecr:BatchGetImage')).toBe(true);
    expect(actionPatternMatches('ecr:Batch*Image', 'ecr:BatchGetImage')).toBe(true);
    expect(actionPatternMatches('ecr:BatchGetImage*', 'ecr:BatchGetImage')).toBe(true);
    expect(actionPatternMatches('ecr:*Image', 'ecr:BatchGetImage')).toBe(true);
    expect(actionPatternMatches('ecr:*Images', 'ecr:BatchGetImage')).toBe(false);
    expect(actionPatternMatches('ecr:BatchGetImag?', 'ecr:BatchGetImage')).toBe(true);
    expect(actionPatternMatches('ecr:BatchGetImage?', 'ecr:BatchGetImage')).toBe(false);
    expect(actionPatternMatches('ecr:?atch?et*', 'ecr:BatchGetImage')).toBe(true);
    expect(actionPatternMatches('logs:*LogEvents', 'logs:PutLogEvents')).toBe(true);
  });

  it('never applies wildcards to the service prefix, except the bare *', () => {
    expect(actionPatternMatches('*', 'ecr:BatchGetImage')).toBe(true);
    expect(actionPatternMatches('*', 'iam:PassRole')).toBe(true);
    expect(actionPatternMatches('ec*:BatchGetImage', 'ecr:BatchGetImage')).toBe(false);
    expect(actionPatternMatches('*:BatchGetImage', 'ecr:BatchGetImage')).toBe(false);
    expect(actionPatternMatches('ec?:BatchGetImage', 'ecr:BatchGetImage')).toBe(false);
    expect(actionPatternMatches('*:*', 'ecr:BatchGetImage')).toBe(false);
    expect(actionPatternMatches('ecs:*', 'ecr:BatchGetImage')).toBe(false);
  });

  it('rejects malformed patterns and tokens', () => {
    expect(actionPatternMatches('ecr', 'ecr:BatchGetImage')).toBe(false);
    expect(actionPatternMatches('', 'ecr:BatchGetImage')).toBe(false);
    expect(actionPatternMatches('ecr:' + token('Param@t.yaml'), 'ecr:BatchGetImage')).toBe(false);
    expect(actionPatternMatches(token('Action@t.yaml'), 'ecr:BatchGetImage')).toBe(false);
  });

  it('does not backtrack exponentially on many stars', () => {
    const p = 'ecr:' + '*a'.repeat(40) + '*b';
    expect(actionPatternMatches(p, 'ecr:' + 'a'.repeat(2000))).toBe(false);
    expect(actionPatternMatches(p, 'ecr:' + 'a'.repeat(2000) + 'b')).toBe(true);
  });
});

describe('expandActionPattern', () => {
  it('expands wildcards against the catalog, sorted by full name', () => {
    const got = fulls(expandActionPattern('ecr:BatchGet*'));
    const expected = serviceActions('ecr')
      .filter((a) => a.name.toLowerCase().startsWith('batchget'))
      .map((a) => a.full);
    expect(got).toEqual(expected);
    expect(got).toContain('ecr:BatchGetImage');
    expect(got.length).toBeGreaterThan(1);
    expect(got).toEqual([...got].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)));
  });

  it('expands service-wide and bare wildcards', () => {
    expect(fulls(expandActionPattern('LOGS:*'))).toEqual(fulls(serviceActions('logs')));
    expect(expandActionPattern('*').length).toBe(allActions().length);
  });

  it('resolves a concrete action to catalog casing', () => {
    expect(fulls(expandActionPattern('ECR:batchgetimage'))).toEqual(['ecr:BatchGetImage']);
    expect(fulls(expandActionPattern('ecr:GetAuthori?ationToken'))).toEqual(['ecr:GetAuthorizationToken']);
  });

  it('yields nothing for typos, unknown services, malformed patterns and tokens', () => {
    expect(expandActionPattern('ecr:BatchGetImages')).toEqual([]);
    expect(expandActionPattern('nope:*')).toEqual([]);
    expect(expandActionPattern('ec*:BatchGetImage')).toEqual([]);
    expect(expandActionPattern('ecr')).toEqual([]);
    expect(expandActionPattern('ecr:')).toEqual([]);
    expect(expandActionPattern('')).toEqual([]);
    expect(expandActionPattern('ecr:' + token('X@t.yaml'))).toEqual([]);
  });

  it('agrees with actionPatternMatches over a whole service', () => {
    for (const p of ['ecr:*Image*', 'ecr:Get?*', 'ecr:*Layer?*', 'ecr:Describe*', 'ecr:?']) {
      const viaMatch = serviceActions('ecr').filter((a) => actionPatternMatches(p, a.full));
      expect(fulls(expandActionPattern(p)), p).toEqual(fulls(viaMatch));
    }
  });
});

describe('expandActionPatterns', () => {
  it('unions without duplicates, sorted', () => {
    const got = fulls(expandActionPatterns(['ecr:BatchGetImage', 'ecr:BatchGet*', 'logs:PutLogEvents']));
    expect(new Set(got).size).toBe(got.length);
    expect(got).toContain('ecr:BatchGetImage');
    expect(got).toContain('logs:PutLogEvents');
    expect(got.indexOf('ecr:BatchGetImage')).toBeLessThan(got.indexOf('logs:PutLogEvents'));
    expect(expandActionPatterns([])).toEqual([]);
  });

  it('complements over the whole catalog for NotAction (domain.md §7: NotAction iam:* grants non-IAM)', () => {
    const all = allActions();
    const notIam = expandActionPatterns(['iam:*'], true);
    expect(notIam.length).toBe(all.length - serviceActions('iam').length);
    expect(fulls(notIam)).toContain('ecr:BatchGetImage');
    expect(notIam.some((a) => a.service === 'iam')).toBe(false);
    expect(expandActionPatterns(['*'], true)).toEqual([]);
    expect(expandActionPatterns([], true).length).toBe(all.length);
    // A typo in NotAction excludes nothing.
    expect(expandActionPatterns(['ecr:BatchGetImages'], true).length).toBe(all.length);
  });
});

describe('checkActionPattern', () => {
  it('accepts valid patterns', () => {
    for (const p of ['*', 'ecr:*', 'ECR:batchgetimage', 'logs:Put*', 'ecr:BatchGet?mage', 'secretsmanager:GetSecretValue']) {
      expect(checkActionPattern(p), p).toEqual({ ok: true });
    }
  });

  it('accepts patterns holding tokens without judging them', () => {
    expect(checkActionPattern(token('Action@t.yaml'))).toEqual({ ok: true });
    expect(checkActionPattern('ecr:' + token('X@t.yaml'))).toEqual({ ok: true });
  });

  const reason = (p: string) => {
    const r = checkActionPattern(p);
    expect(r.ok, p).toBe(false);
    return r.ok ? '' : r.reason;
  };

  it('rejects malformed patterns', () => {
    expect(reason('')).toMatch(/empty/);
    expect(reason('  ')).toMatch(/empty/);
    expect(reason('ecr')).toMatch(/no service prefix/);
    expect(reason(':BatchGetImage')).toMatch(/empty service prefix/);
    expect(reason('ecr:')).toMatch(/empty action name/);
    expect(reason('ec*:BatchGetImage')).toMatch(/wildcards are not allowed in the service prefix/);
  });

  it('rejects unknown services, suggesting a near one', () => {
    expect(reason('secretmanager:GetSecretValue')).toMatch(/unknown service prefix "secretmanager" \(did you mean secretsmanager\?\)/);
    expect(reason('zzzzzzzzzz:Get')).not.toMatch(/did you mean/);
  });

  it('rejects patterns matching no action, suggesting the likely one', () => {
    expect(reason('ecr:BatchGetImages')).toBe('"ecr:BatchGetImages" matches no ecr action (did you mean ecr:BatchGetImage?)');
    expect(reason('logs:PutLogEvent')).toMatch(/did you mean logs:PutLogEvents\?/);
    expect(reason('ecr:Nothing*Like*This')).toMatch(/matches no ecr action$/);
    expect(reason('ecr:Xyzzy')).not.toMatch(/did you mean/);
  });
});
