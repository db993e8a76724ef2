import { describe, expect, it } from 'vitest';
import { parseSecretRef } from '../src/needs/secret-ref.js';
import { token } from '../src/model.js';

const ctx = { region: 'eu-central-1', account: '444455556666', partition: 'aws' };
const SM = 'arn:aws:secretsmanager:us-east-1:111122223333:secret';

describe('parseSecretRef — domain.md §7 vectors', () => {
  it('complete secret ARN', () => {
    expect(parseSecretRef(`${SM}:prod/db-AbCdEf`, ctx, 'secret')).toEqual({
      kind: 'secretsmanager',
      secretArn: `${SM}:prod/db-AbCdEf`,
      partial: false,
    });
  });

  it('JSON key suffix is stripped', () => {
    expect(parseSecretRef(`${SM}:prod/db-AbCdEf:password::`, ctx, 'secret')).toEqual({
      kind: 'secretsmanager',
      secretArn: `${SM}:prod/db-AbCdEf`,
      partial: false,
      jsonKey: 'password',
    });
  });

  it('version stage', () => {
    expect(parseSecretRef(`${SM}:prod/db-AbCdEf::AWSPREVIOUS:`, ctx, 'secret')).toEqual({
      kind: 'secretsmanager',
      secretArn: `${SM}:prod/db-AbCdEf`,
      partial: false,
      versionStage: 'AWSPREVIOUS',
    });
  });

  it('version id', () => {
    const r = parseSecretRef(`${SM}:prod/db-AbCdEf:::0a1b2c3d-1111-2222-3333-444455556666`, ctx, 'secret');
    expect(r).toMatchObject({ kind: 'secretsmanager', versionId: '0a1b2c3d-1111-2222-3333-444455556666' });
    expect(r).not.toHaveProperty('versionStage');
  });

  it('partial ARN → -?????? pattern', () => {
    expect(parseSecretRef(`${SM}:prod/db`, ctx, 'secret')).toEqual({
      kind: 'secretsmanager',
      secretArn: `${SM}:prod/db-??????`,
      partial: true,
    });
  });

  it('8-field secret ARN is invalid (the agent rejects it)', () => {
    const r = parseSecretRef(`${SM}:prod/db-AbCdEf:password`, ctx, 'secret');
    expect(r.kind).toBe('invalid');
    expect(r.kind === 'invalid' && r.reason).toMatch(/7 colon-separated fields, or 10.*has 8/);
    expect(parseSecretRef(`${SM}:prod/db-AbCdEf:password:`, ctx, 'secret').kind).toBe('invalid'); // 9
    expect(parseSecretRef(`${SM}:prod/db-AbCdEf:a:b:c:d`, ctx, 'secret').kind).toBe('invalid'); // 11
  });

  it('SSM name → task region and account', () => {
    expect(parseSecretRef('/app/flag', ctx, 'secret')).toEqual({
      kind: 'ssm',
      parameterArn: 'arn:aws:ssm:eu-central-1:444455556666:parameter/app/flag',
      name: '/app/flag',
    });
  });

  it('top-level SSM name', () => {
    expect(parseSecretRef('app-flag', ctx, 'secret')).toEqual({
      kind: 'ssm',
      parameterArn: 'arn:aws:ssm:eu-central-1:444455556666:parameter/app-flag',
      name: 'app-flag',
    });
  });

  it('SSM ARN in another region', () => {
    expect(parseSecretRef('arn:aws:ssm:us-west-2:111122223333:parameter/app/flag', ctx, 'secret')).toEqual({
      kind: 'ssm',
      parameterArn: 'arn:aws:ssm:us-west-2:111122223333:parameter/app/flag',
      name: '/app/flag',
    });
  });

  it('E12: SSM reference to a Secrets Manager secret', () => {
    expect(parseSecretRef('/aws/reference/secretsmanager/prod/db', ctx, 'secret')).toEqual({
      kind: 'ssm',
      parameterArn: 'arn:aws:ssm:eu-central-1:444455556666:parameter/aws/reference/secretsmanager/prod/db',
      name: '/aws/reference/secretsmanager/prod/db',
      secretsManagerRef: 'arn:aws:secretsmanager:eu-central-1:444455556666:secret:prod/db-??????',
    });
  });

  it('E12 by ARN: the secret is in the parameter ARN’s region and account', () => {
    const r = parseSecretRef('arn:aws:ssm:us-west-2:111122223333:parameter/aws/reference/secretsmanager/db', ctx, 'secret');
    expect(r).toMatchObject({ secretsManagerRef: 'arn:aws:secretsmanager:us-west-2:111122223333:secret:db-??????' });
  });
});

describe('parseSecretRef — more forms', () => {
  it('a name already ending in -?????? (CloudFormation !Ref Secret) is kept', () => {
    expect(parseSecretRef(`${SM}:prod/db-??????`, ctx, 'secret')).toEqual({
      kind: 'secretsmanager',
      secretArn: `${SM}:prod/db-??????`,
      partial: true,
    });
  });

  it('JSON key on a partial ARN', () => {
    expect(parseSecretRef(`${SM}:prod/db:password::`, ctx, 'secret')).toMatchObject({
      secretArn: `${SM}:prod/db-??????`,
      partial: true,
      jsonKey: 'password',
    });
  });

  it('malformed secret ARNs', () => {
    expect(parseSecretRef('arn:aws:secretsmanager:us-east-1:111122223333:key:prod/db', ctx, 'secret').kind).toBe('invalid');
    expect(parseSecretRef('arn:aws:secretsmanager:us-east-1:111122223333:secret:', ctx, 'secret').kind).toBe('invalid');
    expect(parseSecretRef('arn:aws:secretsmanager::111122223333:secret:x', ctx, 'secret').kind).toBe('invalid');
  });

  it('malformed SSM ARNs (domain.md M15)', () => {
    expect(parseSecretRef('arn:aws:ssm:us-east-1:111122223333:parameter:/app/flag', ctx, 'secret').kind).toBe('invalid');
    expect(parseSecretRef('arn:aws:ssm:us-east-1:111122223333:document/x', ctx, 'secret').kind).toBe('invalid');
    expect(parseSecretRef('arn:aws:ssm:us-east-1:111122223333:parameter/', ctx, 'secret').kind).toBe('invalid');
  });

  it('a doubled slash after parameter is normalised', () => {
    expect(parseSecretRef('arn:aws:ssm:us-east-1:111122223333:parameter//app/flag', ctx, 'secret')).toMatchObject({
      parameterArn: 'arn:aws:ssm:us-east-1:111122223333:parameter/app/flag',
      name: '/app/flag',
    });
  });

  it('version or label selectors are not part of the parameter ARN', () => {
    expect(parseSecretRef('/app/flag:3', ctx, 'secret')).toEqual({
      kind: 'ssm',
      parameterArn: 'arn:aws:ssm:eu-central-1:444455556666:parameter/app/flag',
      name: '/app/flag',
      selector: '3',
    });
    expect(parseSecretRef('arn:aws:ssm:us-west-2:111122223333:parameter/app/flag:prod', ctx, 'secret')).toMatchObject({
      parameterArn: 'arn:aws:ssm:us-west-2:111122223333:parameter/app/flag',
      selector: 'prod',
    });
  });

  it('other services and bad names are invalid', () => {
    expect(parseSecretRef('arn:aws:s3:::bucket/key', ctx, 'secret')).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(/service "s3"/) });
    expect(parseSecretRef('my param', ctx, 'secret').kind).toBe('invalid');
    expect(parseSecretRef('', ctx, 'secret').kind).toBe('invalid');
  });

  it('repositoryCredentials: a bare name is a Secrets Manager secret in the task context', () => {
    expect(parseSecretRef('dockerhub/creds', ctx, 'credentials')).toEqual({
      kind: 'secretsmanager',
      secretArn: 'arn:aws:secretsmanager:eu-central-1:444455556666:secret:dockerhub/creds-??????',
      partial: true,
    });
    expect(parseSecretRef(`${SM}:dockerhub-AbCdEf`, ctx, 'credentials')).toMatchObject({ secretArn: `${SM}:dockerhub-AbCdEf` });
  });

  it('repositoryCredentials: an SSM parameter is not accepted', () => {
    expect(parseSecretRef('arn:aws:ssm:us-east-1:111122223333:parameter/creds', ctx, 'credentials').kind).toBe('invalid');
  });
});

describe('parseSecretRef — tokens', () => {
  const P = token('AWS::Partition@stack.yaml');
  const R = token('AWS::Region@stack.yaml');
  const A = token('AWS::AccountId@stack.yaml');
  const tctx = { partition: P, region: R, account: A };

  it('a CloudFormation secret reference pattern with tokens', () => {
    const name = token('Secret.Name@stack.yaml');
    expect(parseSecretRef(`arn:${P}:secretsmanager:${R}:${A}:secret:${name}-??????`, tctx, 'secret')).toEqual({
      kind: 'secretsmanager',
      secretArn: `arn:${P}:secretsmanager:${R}:${A}:secret:${name}-??????`,
      partial: true,
    });
  });

  it('token fields do not break the field count', () => {
    const key = token('Param:Key@stack.yaml');
    expect(parseSecretRef(`arn:${P}:secretsmanager:${R}:${A}:secret:db-AbCdEf:${key}::`, tctx, 'secret')).toMatchObject({
      secretArn: `arn:${P}:secretsmanager:${R}:${A}:secret:db-AbCdEf`,
      jsonKey: key,
    });
  });

  it('a name ending in a token is taken as partial', () => {
    const n = token('Param:SecretName@stack.yaml');
    expect(parseSecretRef(`arn:${P}:secretsmanager:${R}:${A}:secret:${n}`, tctx, 'secret')).toMatchObject({
      secretArn: `arn:${P}:secretsmanager:${R}:${A}:secret:${n}-??????`,
      partial: true,
    });
  });

  it('SSM name with tokens, in the task context', () => {
    const env = token('Param:Env@stack.yaml');
    expect(parseSecretRef(`/app/${env}/flag`, tctx, 'secret')).toEqual({
      kind: 'ssm',
      parameterArn: `arn:${P}:ssm:${R}:${A}:parameter/app/${env}/flag`,
      name: `/app/${env}/flag`,
    });
  });

  it('a name starting with a pseudo parameter that holds no colon is a name', () => {
    const stack = token('AWS::StackName@stack.yaml');
    expect(parseSecretRef(`${stack}-flag`, tctx, 'secret')).toMatchObject({ kind: 'ssm', name: `${stack}-flag` });
  });

  it('a reference that is wholly a parameter is unresolved', () => {
    expect(parseSecretRef(token('Param:DbSecretArn@stack.yaml'), tctx, 'secret').kind).toBe('unresolved');
    expect(parseSecretRef(`${token('Param:Prefix@f')}/flag`, tctx, 'secret').kind).toBe('unresolved');
    expect(parseSecretRef(`arn:${P}:${token('Param:Svc@f')}:${R}:${A}:x`, tctx, 'secret').kind).toBe('unresolved');
  });
});
