import { describe, expect, it } from 'vitest';
import { cacheRepositoriesPattern, cacheRuleFor, underPrefix } from '../src/needs/pull-through-cache.js';
import { parseImage } from '../src/needs/image.js';
import { token, type PullThroughCacheRule } from '../src/model.js';

const loc = { file: 's.yaml', line: 1, column: 1 };
const rule = (prefix: string, account = '123456789012', region = 'us-east-1'): PullThroughCacheRule => ({ prefix, account, region, loc });

describe('underPrefix', () => {
  it.each([
    ['docker-hub/library/nginx', 'docker-hub', 'yes'],
    ['docker-hub', 'docker-hub', 'no'],
    ['docker-hubx/nginx', 'docker-hub', 'no'],
    ['team/docker-hub/nginx', 'docker-hub', 'no'],
    ['anything/at/all', 'ROOT', 'yes'],
    ['k8s/pause', token('Param:P@f'), 'unknown'],
    [`${token('Param:P@f')}/pause`, token('Param:P@f'), 'yes'],
    [`${token('Param:R@f')}`, 'k8s', 'unknown'],
    [`k${token('Param:R@f')}`, 'k8s', 'unknown'],
    [`k8s/${token('Param:R@f')}`, 'k8s', 'yes'],
    [`quay/${token('Param:R@f')}`, 'k8s', 'no'],
  ] as const)('%s under %s → %s', (repo, prefix, want) => {
    expect(underPrefix(repo, prefix)).toBe(want);
  });
});

describe('cacheRuleFor', () => {
  const ref = (image: string) => parseImage(image);
  it('only rules of the image’s registry', () => {
    const rules = [rule('k8s', '999988887777'), rule('k8s', '123456789012', 'eu-west-1')];
    expect(cacheRuleFor(rules, ref('123456789012.dkr.ecr.us-east-1.amazonaws.com/k8s/pause:3'))).toBeUndefined();
  });
  it('not for other registries', () => {
    expect(cacheRuleFor([rule('ROOT')], ref('public.ecr.aws/k8s/pause:3'))).toBeUndefined();
    expect(cacheRuleFor([rule('ROOT')], ref('k8s/pause:3'))).toBeUndefined();
  });
  it('a certain match wins over one a token leaves open', () => {
    const open = rule(token('Param:P@f'));
    const k8s = rule('k8s');
    expect(cacheRuleFor([open, k8s], ref('123456789012.dkr.ecr.us-east-1.amazonaws.com/k8s/pause:3'))).toEqual({ rule: k8s, match: 'yes' });
    expect(cacheRuleFor([open, k8s], ref('123456789012.dkr.ecr.us-east-1.amazonaws.com/quay/x:3'))).toEqual({ rule: open, match: 'unknown' });
  });
});

describe('cacheRepositoriesPattern', () => {
  it('the prefix namespace, or every repository for ROOT', () => {
    expect(cacheRepositoriesPattern(rule('ecr-public'), 'aws')).toBe('arn:aws:ecr:us-east-1:123456789012:repository/ecr-public/*');
    expect(cacheRepositoriesPattern(rule('ROOT'), 'aws-cn')).toBe('arn:aws-cn:ecr:us-east-1:123456789012:repository/*');
  });
});
