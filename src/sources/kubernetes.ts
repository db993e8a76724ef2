// Kubernetes manifests (domain.md §3.4): the pods a Fargate profile may select (Pod and the
// controllers' pod templates, with their namespace, labels and images), the Fargate log router's
// `aws-observability/aws-logging` ConfigMap and the `kube-system/aws-auth` role mappings.
import { emptyInventory, token, type Inventory, type Loc, type Node, type Val } from '../model.js';
import { get, items, parseYaml, str, InputError } from './nodes.js';
import { parseFluentBitOutputs } from './fluent-bit.js';

/** Kinds whose pods we read, and where each keeps its pod template. */
const POD_TEMPLATE: Record<string, string[]> = {
  Pod: [],
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

/** EKS reads at most this many characters of the logging ConfigMap's data (domain.md §2.4). */
const LOGGING_CONFIGMAP_LIMIT = 5300;

/** A Kubernetes object: `apiVersion` and `kind` strings (eksctl's ClusterConfig has its own reader). */
export function isKubernetes(root: Node): boolean {
  const api = str(get(root, 'apiVersion'));
  const kind = str(get(root, 'kind'));
  return api !== undefined && kind !== undefined && !api.startsWith('eksctl.io/');
}

export function readKubernetes(root: Node, file: string): Inventory {
  const inv = emptyInventory();
  inv.files.push(file);
  readObject(root, file, inv);
  return inv;
}

function readObject(obj: Node, file: string, inv: Inventory): void {
  const kind = str(get(obj, 'kind')) ?? '';
  if (kind === 'List' || kind.endsWith('List')) {
    for (const item of items(get(obj, 'items'))) readObject(item, file, inv);
    return;
  }
  const metadata = get(obj, 'metadata');
  const name = templated(str(get(metadata, 'name')) ?? '');
  const namespace = templated(str(get(metadata, 'namespace')) || 'default');
  if (kind === 'ConfigMap') {
    if (namespace === 'aws-observability' && name === 'aws-logging') readLogging(obj, inv);
    if (namespace === 'kube-system' && name === 'aws-auth') readAwsAuth(obj, file, inv);
    return;
  }
  const path = POD_TEMPLATE[kind];
  if (!path) return;
  let template: Node | undefined = obj;
  for (const key of path) template = get(template, key);
  if (!template) return;
  const spec = get(template, 'spec');
  const images: Val[] = [];
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    for (const c of items(get(spec, list))) {
      const image = get(c, 'image');
      const value = str(image);
      if (value !== undefined) images.push({ value: templated(value), loc: image!.loc });
    }
  }
  inv.kubeWorkloads.push({
    id: `${kind}/${namespace}/${name}@${file}:${obj.loc.line}`,
    kind,
    name,
    namespace,
    labels: stringMap(get(get(template, 'metadata'), 'labels')),
    images,
    loc: obj.loc,
  });
}

function stringMap(node: Node | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (node?.kind !== 'map') return out;
  for (const e of node.entries) {
    const v = str(e.value);
    if (v !== undefined) out[templated(e.key)] = templated(v);
  }
  return out;
}

/** A Helm template action left in a value (`{{ .Values.image }}`) is a value not known until rendering. */
function templated(s: string): string {
  return s.includes('{{') ? s.replace(/\{\{-?\s*(.*?)\s*-?\}\}/g, (_, expr: string) => token(`helm:${expr}`)) : s;
}

function readLogging(obj: Node, inv: Inventory): void {
  const data = get(obj, 'data');
  const flb = get(data, 'flb_log_cw');
  const size = data?.kind === 'map' ? data.entries.reduce((n, e) => n + (str(e.value)?.length ?? 0), 0) : 0;
  if (size > LOGGING_CONFIGMAP_LIMIT) {
    inv.diagnostics.push({
      rule: 'invalid-input',
      severity: 'warning',
      message: `the aws-logging ConfigMap holds ${size} characters of configuration; EKS Fargate accepts at most ${LOGGING_CONFIGMAP_LIMIT}`,
      loc: (data ?? obj).loc,
    });
  }
  const output = data?.kind === 'map' ? data.entries.find((e) => e.key === 'output.conf') : undefined;
  const parsed = output ? parseFluentBitOutputs(str(output.value) ?? '', embeddedStart(output.value, output.keyLoc)) : { outputs: [], diagnostics: [] };
  inv.diagnostics.push(...parsed.diagnostics);
  inv.fargateLogging.push({
    outputs: parsed.outputs,
    ...(str(flb) !== undefined && { flbLogCw: { value: str(flb)!, loc: flb!.loc } }),
    loc: obj.loc,
  });
}

/**
 * Where the first line of text embedded in a YAML string starts. A block scalar (`key: |`) begins on
 * the next line, indented under its key; a one-line value starts where it is written.
 */
export function embeddedStart(value: Node, keyLoc: Loc): Loc {
  const text = str(value) ?? '';
  if (text.includes('\n') && value.loc.line === keyLoc.line) return { file: value.loc.file, line: keyLoc.line + 1, column: keyLoc.column + 2 };
  return value.loc;
}

/** `mapRoles` is YAML inside a string: parsed, with positions moved to where the text stands. */
function readAwsAuth(obj: Node, file: string, inv: Inventory): void {
  const data = get(obj, 'data');
  const entry = data?.kind === 'map' ? data.entries.find((e) => e.key === 'mapRoles') : undefined;
  const text = entry && str(entry.value);
  if (!entry || text === undefined) return;
  const start = embeddedStart(entry.value, entry.keyLoc);
  let docs: Node[];
  try {
    docs = parseYaml(text, file);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    throw new InputError(`aws-auth mapRoles: ${e.message}`, moved(e.loc, start));
  }
  const shift = (l: Loc) => moved(l, start);
  for (const m of docs.flatMap((d) => items(d))) {
    const arn = get(m, 'rolearn');
    const value = str(arn);
    if (value === undefined) continue;
    const username = str(get(m, 'username'));
    inv.awsAuth.push({
      roleArn: { value, loc: shift(arn!.loc) },
      ...(username !== undefined && { username }),
      groups: items(get(m, 'groups')).flatMap((g) => str(g) ?? []),
      loc: shift(m.loc),
    });
  }
}

/** A position inside embedded text, moved to the file position of the text's first character. */
export function moved(l: Loc, start: Loc): Loc {
  return { file: start.file, line: start.line + l.line - 1, column: start.column + l.column - 1 };
}
