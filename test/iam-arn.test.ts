import { describe, expect, it } from 'vitest';
import { parseArn, resourceCovers, resourceOverlaps, type Tri } from '../src/iam/arn.js';
import { token } from '../src/model.js';
import { pick, rng } from './helpers/random.js';

const ACCT = token('AWS::AccountId@t.yaml');
const REGION = token('AWS::Region@t.yaml');
const LG = 'arn:aws:logs:us-east-1:1:log-group:/ecs/app';
const SM = 'arn:aws:secretsmanager:us-east-1:1:secret:';

describe('parseArn', () => {
  it('splits at the first five colons; the resource keeps its own', () => {
    expect(parseArn(LG + ':log-stream:web/1')).toEqual({
      partition: 'aws',
      service: 'logs',
      region: 'us-east-1',
      account: '1',
      resource: 'log-group:/ecs/app:log-stream:web/1',
    });
    expect(parseArn('arn:aws:s3:::bucket/key')).toEqual({
      partition: 'aws',
      service: 's3',
      region: '',
      account: '',
      resource: 'bucket/key',
    });
    expect(parseArn('arn:aws:iam::123456789012:role/path/r')?.resource).toBe('role/path/r');
  });

  it('never splits inside a token', () => {
    expect(parseArn(`arn:aws:ecr:${REGION}:${ACCT}:repository/app`)).toEqual({
      partition: 'aws',
      service: 'ecr',
      region: REGION,
      account: ACCT,
      resource: 'repository/app',
    });
  });

  it('rejects what is not an ARN', () => {
    expect(parseArn('*')).toBeUndefined();
    expect(parseArn('arn:aws:s3::')).toBeUndefined();
    expect(parseArn('foo:aws:s3:::b')).toBeUndefined();
    expect(parseArn(token('SecretArn@t.yaml'))).toBeUndefined();
    expect(parseArn('')).toBeUndefined();
  });
});

describe('resourceCovers: domain.md §7 matching vectors', () => {
  const cases: Array<[string, string, Tri]> = [
    [LG + ':*', LG + ':log-stream:app/web/*', 'yes'],
    [LG, LG + ':log-stream:app/web/*', 'no'],
    [LG + ':*', LG, 'no'],
    ['arn:aws:ecr:*:1:repository/*', '*', 'no'],
    [SM + 'prod/db-??????', SM + 'prod/db-AbCdEf', 'yes'],
    [SM + 'prod/db', SM + 'prod/db-AbCdEf', 'no'],
    ['arn:aws:ecr:us-east-1:123:repository/*', 'arn:aws:ecr:us-east-1:123:repository/team/api', 'yes'],
    ['arn:aws:ecr:*:*:repository/app', 'arn:aws:ecr:eu-west-1:123:repository/app', 'yes'],
    ['arn:aws:ecr:us-*:*:repository/app', 'arn:aws:ecr:eu-west-1:123:repository/app', 'no'],
    [`arn:aws:ecr:us-east-1:${ACCT}:repository/app`, `arn:aws:ecr:us-east-1:${ACCT}:repository/app`, 'yes'],
    [`arn:aws:ecr:us-east-1:${ACCT}:repository/app`, 'arn:aws:ecr:us-east-1:123456789012:repository/app', 'unknown'],
    ['arn:aws:s3:::b/*', 'arn:aws:s3:::b', 'no'],
  ];
  for (const [grant, need, expected] of cases) {
    it(`${grant} vs ${need} → ${expected}`, () => expect(resourceCovers(grant, need)).toBe(expected));
  }
});

describe('resourceCovers: IAM semantics', () => {
  it('`*` covers everything, and only `*` covers a wildcard-only need', () => {
    expect(resourceCovers('*', 'arn:aws:ecr:us-east-1:1:repository/x')).toBe('yes');
    expect(resourceCovers('*', '*')).toBe('yes');
    expect(resourceCovers('*', token('X@t'))).toBe('yes');
    expect(resourceCovers('arn:*', '*')).toBe('no');
    expect(resourceCovers('arn:aws:*:*:*:*', '*')).toBe('no');
    expect(resourceCovers('**', '*')).toBe('no');
    // A grant that is wholly unknown could be `*`.
    expect(resourceCovers(token('Res@t'), '*')).toBe('unknown');
    expect(resourceCovers(`arn:aws:ecr:*:${ACCT}:*`, '*')).toBe('no');
  });

  it('globs partition, region and account within their segment only', () => {
    const need = 'arn:aws:ecr:eu-west-1:123:repository/app';
    expect(resourceCovers('arn:aws:ecr:eu-*:123:repository/app', need)).toBe('yes');
    expect(resourceCovers('arn:aws:ecr:eu-west-?:123:repository/app', need)).toBe('yes');
    expect(resourceCovers('arn:aws:ecr:eu-west-??:123:repository/app', need)).toBe('no');
    expect(resourceCovers('arn:*:ecr:*:*:repository/app', need)).toBe('yes');
    expect(resourceCovers('arn:aws:ecr:*:12?:repository/app', need)).toBe('yes');
    expect(resourceCovers('arn:aws:ecr:*:1*:repository/app', need)).toBe('yes');
    expect(resourceCovers('arn:aws:ecr:*:12:repository/app', need)).toBe('no');
    // A region `*` does not swallow the account: the ':' belongs to the ARN's structure.
    expect(resourceCovers('arn:aws:ecr:*:repository/app', need)).toBe('no');
  });

  it('matches partition, service, region and account case-insensitively, the resource-id case-sensitively', () => {
    const need = 'arn:aws:ecr:eu-west-1:123:repository/app';
    expect(resourceCovers('ARN:AWS:ECR:EU-WEST-1:123:repository/app', need)).toBe('yes');
    expect(resourceCovers('arn:aws:Ecr:eu-west-1:123:repository/app', need)).toBe('yes');
    expect(resourceCovers('arn:aws:ecr:eu-west-1:123:Repository/app', need)).toBe('no');
    expect(resourceCovers('arn:aws:ecr:eu-west-1:123:repository/App', need)).toBe('no');
  });

  it('requires the service to be equal', () => {
    expect(resourceCovers('arn:aws:ecs:*:*:*', 'arn:aws:ecr:us-east-1:1:repository/x')).toBe('no');
    expect(resourceCovers('arn:aws:ecr:*:*:*', 'arn:aws:ecr:us-east-1:1:repository/x')).toBe('yes');
  });

  it('does not decide wildcards in the service segment, which IAM documents as invalid', () => {
    expect(resourceCovers('arn:aws:*:*:*:*', 'arn:aws:ecr:us-east-1:1:repository/x')).toBe('unknown');
    expect(resourceCovers('arn:aws:ec?:*:*:*', 'arn:aws:ecr:us-east-1:1:repository/x')).toBe('unknown');
    // Not even the glob reading could match: a definite no.
    expect(resourceCovers('arn:aws:s*:*:*:*', 'arn:aws:ecr:us-east-1:1:repository/x')).toBe('no');
    expect(resourceCovers('arn:aws:*:*:*:bucket', 'arn:aws:ecr:us-east-1:1:repository/x')).toBe('no');
  });

  it('lets `*` in the resource-id cross "/" and ":"', () => {
    expect(resourceCovers('arn:aws:logs:*:*:log-group:g:*', 'arn:aws:logs:r:1:log-group:g:log-stream:s')).toBe('yes');
    expect(resourceCovers('arn:aws:logs:*:*:*', 'arn:aws:logs:r:1:log-group:g:log-stream:s')).toBe('yes');
    expect(resourceCovers('arn:aws:logs:*:*:log-group:*:log-stream:*', LG + ':log-stream:x/y')).toBe('yes');
    expect(resourceCovers('arn:aws:logs:*:*:log-group:*', LG)).toBe('yes');
    expect(resourceCovers('arn:aws:logs:*:*:log-group:/ecs/*', LG + ':log-stream:web')).toBe('yes');
    expect(resourceCovers('arn:aws:s3:::b/*', 'arn:aws:s3:::b/a/b/c.env')).toBe('yes');
    expect(resourceCovers('arn:aws:s3:::b?', 'arn:aws:s3:::b/')).toBe('yes');
  });

  it('pads a grant with fewer than six segments with `*`', () => {
    expect(resourceCovers('arn:aws:s3', 'arn:aws:s3:::b/k')).toBe('yes');
    expect(resourceCovers('arn:aws:s3:', 'arn:aws:s3:::b/k')).toBe('yes');
    expect(resourceCovers('arn:aws:s3:x', 'arn:aws:s3:::b/k')).toBe('no');
    expect(resourceCovers('arn:aws:ecr:us-east-1', 'arn:aws:ecr:us-east-1:1:repository/x')).toBe('yes');
    expect(resourceCovers('arn:aws:ecr:us-east-1', 'arn:aws:ecr:us-west-2:1:repository/x')).toBe('no');
    // Padding gives the service `*`, whose meaning IAM leaves undefined.
    expect(resourceCovers('arn:aws', 'arn:aws:ecr:us-east-1:1:repository/x')).toBe('unknown');
  });

  it('matches nothing with a grant that is not an ARN', () => {
    expect(resourceCovers('bucket/*', 'arn:aws:s3:::bucket/x')).toBe('no');
    expect(resourceCovers('', 'arn:aws:s3:::bucket/x')).toBe('no');
  });
});

describe('resourceCovers: needs that are patterns (containment, not overlap)', () => {
  it('covers a secret pattern only with a grant containing all its versions', () => {
    const need = SM + 'prod/db-??????';
    expect(resourceCovers(SM + 'prod/db-??????', need)).toBe('yes');
    expect(resourceCovers(SM + 'prod/db-*', need)).toBe('yes');
    expect(resourceCovers(SM + 'prod/*', need)).toBe('yes');
    expect(resourceCovers(SM + '*', need)).toBe('yes');
    expect(resourceCovers(SM + 'prod/db-?????', need)).toBe('no');
    expect(resourceCovers(SM + 'prod/db-???????', need)).toBe('no');
    // Overlapping is not covering: one concrete secret does not cover every possible suffix.
    expect(resourceCovers(SM + 'prod/db-AbCdEf', need)).toBe('no');
    expect(resourceCovers(SM + 'prod/db-A*', need)).toBe('no');
  });

  it('covers log-stream patterns', () => {
    const need = LG + ':log-stream:app/*';
    expect(resourceCovers(LG + ':log-stream:*', need)).toBe('yes');
    expect(resourceCovers(LG + ':log-stream:app/*', need)).toBe('yes');
    expect(resourceCovers(LG + ':log-stream:app/web/*', need)).toBe('no');
    expect(resourceCovers(LG + ':log-stream:app?*', need)).toBe('yes');
    expect(resourceCovers(LG + ':log-stream:app/?*', need)).toBe('no');
  });

  it('treats need wildcards in non-resource segments as segment globs', () => {
    const need = 'arn:aws:ecr:*:123:repository/app';
    expect(resourceCovers('arn:aws:ecr:*:123:repository/app', need)).toBe('yes');
    expect(resourceCovers('arn:aws:ecr:us-*:123:repository/app', need)).toBe('no');
    expect(resourceCovers('arn:aws:ecr:us-east-1:123:repository/app', 'arn:aws:ecr:us-east-?:123:repository/app')).toBe(
      'no',
    );
  });
});

describe('resourceCovers: tokens', () => {
  it('identical tokens match; a grant `*` matches any token; other text never does', () => {
    const need = `arn:aws:ecr:${REGION}:${ACCT}:repository/app`;
    expect(resourceCovers(need, need)).toBe('yes');
    expect(resourceCovers('arn:aws:ecr:*:*:repository/app', need)).toBe('yes');
    expect(resourceCovers(`arn:aws:ecr:*:${ACCT}:repository/*`, need)).toBe('yes');
    expect(resourceCovers(`arn:aws:ecr:us-east-1:${ACCT}:repository/app`, need)).toBe('unknown');
    expect(resourceCovers(`arn:aws:ecr:*:${ACCT}:repository/other`, need)).toBe('no');
    // A grant `?` does not match a token (it may be longer than one character).
    expect(resourceCovers(`arn:aws:ecr:*:${ACCT}:repository/app`, `arn:aws:ecr:*:${ACCT}:repository/${token('N@t')}`)).toBe(
      'unknown',
    );
  });

  it('a grant token never covers a need wildcard', () => {
    const T = token('Name@t');
    expect(resourceCovers(`arn:aws:s3:::${T}`, 'arn:aws:s3:::*')).toBe('unknown');
    expect(resourceCovers(`arn:aws:s3:::${T}/*`, `arn:aws:s3:::${T}/*`)).toBe('yes');
    expect(resourceCovers(`arn:aws:s3:::${T}/*`, `arn:aws:s3:::${T}/a/b`)).toBe('yes');
    // Widened, `*/*` and `*` overlap: the rule cannot say no (the token could hold wildcards).
    expect(resourceCovers(`arn:aws:s3:::${T}/*`, `arn:aws:s3:::${T}`)).toBe('unknown');
    expect(resourceCovers(`arn:aws:s3:::${T}/*`, 'arn:aws:s3:::other')).toBe('no');
  });

  it('is "no" when not even a widened token could match', () => {
    expect(resourceCovers(`arn:aws:ecr:us-east-1:${ACCT}:repository/app`, 'arn:aws:ecr:eu-west-1:1:repository/app')).toBe('no');
    expect(resourceCovers(`arn:aws:ecr:us-east-1:${ACCT}:repository/app`, 'arn:aws:logs:us-east-1:1:log-group:x')).toBe('no');
  });

  it('handles tokens standing for a whole ARN', () => {
    const X = token('SecretArn@t.yaml');
    const B = token('Bucket.Arn@t.yaml');
    expect(resourceCovers(X, X)).toBe('yes');
    expect(resourceCovers(SM + '*', X)).toBe('unknown');
    expect(resourceCovers(X, SM + 'prod/db-AbCdEf')).toBe('unknown');
    expect(resourceCovers(`${B}/*`, `${B}/env/app.env`)).toBe('yes');
    expect(resourceCovers(`${B}/*`, `${B}/a:b`)).toBe('yes');
    expect(resourceCovers(`${B}/*`, B)).toBe('unknown');
    expect(resourceCovers(`${B}/*`, `${B}:x`)).toBe('unknown');
    expect(resourceCovers(`${B}/*`, 'arn:aws:s3:::b/x')).toBe('unknown');
    expect(resourceCovers(`${B}/*`, X)).toBe('unknown');
    expect(resourceCovers(`${B}/*`, `${X}/x`)).toBe('unknown');
    expect(resourceCovers('arn:aws:s3:::*', `${B}/k`)).toBe('unknown');
  });

  it('does not let a `*` before a token that hides the segmentation cross ":"', () => {
    const X = token('Arn@t.yaml');
    // `arn:*x` pads to `arn:*x:*:*:*:*`: its `*` stays in the partition.
    expect(resourceCovers('arn:*' + X, 'arn:aws:ecr:r:1:' + X)).toBe('unknown');
    // Read as a padded `arn:*X:*:*:*:*` (X a plain partition) the service is a `*`, which stays undecided.
    expect(resourceCovers('arn:*' + X, 'arn:aws' + X)).toBe('unknown');
    // `arn:aws:s3:X`: X may be a region (padded: covers every account and resource) or hold the
    // rest. A need that puts X in its region settles it: X holds no ':'.
    expect(resourceCovers('arn:aws:s3:' + X, 'arn:aws:s3:' + X + ':1:b')).toBe('yes');
    expect(resourceCovers('arn:aws:s3:' + X, 'arn:aws:s3:r:1:' + X)).toBe('unknown');
    expect(resourceCovers('arn:aws:s3:' + X, X + '/b')).toBe('unknown');
    expect(resourceCovers('arn:aws:s3:' + X + '*', 'arn:aws:s3:' + X + ':1:b')).toBe('yes');
    expect(resourceCovers('arn:aws:s3:' + X, 'arn:aws:ecr:' + X + ':1:b')).toBe('no');
    // A wildcard seen in the service segment before the token stays undecided.
    expect(resourceCovers('arn:aws:*:' + X, 'arn:aws:ecr:' + X)).toBe('unknown');
    expect(resourceCovers('arn:aws:ecr:' + X, 'arn:aws:ecr:' + X)).toBe('yes');
  });

  describe('judges each segment on its own when tokens sit in the segments', () => {
    const PT = token('AWS::Partition@t.yaml');
    const pre = (service: string) => `arn:${PT}:${service}:${REGION}:${ACCT}:`;
    const sm = pre('secretsmanager');

    // Is the grant (second argument of `within` in excess-resource) within the need? Asked as
    // resourceCovers(need, grant): does the need pattern cover every resource the grant names?
    const beyond: Array<[string, string]> = [
      [sm + 'secret:prod/db-??????', sm + 'secret:*'],
      [pre('ecr') + 'repository/app', pre('ecr') + 'repository/*'],
      [pre('ssm') + 'parameter/x', pre('ssm') + 'parameter/*'],
      [pre('logs') + 'log-group:/ecs/a:log-stream:p/*', pre('logs') + 'log-group:*'],
    ];
    for (const [need, grant] of beyond) {
      it(`${grant.slice(pre('').length - 1)} is not within ${need.slice(pre('').length - 1)}`, () => {
        expect(resourceCovers(need, grant)).toBe('no');
        // The other way round the need is covered, and they overlap.
        expect(resourceCovers(grant, need)).toBe('yes');
        expect(resourceOverlaps(grant, need)).toBe('yes');
      });
    }

    it('decides a grant `*` in the resource-id that does cover the need', () => {
      expect(resourceCovers(sm + 'secret:prod/db-??????', sm + 'secret:prod/*')).toBe('no');
      expect(resourceCovers(sm + 'secret:prod/*', sm + 'secret:prod/db-??????')).toBe('yes');
      expect(resourceCovers(sm + 'secret:prod/db-??????', sm + 'secret:prod/db-AbCdEf')).toBe('yes');
      expect(resourceCovers(sm + 'secret:prod/db-AbCdEf', sm + 'secret:prod/db-??????')).toBe('no');
      expect(resourceOverlaps(sm + 'secret:prod/*', sm + 'secret:dev/*')).toBe('no');
    });

    it('stays unknown where a segment differs in a token and the rest fits', () => {
      const lit = 'arn:aws:ecr:us-east-1:123456789012:';
      // Grant account token vs need literal account: the token may or may not be that account.
      expect(resourceCovers(`arn:aws:ecr:us-east-1:${ACCT}:repository/*`, lit + 'repository/app')).toBe('unknown');
      expect(resourceCovers(`arn:aws:ecr:us-east-1:${ACCT}:repository/app`, lit + 'repository/app')).toBe('unknown');
      expect(resourceOverlaps(`arn:aws:ecr:us-east-1:${ACCT}:repository/*`, lit + 'repository/app')).toBe('unknown');
      // Same with every segment a token on one side only.
      expect(resourceCovers(pre('ecr') + 'repository/*', lit + 'repository/app')).toBe('unknown');
    });

    it('says no where the resource-ids cannot fit whatever the tokens are', () => {
      const lit = 'arn:aws:ecr:us-east-1:123456789012:';
      expect(resourceCovers(`arn:aws:ecr:us-east-1:${ACCT}:repository/app`, lit + 'repository/*')).toBe('no');
      expect(resourceCovers(pre('ecr') + 'repository/app', lit + 'repository/*')).toBe('no');
      expect(resourceCovers(`arn:aws:ecr:us-east-1:${ACCT}:repository/app`, lit + 'repository/other')).toBe('no');
      expect(resourceOverlaps(pre('ecr') + 'repository/a*', lit + 'repository/b*')).toBe('no');
      // Case matters in the resource-id even beside tokens.
      expect(resourceCovers(pre('ecr') + 'repository/app', pre('ecr') + 'repository/App')).toBe('no');
      expect(resourceOverlaps(pre('ecr') + 'repository/app', pre('ecr') + 'repository/App')).toBe('no');
    });

    it('still widens a token within its segment', () => {
      const N = token('Name@t');
      // `secret:${N}` vs `secret:*`: the name could be anything, even a pattern.
      expect(resourceCovers(sm + `secret:${N}`, sm + 'secret:*')).toBe('unknown');
      expect(resourceCovers(sm + 'secret:*', sm + `secret:${N}`)).toBe('yes');
      // Widening forgets that both sides hold the same name: not decided, though never true.
      expect(resourceCovers(sm + `secret:${N}-??????`, sm + `secret:${N}-*`)).toBe('unknown');
      expect(resourceCovers(sm + `secret:${N}-*`, sm + `secret:${N}-??????`)).toBe('yes');
      expect(resourceCovers(sm + `secret:${N}`, sm + 'parameter/x')).toBe('no');
    });

    it('keeps comparing whole strings when a token hides the segments', () => {
      const X = token('SecretArn@t.yaml');
      const B = token('Bucket.Arn@t.yaml');
      expect(resourceCovers(X, sm + 'secret:*')).toBe('unknown');
      expect(resourceCovers(sm + 'secret:prod/db-??????', X)).toBe('unknown');
      expect(resourceCovers(`${B}/*`, `arn:${PT}:s3:::b/x`)).toBe('unknown');
      expect(resourceCovers(`arn:${PT}:s3:::b/x`, `${B}/*`)).toBe('unknown');
      expect(resourceCovers(`${B}/*`, `${B}/env/*`)).toBe('yes');
      expect(resourceCovers(`${B}/env/*`, `${B}/*`)).toBe('unknown');
      expect(resourceCovers(`${B}/env/*`, `${X}/*`)).toBe('unknown');
      // `arn:${X}:...` with fewer than five ':' outside tokens: X may hold several segments.
      expect(resourceCovers(`arn:${X}:${ACCT}:repository/app`, `arn:aws:ecr:us-east-1:${ACCT}:repository/app`)).toBe(
        'unknown',
      );
    });

    it('keeps the service-segment and padding rules', () => {
      expect(resourceCovers(`arn:${PT}:*:${REGION}:${ACCT}:*`, sm + 'secret:x')).toBe('unknown');
      expect(resourceCovers(`arn:${PT}:*:${REGION}:${ACCT}:repository/*`, sm + 'secret:x')).toBe('no');
      expect(resourceOverlaps(`arn:${PT}:*:${REGION}:${ACCT}:*`, sm + 'secret:x')).toBe('unknown');
      // A short grant without tokens is padded; one with a token may hide the missing ':'.
      expect(resourceCovers('arn:aws:secretsmanager', sm + 'secret:x')).toBe('unknown');
      expect(resourceCovers('arn:aws:ecr', sm + 'secret:x')).toBe('no');
      // PT is a partition in the need, so the grant pads: it covers every secret in that partition.
      expect(resourceCovers(`arn:${PT}:secretsmanager`, sm + 'secret:x')).toBe('yes');
      expect(resourceCovers(`arn:${PT}:secretsmanager`, `arn:aws:secretsmanager:us-east-1:1:secret:x`)).toBe('unknown');
      expect(resourceCovers(`arn:${PT}:ecr`, sm + 'secret:x')).toBe('no');
      const Y = token('Prefix@t.yaml');
      expect(resourceCovers(`arn:${Y}:secretsmanager`, sm + 'secret:x')).toBe('unknown');
    });
  });

  it('keeps tokens opaque: the same name in another case is another token', () => {
    const a = `arn:aws:ecr:us-east-1:${token('Acct@t')}:repository/app`;
    const b = `arn:aws:ecr:us-east-1:${token('acct@t')}:repository/app`;
    expect(resourceCovers(a, b)).toBe('unknown');
  });
});

describe('resourceOverlaps', () => {
  it('answers whether one resource can match both', () => {
    expect(resourceOverlaps('*', 'arn:aws:s3:::b')).toBe('yes');
    expect(resourceOverlaps('arn:aws:s3:::b/x*', 'arn:aws:s3:::b/*y')).toBe('yes');
    expect(resourceOverlaps('arn:aws:s3:::b/*', 'arn:aws:s3:::c/*')).toBe('no');
    expect(resourceOverlaps(SM + 'prod/db-??????', SM + 'prod/db-AbCdEf')).toBe('yes');
    expect(resourceOverlaps(SM + 'prod/db-??????', SM + 'prod/db-AbCdE')).toBe('no');
    expect(resourceOverlaps('arn:aws:ecr:us-*:*:*', 'arn:aws:ecr:*-west-2:1:repository/x')).toBe('yes');
    expect(resourceOverlaps('arn:aws:ecr:us-*:*:*', 'arn:aws:ecr:eu-*:1:repository/x')).toBe('no');
    expect(resourceOverlaps('ARN:AWS:ECR:US-EAST-1:1:repository/x', 'arn:aws:ecr:us-east-1:1:repository/x')).toBe('yes');
    expect(resourceOverlaps('arn:aws:ecr:us-east-1:1:repository/X', 'arn:aws:ecr:us-east-1:1:repository/x')).toBe('no');
    expect(resourceOverlaps('arn:aws:ecs:*:*:*', 'arn:aws:ecr:*:*:*')).toBe('no');
    expect(resourceOverlaps('arn:aws:*:*:*:*', 'arn:aws:ecr:*:*:*')).toBe('unknown');
  });

  it('uses the same token rules', () => {
    const a = `arn:aws:ecr:us-east-1:${ACCT}:repository/*`;
    expect(resourceOverlaps(a, `arn:aws:ecr:us-east-1:${ACCT}:repository/app`)).toBe('yes');
    expect(resourceOverlaps(a, 'arn:aws:ecr:us-east-1:*:repository/app')).toBe('yes');
    expect(resourceOverlaps(a, 'arn:aws:ecr:us-east-1:123:repository/app')).toBe('unknown');
    expect(resourceOverlaps(a, 'arn:aws:ecr:eu-west-1:123:repository/app')).toBe('no');
    expect(resourceOverlaps(token('X@t'), 'arn:aws:s3:::b')).toBe('unknown');
  });
});

// ---------------------------------------------------------------------------------------------
// Brute force: enumerate a universe of concrete ARNs and check IAM's rule directly.

function segRe(p: string, flags: string): RegExp {
  const body = [...p].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&'))).join('');
  return new RegExp('^' + body + '$', flags);
}

function splitSix(s: string): string[] {
  const parts: string[] = [];
  let rest = s;
  for (let i = 0; i < 5; i++) {
    const c = rest.indexOf(':');
    if (c < 0) break;
    parts.push(rest.slice(0, c));
    rest = rest.slice(c + 1);
  }
  parts.push(rest);
  return parts;
}

/** IAM's rule for concrete ARNs (split in six), written independently of src/iam (service globbed too). */
function iamMatcher(pattern: string): (arn: string[]) => boolean {
  if (pattern === '*') return () => true;
  const p = splitSix(pattern);
  while (p.length < 6) p.push('*');
  const res = p.map((seg, k) => segRe(seg, k < 5 ? 'is' : 's'));
  return (a) => res.every((re, k) => re.test(a[k]));
}

function resourceWords(alphabet: string[], maxLen: number): string[] {
  let layer = [''];
  const out = [''];
  for (let l = 1; l <= maxLen; l++) {
    layer = layer.flatMap((w) => alphabet.map((c) => w + c));
    out.push(...layer);
  }
  return out;
}

const UNIVERSE = (() => {
  const out: string[][] = [];
  // 'x': a partition no pattern prefix `a` matches (else `a*` would seem to cover `*`).
  for (const p of ['aws', 'AWS', 'aws-cn', 'x'])
    for (const s of ['s3', 'ecr'])
      for (const r of ['', 'a', 'A', 'ab', 'b'])
        for (const acct of ['', '1', '12'])
          for (const res of resourceWords(['a', '/', ':'], 4)) out.push(splitSix(`arn:${p}:${s}:${r}:${acct}:${res}`));
  return out;
})();

function randomResource(r: () => number): string {
  const n = Math.floor(r() * 4);
  let s = '';
  for (let i = 0; i < n; i++) s += pick(r, ['a', '/', ':', '*', '?']);
  return s;
}

function randomArnPattern(r: () => number): string {
  const segs = [
    'arn',
    pick(r, ['aws', 'AWS', 'a*', '*', 'aws-??', 'aws']),
    pick(r, ['s3', 'S3', 'ecr', 's3']),
    pick(r, ['', 'a', 'A', '*', '?', 'a*', '*b']),
    pick(r, ['1', '*', '1?', '']),
    randomResource(r),
  ];
  const keep = r() < 0.15 ? 2 + Math.floor(r() * 4) : 6;
  return segs.slice(0, keep).join(':');
}

describe('resourceCovers / resourceOverlaps: brute force over a universe of ARNs', () => {
  it('agrees with the IAM rule applied to every concrete ARN', () => {
    const r = rng(11);
    let yes = 0;
    let no = 0;
    let overlapsSeen = 0;
    for (let iter = 0; iter < 800; iter++) {
      const grant = r() < 0.05 ? '*' : randomArnPattern(r);
      // Needs are full six-segment patterns (that is what the needs stage produces).
      let need = randomArnPattern(r);
      while (splitSix(need).length < 6) need = randomArnPattern(r);
      const needM = iamMatcher(need);
      const grantM = iamMatcher(grant);
      const denoted = UNIVERSE.filter(needM);
      const covered = denoted.every(grantM);
      const overlap = denoted.some(grantM);
      const got = resourceCovers(grant, need);
      const gotOverlap = resourceOverlaps(grant, need);
      expect(denoted.length, need).toBeGreaterThan(0);
      const msg = `grant ${grant} need ${need}`;
      const gs = splitSix(grant);
      if (grant !== '*' && (gs.length < 3 || /[*?]/.test(gs[2]))) {
        // Service wildcard: undecided when the glob reading matches, else a definite no.
        expect(got, msg).toBe(covered ? 'unknown' : 'no');
        expect(gotOverlap, msg).toBe(overlap ? 'unknown' : 'no');
      } else {
        expect(got, msg).toBe(covered ? 'yes' : 'no');
        expect(gotOverlap, msg).toBe(overlap ? 'yes' : 'no');
      }
      if (got === 'yes') yes++;
      if (got === 'no') no++;
      if (gotOverlap === 'yes') overlapsSeen++;
    }
    expect(yes).toBeGreaterThan(10);
    expect(no).toBeGreaterThan(10);
    expect(overlapsSeen).toBeGreaterThan(yes);
  });
});

describe('resourceCovers / resourceOverlaps: token answers hold for every value of the tokens', () => {
  const P = token('Partition@t');
  const S = token('Seg@t');
  const R = token('Other@t');
  const X = token('Arn@t');
  // Values a token inside a segment may take: anything without ':', wildcards included.
  const segValues = ['', 'a', '1', 'a*', '*', '?', 'ab', 'A'];
  const partitionValues = ['aws', 'AWS', '*', '', 'a?'];
  const arnValues = ['arn:aws:s3:a:1:a', 'arn:aws:s3:a:1:', 'arn:aws:s3:*:*:a/*', 'arn:aws:ecr:a:1:a/b'];
  const RESOURCES = [
    ...['a', '*', `${S}/*`, `a/${R}`, `${S}`, 'a/*', `*${S}`, `${R}?`, ''],
    ...['a/a', 'a:*', 'a/??', '?', `a/${S}*`],
  ];

  function segmented(r: () => number): string[] {
    return [
      'arn',
      pick(r, ['aws', '*', P, P]),
      pick(r, ['s3', 'ecr']),
      pick(r, ['a', '*', S, R, S]),
      pick(r, ['1', '*', S, R, '?', R]),
      pick(r, RESOURCES),
    ];
  }

  function withTokens(r: () => number): string {
    if (r() < 0.15) {
      // A token for a whole ARN, maybe with a resource suffix.
      return X + pick(r, ['', '/*', '/a', ':*', '/a:b']);
    }
    if (r() < 0.1) {
      // Wildcards before such a token: their segment is not known.
      return pick(r, ['arn:*' + X, 'arn:' + X + '*', 'arn:aws:*:' + X, '*' + X, 'arn:*:' + X + '/*']);
    }
    const segs = segmented(r);
    // Now and then a short pattern: its tokens may be plain segment values (padding applies).
    return (r() < 0.12 ? segs.slice(0, 2 + Math.floor(r() * 4)) : segs).join(':');
  }

  /** A pair in CloudFormation style: the same tokens in partition, region and account, different resource-ids. */
  function samePrefix(r: () => number): [string, string] {
    const segs = segmented(r);
    return [segs.join(':'), [...segs.slice(0, 5), pick(r, RESOURCES)].join(':')];
  }

  function substitute(s: string, env: Record<string, string>): string {
    return s.split(P).join(env.P).split(S).join(env.S).split(R).join(env.R).split(X).join(env.X);
  }

  /** Every assignment of values to the tokens that occur (the others keep one value). */
  function envs(text: string): Array<Record<string, string>> {
    const out: Array<Record<string, string>> = [];
    for (const pv of text.includes(P) ? partitionValues : ['aws'])
      for (const sv of text.includes(S) ? segValues : [''])
        for (const rv of text.includes(R) ? segValues : [''])
          for (const xv of text.includes(X) ? arnValues : [''])
            out.push({ P: pv, S: sv, R: rv, X: xv });
    return out;
  }

  const inSegments = (s: string) => [P, S, R].some((t) => s.includes(t)) && !s.includes(X);

  it('never answers yes or no where some substitution disagrees', () => {
    const r = rng(21);
    let decided = 0;
    const segmentedDecided = { yes: 0, no: 0, overlapNo: 0 };
    for (let iter = 0; iter < 500; iter++) {
      const [grant, need] = r() < 0.4 ? samePrefix(r) : [withTokens(r), withTokens(r)];
      const cov = resourceCovers(grant, need);
      const ov = resourceOverlaps(grant, need);
      for (const env of envs(grant + need)) {
        const g = substitute(grant, env);
        const n = substitute(need, env);
        const msg = `grant ${grant} need ${need} with ${JSON.stringify(env)}`;
        // Token-free comparisons are exact (cross-checked above), so they serve as the truth.
        if (cov !== 'unknown') expect(resourceCovers(g, n), msg).toBe(cov);
        if (ov !== 'unknown') expect(resourceOverlaps(g, n), msg).toBe(ov);
      }
      if (cov !== 'unknown') decided++;
      if (inSegments(grant) && inSegments(need)) {
        if (cov === 'yes') segmentedDecided.yes++;
        if (cov === 'no') segmentedDecided.no++;
        if (ov === 'no') segmentedDecided.overlapNo++;
      }
    }
    expect(decided).toBeGreaterThan(150);
    // Tokens in the segments of both sides still leave many answers decided, both ways.
    expect(segmentedDecided.yes).toBeGreaterThan(20);
    expect(segmentedDecided.no).toBeGreaterThan(60);
    expect(segmentedDecided.overlapNo).toBeGreaterThan(10);
  });
});

describe('resourceCovers: pathological patterns', () => {
  it('stays bounded and never wrongly says yes', () => {
    const base = 'arn:aws:s3:::';
    const stars = base + '*a'.repeat(40) + '*';
    expect(resourceCovers(stars, base + 'a'.repeat(39) + '*')).toBe('no');
    expect(resourceCovers(stars, base + 'a'.repeat(40) + '*')).toBe('yes');
    expect(resourceCovers(stars, base + 'b'.repeat(3000))).toBe('no');
    const q = '?'.repeat(24);
    expect(resourceCovers(base + '*a' + q, base + 'b*a' + q)).toBe('yes');
    expect(resourceCovers(base + '*a' + q, base + '*a' + '?'.repeat(23) + '*')).not.toBe('yes');
  });
});
