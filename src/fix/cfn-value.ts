// Values with symbolic tokens written back as CloudFormation: `${AWS::Region}` pseudo parameters,
// `${Param}` parameters, `${Resource}` (Ref) and `${Resource.Attr}` (GetAtt) inside one Fn::Sub.
// A token the template cannot express again (another file's value, a Join or If the resolver
// could not decide, an import) is refused with the reason: a guess would be a wrong policy.
import { TOKEN_CLOSE, TOKEN_OPEN, type Node } from '../model.js';
import { get, str } from '../sources/nodes.js';

const PSEUDO = new Set(['AWS::AccountId', 'AWS::Region', 'AWS::Partition', 'AWS::URLSuffix', 'AWS::StackName', 'AWS::StackId']);

/** Types whose Ref is the physical name, with the property that sets it (cfn-intrinsics' name tokens). */
const REF_IS_NAME: Record<string, string> = {
  'AWS::IAM::Role': 'RoleName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::SSM::Parameter': 'Name',
  'AWS::KMS::Alias': 'AliasName',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::ECR::Repository': 'RepositoryName',
};
/** Name properties whose value no Ref or GetAtt gives back (Ref is an ARN), and values the model invents. */
const NOT_AN_ATTRIBUTE: Record<string, string[]> = {
  'AWS::IAM::ManagedPolicy': ['ManagedPolicyName'],
  'AWS::SecretsManager::Secret': ['Name'],
  'AWS::ECS::TaskDefinition': ['Family', 'Revision'],
};

/** What a template defines that a token may name. */
export interface TemplateNames {
  file: string;
  parameters: Set<string>;
  /** Logical id → resource type. */
  resources: Map<string, string>;
}

export function templateNames(root: Node, file: string): TemplateNames {
  const section = (name: string) => {
    const n = get(root, name);
    return n?.kind === 'map' ? n.entries : [];
  };
  return {
    file,
    parameters: new Set(section('Parameters').map((e) => e.key)),
    resources: new Map(section('Resources').map((e) => [e.key, str(get(e.value, 'Type')) ?? ''])),
  };
}

export type CfnString = string | { 'Fn::Sub': string };

export class TokenError extends Error {}

/** The CloudFormation form of `s`: the plain string, or an Fn::Sub when it holds tokens. Throws TokenError. */
export function cfnString(s: string, t: TemplateNames): CfnString {
  if (!s.includes(TOKEN_OPEN)) return s;
  let out = '';
  let i = 0;
  while (i < s.length) {
    const open = s.indexOf(TOKEN_OPEN, i);
    const literal = s.slice(i, open < 0 ? s.length : open);
    // A literal `${x}` (an IAM policy variable) is escaped as `${!x}` inside Fn::Sub.
    out += literal.replace(/\$\{/g, '${!');
    if (open < 0) break;
    const close = s.indexOf(TOKEN_CLOSE, open);
    out += '${' + subVariable(s.slice(open + 1, close), t) + '}';
    i = close + 1;
  }
  return { 'Fn::Sub': out };
}

function subVariable(tokenName: string, t: TemplateNames): string {
  const at = tokenName.lastIndexOf('@');
  const name = at < 0 ? tokenName : tokenName.slice(0, at);
  const scope = at < 0 ? undefined : tokenName.slice(at + 1);
  const shown = '${' + name + '}';
  if (scope !== t.file) throw new TokenError(`${shown} is a value of ${scope ?? 'another input'}, not of ${t.file}`);
  if (PSEUDO.has(name)) return name;
  if (name.startsWith('Param:') && t.parameters.has(name.slice(6))) return name.slice(6);
  if (t.resources.has(name)) return name;
  const dot = name.indexOf('.');
  const id = dot > 0 ? name.slice(0, dot) : '';
  const type = t.resources.get(id);
  if (type !== undefined && /^[A-Za-z][\w.]*$/.test(name.slice(dot + 1))) {
    const attr = name.slice(dot + 1);
    if (REF_IS_NAME[type] === attr) return id;
    if (!NOT_AN_ATTRIBUTE[type]?.includes(attr)) return name;
  }
  throw new TokenError(`${shown} (a value the template computes) cannot be written back as CloudFormation`);
}

/** A plain JSON value with every string in CloudFormation form. Throws TokenError. */
export function cfnValue(v: unknown, t: TemplateNames): unknown {
  if (typeof v === 'string') return cfnString(v, t);
  if (Array.isArray(v)) return v.map((x) => cfnValue(x, t));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, cfnValue(x, t)]));
  return v;
}
