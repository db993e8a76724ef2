import { describe, expect, it } from 'vitest';
import { evaluateCondition, evaluateConditions, parseCidr, parseDate, parseOperator, type RequestContext } from '../src/iam/conditions.js';
import { substituteVariables } from '../src/iam/variables.js';
import { token, type Condition } from '../src/model.js';

const V12 = '2012-10-17';
const loc = { file: 'p.json', line: 1, column: 1 };

function cond(operator: string, key: string, values: string | string[]): Condition {
  return { operator, key, values: Array.isArray(values) ? values : [values], loc };
}

/** A complete context: keys not listed are absent. */
function complete(keys: Record<string, string | string[]>): RequestContext {
  return { keys: Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, Array.isArray(v) ? v : [v]])), complete: true };
}

type Row = [operator: string, key: string, policy: string | string[], context: Record<string, string | string[]>, expected: 'yes' | 'no' | 'unknown'];

function run(rows: Row[]) {
  for (const [op, key, values, ctx, want] of rows) {
    it(`${op} ${key}=${JSON.stringify(values)} with ${JSON.stringify(ctx)} → ${want}`, () => {
      expect(evaluateCondition(cond(op, key, values), complete(ctx), V12).result).toBe(want);
    });
  }
}

describe('parseOperator', () => {
  it('parses prefixes and suffixes case-insensitively', () => {
    expect(parseOperator('ForAnyValue:StringLikeIfExists')).toMatchObject({ base: 'StringLike', set: 'ForAnyValue', ifExists: true, negated: false });
    expect(parseOperator('forallvalues:stringnotequals')).toMatchObject({ base: 'StringNotEquals', set: 'ForAllValues', negated: true, canonical: 'ForAllValues:StringNotEquals' });
    expect(parseOperator('NotIpAddressIfExists')).toMatchObject({ base: 'NotIpAddress', negated: true, ifExists: true });
    expect(parseOperator('Null')).toMatchObject({ base: 'Null', ifExists: false });
  });
  it('rejects unknown operators and NullIfExists', () => {
    for (const bad of ['StringMatches', 'NullIfExists', 'ForSomeValues:StringEquals', 'StringEqualsIfExistsIfExists', '']) {
      expect(parseOperator(bad), bad).toBeUndefined();
    }
  });
});

describe('String operators', () => {
  run([
    ['StringEquals', 'aws:SourceAccount', '111122223333', { 'aws:SourceAccount': '111122223333' }, 'yes'],
    ['StringEquals', 'aws:SourceAccount', '111122223333', { 'aws:SourceAccount': '444455556666' }, 'no'],
    ['StringEquals', 'aws:SourceAccount', ['1', '111122223333'], { 'aws:SourceAccount': '111122223333' }, 'yes'],
    ['StringEquals', 'aws:PrincipalTag/team', 'Blue', { 'aws:PrincipalTag/team': 'blue' }, 'no'],
    ['StringEquals', 'aws:SourceAccount', '1', {}, 'no'],
    ['StringEquals', 'aws:SourceAccount', '*', { 'aws:SourceAccount': '1' }, 'no'],
    ['StringNotEquals', 'aws:SourceAccount', '1', { 'aws:SourceAccount': '1' }, 'no'],
    ['StringNotEquals', 'aws:SourceAccount', ['1', '2'], { 'aws:SourceAccount': '3' }, 'yes'],
    ['StringNotEquals', 'aws:SourceAccount', ['1', '2'], { 'aws:SourceAccount': '2' }, 'no'],
    ['StringNotEquals', 'aws:SourceAccount', '1', {}, 'yes'],
    ['StringEqualsIgnoreCase', 'aws:PrincipalTag/team', 'BLUE', { 'aws:PrincipalTag/team': 'blue' }, 'yes'],
    ['StringEqualsIgnoreCase', 'aws:PrincipalTag/team', 'BLUE', {}, 'no'],
    ['StringNotEqualsIgnoreCase', 'aws:PrincipalTag/team', 'BLUE', { 'aws:PrincipalTag/team': 'blue' }, 'no'],
    ['StringNotEqualsIgnoreCase', 'aws:PrincipalTag/team', 'BLUE', { 'aws:PrincipalTag/team': 'red' }, 'yes'],
    ['StringNotEqualsIgnoreCase', 'aws:PrincipalTag/team', 'BLUE', {}, 'yes'],
    ['StringLike', 's3:prefix', 'home/*', { 's3:prefix': 'home/bob/x' }, 'yes'],
    ['StringLike', 's3:prefix', 'home/?', { 's3:prefix': 'home/ab' }, 'no'],
    ['StringLike', 's3:prefix', 'home/??', { 's3:prefix': 'home/ab' }, 'yes'],
    ['StringLike', 's3:prefix', 'Home/*', { 's3:prefix': 'home/ab' }, 'no'],
    ['StringLike', 's3:prefix', ['a*', 'b*'], { 's3:prefix': 'bx' }, 'yes'],
    ['StringLike', 's3:prefix', 'home/*', {}, 'no'],
    ['StringNotLike', 's3:prefix', 'home/*', { 's3:prefix': 'home/x' }, 'no'],
    ['StringNotLike', 's3:prefix', 'home/*', { 's3:prefix': 'etc/x' }, 'yes'],
    ['StringNotLike', 's3:prefix', 'home/*', {}, 'yes'],
  ]);
});

describe('Numeric operators', () => {
  run([
    ['NumericEquals', 's3:max-keys', '10', { 's3:max-keys': '10' }, 'yes'],
    ['NumericEquals', 's3:max-keys', '10', { 's3:max-keys': '10.0' }, 'yes'],
    ['NumericEquals', 's3:max-keys', '10', { 's3:max-keys': '11' }, 'no'],
    ['NumericEquals', 's3:max-keys', '10', { 's3:max-keys': 'ten' }, 'no'],
    ['NumericEquals', 's3:max-keys', '10', {}, 'no'],
    ['NumericNotEquals', 's3:max-keys', '10', { 's3:max-keys': '11' }, 'yes'],
    ['NumericNotEquals', 's3:max-keys', '10', { 's3:max-keys': '10' }, 'no'],
    ['NumericNotEquals', 's3:max-keys', '10', {}, 'yes'],
    ['NumericLessThan', 's3:max-keys', '10', { 's3:max-keys': '9' }, 'yes'],
    ['NumericLessThan', 's3:max-keys', '10', { 's3:max-keys': '10' }, 'no'],
    ['NumericLessThan', 's3:max-keys', '10', {}, 'no'],
    ['NumericLessThanEquals', 's3:max-keys', '10', { 's3:max-keys': '10' }, 'yes'],
    ['NumericLessThanEquals', 's3:max-keys', '10', { 's3:max-keys': '10.5' }, 'no'],
    ['NumericGreaterThan', 's3:max-keys', '10', { 's3:max-keys': '1e2' }, 'yes'],
    ['NumericGreaterThan', 's3:max-keys', '10', { 's3:max-keys': '-11' }, 'no'],
    ['NumericGreaterThanEquals', 's3:max-keys', '10', { 's3:max-keys': '10' }, 'yes'],
    ['NumericGreaterThanEquals', 's3:max-keys', '10', { 's3:max-keys': '9.99' }, 'no'],
    ['NumericGreaterThanEquals', 's3:max-keys', '10', {}, 'no'],
  ]);
});

describe('Date operators', () => {
  run([
    ['DateEquals', 'aws:CurrentTime', '2020-01-01T00:00:00Z', { 'aws:CurrentTime': '2020-01-01T00:00:00Z' }, 'yes'],
    ['DateEquals', 'aws:CurrentTime', '2020-01-01T00:00:00Z', { 'aws:CurrentTime': '1577836800' }, 'yes'],
    ['DateEquals', 'aws:CurrentTime', '2020-01-01T01:00:00+01:00', { 'aws:CurrentTime': '2020-01-01T00:00:00Z' }, 'yes'],
    ['DateEquals', 'aws:CurrentTime', '2020-01-01', { 'aws:CurrentTime': '2020-01-01T00:00:00Z' }, 'yes'],
    ['DateEquals', 'aws:CurrentTime', '2020-01-01', { 'aws:CurrentTime': 'yesterday' }, 'no'],
    ['DateNotEquals', 'aws:CurrentTime', '2020-01-01', { 'aws:CurrentTime': '2020-01-02' }, 'yes'],
    ['DateNotEquals', 'aws:CurrentTime', '2020-01-01', {}, 'yes'],
    ['DateLessThan', 'aws:CurrentTime', '2020-06-30T00:00:00Z', { 'aws:CurrentTime': '2020-06-29T23:59:59Z' }, 'yes'],
    ['DateLessThan', 'aws:CurrentTime', '2020-06-30T00:00:00Z', { 'aws:CurrentTime': '2020-06-30T00:00:00Z' }, 'no'],
    ['DateLessThan', 'aws:CurrentTime', '2020-06-30T00:00:00Z', {}, 'no'],
    ['DateLessThanEquals', 'aws:CurrentTime', '2020-06-30T00:00:00Z', { 'aws:CurrentTime': '2020-06-30T00:00:00Z' }, 'yes'],
    ['DateGreaterThan', 'aws:TokenIssueTime', '2020-06-30T00:00:00Z', { 'aws:TokenIssueTime': '2021-01-01T00:00:00Z' }, 'yes'],
    ['DateGreaterThan', 'aws:TokenIssueTime', '2020-06-30T00:00:00Z', { 'aws:TokenIssueTime': '2019-01-01T00:00:00Z' }, 'no'],
    ['DateGreaterThanEquals', 'aws:TokenIssueTime', '1593475200', { 'aws:TokenIssueTime': '2020-06-30T00:00:00Z' }, 'yes'],
    ['DateGreaterThanEquals', 'aws:TokenIssueTime', '1593475200', {}, 'no'],
  ]);

  it('parses ISO 8601 forms and epoch seconds, UTC when no zone is given', () => {
    expect(parseDate('2020-01-01T00:00:00Z')).toBe(Date.UTC(2020, 0, 1));
    expect(parseDate('2020-01-01T00:00:00')).toBe(Date.UTC(2020, 0, 1));
    expect(parseDate('20200101T000000Z')).toBe(Date.UTC(2020, 0, 1));
    expect(parseDate('2020-01-01T00:00:00.500Z')).toBe(Date.UTC(2020, 0, 1) + 500);
    expect(parseDate('2020-01-01T00:00:00-0230')).toBe(Date.UTC(2020, 0, 1, 2, 30));
    expect(parseDate('1577836800')).toBe(Date.UTC(2020, 0, 1));
    expect(parseDate('2020-02-30')).toBeUndefined();
    expect(parseDate('2020-13-01')).toBeUndefined();
    expect(parseDate('soon')).toBeUndefined();
  });
});

describe('Bool, Binary, Null', () => {
  run([
    ['Bool', 'aws:SecureTransport', 'true', { 'aws:SecureTransport': 'true' }, 'yes'],
    ['Bool', 'aws:SecureTransport', 'true', { 'aws:SecureTransport': 'TRUE' }, 'yes'],
    ['Bool', 'aws:SecureTransport', 'false', { 'aws:SecureTransport': 'true' }, 'no'],
    ['Bool', 'aws:SecureTransport', 'true', {}, 'no'],
    ['BoolIfExists', 'aws:SecureTransport', 'true', {}, 'yes'],
    ['BoolIfExists', 'aws:SecureTransport', 'true', { 'aws:SecureTransport': 'false' }, 'no'],
    ['BinaryEquals', 'x:bin', 'QmluYXJ5VmFsdWU=', { 'x:bin': 'QmluYXJ5VmFsdWU=' }, 'yes'],
    ['BinaryEquals', 'x:bin', 'QmluYXJ5VmFsdWU=', { 'x:bin': 'T3RoZXI=' }, 'no'],
    ['BinaryEquals', 'x:bin', 'QmluYXJ5VmFsdWU=', {}, 'no'],
    ['Null', 'aws:TokenIssueTime', 'true', {}, 'yes'],
    ['Null', 'aws:TokenIssueTime', 'true', { 'aws:TokenIssueTime': '1' }, 'no'],
    ['Null', 'aws:TokenIssueTime', 'false', { 'aws:TokenIssueTime': '1' }, 'yes'],
    ['Null', 'aws:TokenIssueTime', 'false', {}, 'no'],
    ['Null', 'aws:TokenIssueTime', ['true', 'false'], {}, 'yes'],
  ]);
});

describe('IP address operators', () => {
  run([
    ['IpAddress', 'aws:SourceIp', '203.0.113.0/24', { 'aws:SourceIp': '203.0.113.7' }, 'yes'],
    ['IpAddress', 'aws:SourceIp', '203.0.113.0/24', { 'aws:SourceIp': '203.0.114.7' }, 'no'],
    ['IpAddress', 'aws:SourceIp', '203.0.113.7', { 'aws:SourceIp': '203.0.113.7' }, 'yes'],
    ['IpAddress', 'aws:SourceIp', '0.0.0.0/0', { 'aws:SourceIp': '8.8.8.8' }, 'yes'],
    ['IpAddress', 'aws:SourceIp', ['10.0.0.0/8', '192.168.0.0/16'], { 'aws:SourceIp': '192.168.3.4' }, 'yes'],
    ['IpAddress', 'aws:SourceIp', '2001:db8::/32', { 'aws:SourceIp': '2001:db8:1234::1' }, 'yes'],
    ['IpAddress', 'aws:SourceIp', '2001:db8::/32', { 'aws:SourceIp': '2001:db9::1' }, 'no'],
    ['IpAddress', 'aws:SourceIp', '2001:DB8:0:0:0:0:0:0/127', { 'aws:SourceIp': '2001:db8::1' }, 'yes'],
    ['IpAddress', 'aws:SourceIp', '::ffff:192.0.2.0/120', { 'aws:SourceIp': '::ffff:192.0.2.9' }, 'yes'],
    ['IpAddress', 'aws:SourceIp', '203.0.113.0/24', { 'aws:SourceIp': '2001:db8::1' }, 'no'],
    ['IpAddress', 'aws:SourceIp', '203.0.113.0/24', {}, 'no'],
    ['NotIpAddress', 'aws:SourceIp', '203.0.113.0/24', { 'aws:SourceIp': '198.51.100.1' }, 'yes'],
    ['NotIpAddress', 'aws:SourceIp', '203.0.113.0/24', { 'aws:SourceIp': '203.0.113.1' }, 'no'],
    ['NotIpAddress', 'aws:SourceIp', '203.0.113.0/24', {}, 'yes'],
  ]);

  it('parses CIDR blocks', () => {
    expect(parseCidr('10.0.0.0/8')).toEqual({ ip: { v6: false, n: 0x0a000000n }, bits: 8 });
    expect(parseCidr('::1')).toEqual({ ip: { v6: true, n: 1n }, bits: 128 });
    expect(parseCidr('1::')).toEqual({ ip: { v6: true, n: 1n << 112n }, bits: 128 });
    for (const bad of ['10.0.0.0/33', '256.0.0.1', '1.2.3', '1:2:3:4:5:6:7:8:9', '1::2::3', 'x', '::/129']) expect(parseCidr(bad), bad).toBeUndefined();
  });
});

describe('ARN operators', () => {
  const role = 'arn:aws:iam::111122223333:role/app';
  run([
    ['ArnEquals', 'aws:SourceArn', role, { 'aws:SourceArn': role }, 'yes'],
    ['ArnEquals', 'aws:SourceArn', 'arn:aws:iam::111122223333:role/*', { 'aws:SourceArn': role }, 'yes'],
    ['ArnLike', 'aws:SourceArn', 'arn:aws:ecs:us-east-1:111122223333:*', { 'aws:SourceArn': 'arn:aws:ecs:us-east-1:111122223333:task/c/abc' }, 'yes'],
    ['ArnLike', 'aws:SourceArn', 'arn:aws:ecs:*:111122223333:*', { 'aws:SourceArn': 'arn:aws:ecs:eu-west-1:111122223333:task/c/abc' }, 'yes'],
    ['ArnLike', 'aws:SourceArn', 'arn:aws:ecs:us-east-1:111122223333:*', { 'aws:SourceArn': 'arn:aws:ecs:us-east-1:444455556666:task/c/abc' }, 'no'],
    // A `*` inside a field does not reach into the next field.
    ['ArnLike', 'aws:SourceArn', 'arn:aws:ecs:us-*:task/x', { 'aws:SourceArn': 'arn:aws:ecs:us-east-1:1:task/x' }, 'no'],
    ['ArnLike', 'aws:SourceArn', 'arn:aws:iam::*:role/App', { 'aws:SourceArn': role }, 'no'],
    ['ArnLike', 'aws:SourceArn', '*', { 'aws:SourceArn': role }, 'yes'],
    ['ArnLike', 'aws:SourceArn', role, { 'aws:SourceArn': 'not-an-arn' }, 'no'],
    ['ArnLike', 'aws:SourceArn', role, {}, 'no'],
    ['ArnLikeIfExists', 'aws:SourceArn', role, {}, 'yes'],
    ['ArnNotEquals', 'aws:SourceArn', role, { 'aws:SourceArn': role }, 'no'],
    ['ArnNotLike', 'aws:SourceArn', 'arn:aws:iam::*:role/admin-*', { 'aws:SourceArn': role }, 'yes'],
    ['ArnNotLike', 'aws:SourceArn', 'arn:aws:iam::*:role/*', { 'aws:SourceArn': role }, 'no'],
    ['ArnNotLike', 'aws:SourceArn', role, {}, 'yes'],
  ]);
});

describe('set operators and IfExists', () => {
  run([
    ['ForAnyValue:StringEquals', 'aws:TagKeys', ['env', 'team'], { 'aws:TagKeys': ['owner', 'team'] }, 'yes'],
    ['ForAnyValue:StringEquals', 'aws:TagKeys', ['env', 'team'], { 'aws:TagKeys': ['owner'] }, 'no'],
    ['ForAnyValue:StringEquals', 'aws:TagKeys', ['env'], {}, 'no'],
    ['ForAnyValue:StringEquals', 'aws:TagKeys', ['env'], { 'aws:TagKeys': [] }, 'no'],
    ['ForAnyValue:StringNotEquals', 'aws:TagKeys', ['env'], { 'aws:TagKeys': ['env', 'team'] }, 'yes'],
    ['ForAnyValue:StringNotEquals', 'aws:TagKeys', ['env'], { 'aws:TagKeys': ['env'] }, 'no'],
    ['ForAllValues:StringEquals', 'aws:TagKeys', ['env', 'team'], { 'aws:TagKeys': ['env', 'team'] }, 'yes'],
    ['ForAllValues:StringEquals', 'aws:TagKeys', ['env', 'team'], { 'aws:TagKeys': ['env', 'owner'] }, 'no'],
    ['ForAllValues:StringEquals', 'aws:TagKeys', ['env', 'team'], {}, 'yes'],
    ['ForAllValues:StringEquals', 'aws:TagKeys', ['env', 'team'], { 'aws:TagKeys': [] }, 'yes'],
    ['ForAllValues:StringNotLike', 'aws:TagKeys', ['aws:*'], { 'aws:TagKeys': ['env', 'team'] }, 'yes'],
    ['ForAllValues:StringNotLike', 'aws:TagKeys', ['aws:*'], { 'aws:TagKeys': ['env', 'aws:x'] }, 'no'],
    ['ForAnyValue:StringLikeIfExists', 'aws:TagKeys', ['e*'], {}, 'yes'],
    ['StringEqualsIfExists', 'aws:SourceAccount', '1', {}, 'yes'],
    ['StringEqualsIfExists', 'aws:SourceAccount', '1', { 'aws:SourceAccount': '2' }, 'no'],
    ['StringNotEqualsIfExists', 'aws:SourceAccount', '1', { 'aws:SourceAccount': '1' }, 'no'],
    // Single-valued form over several request values: the negated operator negates its positive twin.
    ['StringNotEquals', 'aws:TagKeys', 'env', { 'aws:TagKeys': ['env', 'team'] }, 'no'],
  ]);
});

describe('key names and unknown context', () => {
  it('matches condition keys case-insensitively', () => {
    expect(evaluateCondition(cond('StringEquals', 'AWS:SOURCEACCOUNT', '1'), complete({ 'aws:sourceAccount': '1' })).result).toBe('yes');
  });

  it('a key missing from an incomplete context is unknown and named', () => {
    const ctx: RequestContext = { keys: { 'aws:SourceAccount': ['1'] } };
    for (const op of ['StringEquals', 'StringNotEquals', 'StringEqualsIfExists', 'ForAllValues:StringEquals', 'ForAnyValue:StringEquals', 'Null', 'NumericLessThan']) {
      expect(evaluateCondition(cond(op, 'kms:ViaService', 'x'), ctx), op).toEqual({ result: 'unknown', unknownKeys: ['kms:ViaService'] });
    }
    expect(evaluateCondition(cond('StringEquals', 'aws:SourceAccount', '1'), ctx)).toEqual({ result: 'yes', unknownKeys: [] });
  });

  it('a key given with no values is absent even in an incomplete context', () => {
    expect(evaluateCondition(cond('StringEquals', 'aws:SourceVpce', 'vpce-1'), { keys: { 'aws:SourceVpce': [] } }).result).toBe('no');
  });

  it('an unknown operator is unknown, not a match', () => {
    expect(evaluateCondition(cond('StringMatches', 'aws:SourceAccount', '1'), complete({ 'aws:SourceAccount': '1' })).result).toBe('unknown');
  });

  it('conditions are ANDed; a definite no wins over unknown', () => {
    const ctx: RequestContext = { keys: { 'aws:SourceAccount': ['1'] } };
    const yes = cond('StringEquals', 'aws:SourceAccount', '1');
    const no = cond('StringEquals', 'aws:SourceAccount', '2');
    const unk = cond('StringEquals', 'kms:ViaService', 'x');
    expect(evaluateConditions([], ctx)).toEqual({ result: 'yes', unknownKeys: [] });
    expect(evaluateConditions([yes, yes], ctx)).toEqual({ result: 'yes', unknownKeys: [] });
    expect(evaluateConditions([yes, unk], ctx)).toEqual({ result: 'unknown', unknownKeys: ['kms:ViaService'] });
    expect(evaluateConditions([unk, no], ctx)).toEqual({ result: 'no', unknownKeys: [] });
  });
});

describe('symbolic tokens', () => {
  const acct = token('AWS::AccountId@stack.yaml');
  const region = token('AWS::Region@stack.yaml');
  const other = token('Other@stack.yaml');
  run([
    // identical tokens are equal
    ['StringEquals', 'aws:SourceAccount', acct, { 'aws:SourceAccount': acct }, 'yes'],
    ['StringNotEquals', 'aws:SourceAccount', acct, { 'aws:SourceAccount': acct }, 'no'],
    // different tokens, or a token against text, are undetermined
    ['StringEquals', 'aws:SourceAccount', acct, { 'aws:SourceAccount': other }, 'unknown'],
    ['StringEquals', 'aws:SourceAccount', acct, { 'aws:SourceAccount': '111122223333' }, 'unknown'],
    ['StringNotEquals', 'aws:SourceAccount', '111122223333', { 'aws:SourceAccount': acct }, 'unknown'],
    // ... unless the rest of the text already decides
    ['StringEquals', 'aws:SourceArn', `arn:aws:ecs:us-east-1:${acct}:cluster/a`, { 'aws:SourceArn': `arn:aws:ecs:us-east-1:${acct}:cluster/b` }, 'no'],
    ['StringLike', 'aws:SourceArn', 'arn:aws:ecs:*', { 'aws:SourceArn': `arn:aws:ecs:${region}:${acct}:task/x` }, 'yes'],
    ['StringLike', 'aws:SourceArn', `arn:aws:ecs:${region}:*`, { 'aws:SourceArn': `arn:aws:ecs:${region}:${acct}:task/x` }, 'yes'],
    ['StringLike', 'aws:SourceArn', 'arn:aws:s3:::*', { 'aws:SourceArn': `arn:aws:ecs:${region}:${acct}:task/x` }, 'no'],
    ['StringLike', 'aws:SourceArn', `arn:aws:ecs:${region}:1:*`, { 'aws:SourceArn': 'arn:aws:ecs:us-east-1:1:task/x' }, 'unknown'],
    ['ArnLike', 'aws:SourceArn', `arn:aws:ecs:${region}:${acct}:*`, { 'aws:SourceArn': `arn:aws:ecs:${region}:${acct}:task/c/1` }, 'yes'],
    ['ArnLike', 'aws:SourceArn', 'arn:aws:ecs:*:111122223333:*', { 'aws:SourceArn': `arn:aws:ecs:${region}:${acct}:task/c/1` }, 'unknown'],
    ['ArnLike', 'aws:SourceArn', 'arn:aws:ecs:*:111122223333:*', { 'aws:SourceArn': `arn:aws:s3:::${other}` }, 'no'],
    ['ArnEquals', 'aws:SourceArn', 'arn:aws:iam::1:role/x', { 'aws:SourceArn': other }, 'unknown'],
    // token names may contain colons: they must not split ARN fields
    ['ArnLike', 'aws:SourceArn', `arn:aws:iam::${acct}:role/*`, { 'aws:SourceArn': `arn:aws:iam::${acct}:role/app` }, 'yes'],
    ['NumericLessThan', 's3:max-keys', '10', { 's3:max-keys': other }, 'unknown'],
    ['DateLessThan', 'aws:CurrentTime', other, { 'aws:CurrentTime': '2020-01-01' }, 'unknown'],
    ['Bool', 'aws:SecureTransport', 'true', { 'aws:SecureTransport': other }, 'unknown'],
    ['IpAddress', 'aws:SourceIp', other, { 'aws:SourceIp': '1.2.3.4' }, 'unknown'],
    ['Null', 'aws:SourceIp', other, { 'aws:SourceIp': '1.2.3.4' }, 'unknown'],
  ]);
});

describe('policy variables', () => {
  const ctx = complete({ 'aws:username': 'bob', 'aws:PrincipalTag/team': 'blue', 'aws:TagKeys': ['a', 'b'] });

  it('substitutes variables, escapes and defaults with Version 2012-10-17', () => {
    expect(substituteVariables('home/${aws:username}/*', ctx, V12)).toEqual({ value: 'home/bob/*' });
    expect(substituteVariables('${AWS:USERNAME}', ctx, V12)).toEqual({ value: 'bob' });
    expect(substituteVariables('t/${aws:PrincipalTag/team}', ctx, V12)).toEqual({ value: 't/blue' });
    expect(substituteVariables('a${*}b${?}c${$}d', ctx, V12)).toEqual({ value: 'a*b?c$d' });
    expect(substituteVariables("${aws:PrincipalTag/cost, 'none'}", ctx, V12)).toEqual({ value: 'none' });
    expect(substituteVariables("${aws:username,'x'}", ctx, V12)).toEqual({ value: 'bob' });
    expect(substituteVariables('x/${aws:userid}', ctx, V12)).toEqual({ absent: true });
    expect(substituteVariables('${not a variable}', ctx, V12)).toEqual({ value: '${not a variable}' });
    expect(substituteVariables('open ${aws:username', ctx, V12)).toEqual({ value: 'open ${aws:username' });
  });

  it('leaves ${…} as text with Version 2008-10-17 or none', () => {
    expect(substituteVariables('home/${aws:username}', ctx, '2008-10-17')).toEqual({ value: 'home/${aws:username}' });
    expect(substituteVariables('home/${aws:username}', ctx)).toEqual({ value: 'home/${aws:username}' });
  });

  it('an unknown key makes the value unknown; a multivalued key cannot be substituted', () => {
    expect(substituteVariables('${aws:PrincipalTag/x}/${aws:username}', { keys: {} }, V12)).toEqual({ unknown: ['aws:PrincipalTag/x', 'aws:username'] });
    expect(substituteVariables('${aws:TagKeys}', ctx, V12)).toEqual({ unknown: ['aws:TagKeys'] });
  });

  it('an absent key wins over an unknown one: the value cannot match', () => {
    expect(substituteVariables('${x:unknown}${aws:userid}', { keys: { 'aws:userid': [] } }, V12)).toEqual({ absent: true });
  });

  it('are substituted in condition values', () => {
    const c = cond('StringLike', 's3:prefix', 'home/${aws:username}/*');
    expect(evaluateCondition(c, complete({ 's3:prefix': 'home/bob/x', 'aws:username': 'bob' }), V12).result).toBe('yes');
    expect(evaluateCondition(c, complete({ 's3:prefix': 'home/eve/x', 'aws:username': 'bob' }), V12).result).toBe('no');
    // 2008-10-17: the variable is literal text
    expect(evaluateCondition(c, complete({ 's3:prefix': 'home/bob/x', 'aws:username': 'bob' }), '2008-10-17').result).toBe('no');
    expect(evaluateCondition(c, complete({ 's3:prefix': 'home/${aws:username}/x' }), '2008-10-17').result).toBe('yes');
  });

  it('a variable whose key is absent makes that value not match', () => {
    const pos = cond('StringLike', 's3:prefix', ['home/${aws:username}/*', 'pub/*']);
    expect(evaluateCondition(pos, complete({ 's3:prefix': 'home/bob/x' }), V12).result).toBe('no');
    expect(evaluateCondition(pos, complete({ 's3:prefix': 'pub/x' }), V12).result).toBe('yes');
    const neg = cond('StringNotLike', 's3:prefix', 'home/${aws:username}/*');
    expect(evaluateCondition(neg, complete({ 's3:prefix': 'home/bob/x' }), V12).result).toBe('yes');
  });

  it('an unknown variable key leaves the condition unknown and names it', () => {
    const c = cond('StringEquals', 'aws:SourceAccount', '${aws:PrincipalAccount}');
    expect(evaluateCondition(c, { keys: { 'aws:SourceAccount': ['1'] } }, V12)).toEqual({ result: 'unknown', unknownKeys: ['aws:PrincipalAccount'] });
    expect(evaluateCondition(c, { keys: { 'aws:SourceAccount': ['1'], 'aws:PrincipalAccount': ['1'] } }, V12).result).toBe('yes');
  });

  it('escaped wildcards are literal characters in Like patterns', () => {
    const c = cond('StringLike', 's3:prefix', 'a${*}');
    expect(evaluateCondition(c, complete({ 's3:prefix': 'a*' }), V12).result).toBe('yes');
    expect(evaluateCondition(c, complete({ 's3:prefix': 'ab' }), V12).result).toBe('no');
    const v = cond('StringLike', 's3:prefix', '${aws:username}');
    expect(evaluateCondition(v, complete({ 's3:prefix': 'bob', 'aws:username': '*' }), V12).result).toBe('no');
  });
});

describe('ArnLike with a pattern of stars only', () => {
  it('matches any value, whether written * or **', () => {
    for (const pattern of ['*', '**']) {
      for (const value of ['arn:aws:ecs:us-east-1:111122223333:cluster/x', 'not-an-arn']) {
        expect(evaluateCondition(cond('ArnLike', 'aws:SourceArn', pattern), complete({ 'aws:SourceArn': value })).result).toBe('yes');
      }
    }
  });
});
