import { describe, expect, it } from 'vitest';
import { ECR_HOST_RE, ecrRepositoryArn, parseImage } from '../src/needs/image.js';
import { token } from '../src/model.js';

const HEX = 'a'.repeat(64);

describe('parseImage — domain.md §7 vectors', () => {
  it('private ECR with tag', () => {
    const r = parseImage('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.2');
    expect(r).toMatchObject({
      registry: 'ecr',
      account: '123456789012',
      region: 'us-east-1',
      partition: 'aws',
      fips: false,
      repository: 'app',
      tag: '1.2',
    });
    expect(r.digest).toBeUndefined();
    expect(r.approximate).toBeUndefined();
    expect(ecrRepositoryArn(r)).toBe('arn:aws:ecr:us-east-1:123456789012:repository/app');
  });

  it('namespaced repository by digest, region from the host', () => {
    const r = parseImage(`123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/api@sha256:${HEX}`);
    expect(r).toMatchObject({ registry: 'ecr', region: 'eu-west-1', repository: 'team/api', digest: `sha256:${HEX}` });
    expect(r.tag).toBeUndefined();
    expect(ecrRepositoryArn(r)).toBe('arn:aws:ecr:eu-west-1:123456789012:repository/team/api');
  });

  it('tag and digest together', () => {
    const r = parseImage(`123456789012.dkr.ecr.us-east-1.amazonaws.com/team/api:v1@sha256:${HEX}`);
    expect(r).toMatchObject({ repository: 'team/api', tag: 'v1', digest: `sha256:${HEX}` });
    expect(ecrRepositoryArn(r)).toBe('arn:aws:ecr:us-east-1:123456789012:repository/team/api');
  });

  it('FIPS endpoint in GovCloud', () => {
    const r = parseImage('210987654321.dkr.ecr-fips.us-gov-west-1.amazonaws.com/x:y');
    expect(r).toMatchObject({ registry: 'ecr', partition: 'aws-us-gov', fips: true, account: '210987654321', repository: 'x', tag: 'y' });
    expect(ecrRepositoryArn(r)).toBe('arn:aws-us-gov:ecr:us-gov-west-1:210987654321:repository/x');
  });

  it('China, default tag latest', () => {
    const r = parseImage('123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/x');
    expect(r).toMatchObject({ registry: 'ecr', partition: 'aws-cn', region: 'cn-north-1', repository: 'x', tag: 'latest' });
    expect(ecrRepositoryArn(r)).toBe('arn:aws-cn:ecr:cn-north-1:123456789012:repository/x');
  });

  it('dual-stack endpoint', () => {
    const r = parseImage('123456789012.dkr-ecr.us-east-1.on.aws/x:1');
    expect(r).toMatchObject({ registry: 'ecr', partition: 'aws', region: 'us-east-1', repository: 'x', tag: '1' });
  });

  it('ECR Public: no need', () => {
    const r = parseImage('public.ecr.aws/nginx/nginx:1.27');
    expect(r).toMatchObject({ registry: 'ecr-public', repository: 'nginx/nginx', tag: '1.27' });
    expect(ecrRepositoryArn(r)).toBeUndefined();
    expect(parseImage('ecr-public.aws.com/a/b').registry).toBe('ecr-public');
  });

  it.each([
    ['nginx', 'docker.io', 'library/nginx', 'latest'],
    ['library/nginx:1', 'docker.io', 'library/nginx', '1'],
    ['docker.io/bitnami/redis', 'docker.io', 'bitnami/redis', 'latest'],
    ['ghcr.io/o/r:1', 'ghcr.io', 'o/r', '1'],
    ['localhost:5000/x', 'localhost:5000', 'x', 'latest'],
    ['localhost/x:2', 'localhost', 'x', '2'],
  ])('%s is not ECR', (image, host, repository, tag) => {
    const r = parseImage(image);
    expect(r).toEqual({ registry: 'other', host, repository, tag });
    expect(ecrRepositoryArn(r)).toBeUndefined();
  });

  it('pull-through-cache path is an ordinary ECR repository path', () => {
    const r = parseImage('123456789012.dkr.ecr.us-east-1.amazonaws.com/docker-hub/library/nginx:latest');
    expect(ecrRepositoryArn(r)).toBe('arn:aws:ecr:us-east-1:123456789012:repository/docker-hub/library/nginx');
  });
});

describe('parseImage — host pattern', () => {
  it('uses the credential helper pattern verbatim', () => {
    expect(ECR_HOST_RE.source).toBe(
      String.raw`^(\d{12})\.dkr[.-]ecr(-fips)?\.([a-zA-Z0-9][a-zA-Z0-9-_]*)\.(amazonaws\.(?:com(?:\.cn)?|eu)|on\.(?:aws|amazonwebservices\.com\.cn)|sc2s\.sgov\.gov|c2s\.ic\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov)$`,
    );
  });

  it.each([
    ['123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov/x', 'aws-iso'],
    ['123456789012.dkr.ecr.us-isob-east-1.sc2s.sgov.gov/x', 'aws-iso-b'],
    ['123456789012.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk/x', 'aws-iso-e'],
    ['123456789012.dkr.ecr.us-isof-south-1.csp.hci.ic.gov/x', 'aws-iso-f'],
    ['123456789012.dkr-ecr.cn-northwest-1.on.amazonwebservices.com.cn/x', 'aws-cn'],
    ['123456789012.dkr.ecr.us-gov-east-1.amazonaws.com/x', 'aws-us-gov'],
  ])('%s → %s', (image, partition) => {
    expect(parseImage(image)).toMatchObject({ registry: 'ecr', partition });
  });

  it('rejects hosts the pattern does not accept', () => {
    expect(parseImage('12345678901.dkr.ecr.us-east-1.amazonaws.com/x').registry).toBe('other'); // 11 digits
    expect(parseImage('123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.io/x').registry).toBe('other');
    expect(parseImage('123456789012.ecr.us-east-1.amazonaws.com/x').registry).toBe('other');
  });
});

describe('parseImage — tokens', () => {
  const acct = token('AWS::AccountId@stack.yaml');
  const region = token('AWS::Region@stack.yaml');
  const suffix = token('AWS::URLSuffix@stack.yaml');
  const partition = token('AWS::Partition@stack.yaml');
  const tag = token('Param:Tag@stack.yaml');

  it('stack pseudo parameters: ECR in the stack context, partition from the task', () => {
    const r = parseImage(`${acct}.dkr.ecr.${region}.${suffix}/app:${tag}`);
    expect(r).toMatchObject({ registry: 'ecr', account: acct, region, repository: 'app', tag });
    expect(r.partition).toBeUndefined();
    expect(r.approximate).toBeUndefined();
    expect(ecrRepositoryArn(r)).toBeUndefined();
    expect(ecrRepositoryArn(r, partition)).toBe(`arn:${partition}:ecr:${region}:${acct}:repository/app`);
  });

  it('token account with a literal host', () => {
    const r = parseImage(`${acct}.dkr.ecr.us-east-1.amazonaws.com/app:1`);
    expect(r).toMatchObject({ registry: 'ecr', account: acct, region: 'us-east-1', partition: 'aws' });
    expect(ecrRepositoryArn(r, partition)).toBe(`arn:aws:ecr:us-east-1:${acct}:repository/app`);
  });

  it('token region with amazonaws.com leaves the partition open (aws or aws-us-gov)', () => {
    const r = parseImage(`123456789012.dkr.ecr.${region}.amazonaws.com/app`);
    expect(r.registry).toBe('ecr');
    expect(r.partition).toBeUndefined();
    // …but amazonaws.com.cn decides it whatever the region.
    expect(parseImage(`123456789012.dkr.ecr.${region}.amazonaws.com.cn/app`).partition).toBe('aws-cn');
  });

  it('token in the repository name: approximate, the token kept in the ARN', () => {
    const repo = token('Param:Repo@stack.yaml');
    const r = parseImage(`123456789012.dkr.ecr.us-east-1.amazonaws.com/team/${repo}-svc:1`);
    expect(r).toMatchObject({ registry: 'ecr', repository: `team/${repo}-svc`, approximate: true });
    expect(ecrRepositoryArn(r)).toBe(`arn:aws:ecr:us-east-1:123456789012:repository/team/${repo}-svc`);
  });

  it('token names holding `:` and `@` do not split the reference', () => {
    const r = parseImage(`123456789012.dkr.ecr.us-east-1.amazonaws.com/app:${tag}`);
    expect(r).toMatchObject({ repository: 'app', tag });
    expect(r.digest).toBeUndefined();
  });

  it('an image that is wholly a token: registry unknown', () => {
    const r = parseImage(token('Param:Image@stack.yaml'));
    expect(r).toEqual({ registry: 'other', approximate: true, tag: 'latest' });
    expect(ecrRepositoryArn(r)).toBeUndefined();
  });

  it('a token where the host would be: registry unknown', () => {
    expect(parseImage(`${token('Param:Registry@f')}/app:1`)).toMatchObject({ registry: 'other', approximate: true });
    expect(parseImage(`${token('Param:Host@f')}.com/app:1`)).toMatchObject({ registry: 'other', approximate: true });
  });

  it('a token in a host that cannot be ECR is just another registry', () => {
    const r = parseImage(`${token('Param:Org@f')}.azurecr.io/app:1`);
    expect(r.registry).toBe('other');
    expect(r.approximate).toBeUndefined();
    const d = parseImage(`myorg/${token('Param:Name@f')}:1`); // Docker Hub
    expect(d).toMatchObject({ registry: 'other', host: 'docker.io' });
    expect(d.approximate).toBeUndefined();
  });
});
