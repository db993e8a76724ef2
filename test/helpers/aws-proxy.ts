// A loopback HTTP proxy in front of moto that names every AWS operation it forwards and injects the
// faults moto cannot produce (throttling, a denied call, a truncated IAM page). The SDK talks to it
// through AWS_ENDPOINT_URL as it would to AWS.
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';

export interface AwsRequest {
  /** `service:Operation`, e.g. `ecs:ListClusters`; `eks:<METHOD> <path>` for an EKS call it cannot name. */
  operation: string;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

/** A fault: reply instead of moto (return a Reply), or rewrite moto's answer (return `forward`). */
export type Fault = (req: AwsRequest, forward: (body?: string) => Promise<Reply>) => Promise<Reply | undefined> | Reply | undefined;

const EKS_ROUTES: Array<[RegExp, string]> = [
  [/^\/clusters$/, 'ListClusters'],
  [/^\/clusters\/[^/]+$/, 'DescribeCluster'],
  [/^\/clusters\/[^/]+\/fargate-profiles$/, 'ListFargateProfiles'],
  [/^\/clusters\/[^/]+\/fargate-profiles\/[^/]+$/, 'DescribeFargateProfile'],
  [/^\/clusters\/[^/]+\/node-groups$/, 'ListNodegroups'],
  [/^\/clusters\/[^/]+\/node-groups\/[^/]+$/, 'DescribeNodegroup'],
];

/** The operation a signed request calls: service from the SigV4 scope, name from the protocol. */
export function operationOf(method: string, path: string, headers: IncomingHttpHeaders, body: string): string {
  const service = /Credential=[^/]+\/\d+\/[^/]+\/([^/]+)\//.exec(String(headers.authorization ?? ''))?.[1] ?? 'unknown';
  const target = headers['x-amz-target'];
  if (target) return `${service}:${String(target).split('.').pop()}`;
  const action = new URLSearchParams(body).get('Action') ?? new URL(path, 'http://x').searchParams.get('Action');
  if (action) return `${service}:${action}`;
  const pathname = new URL(path, 'http://x').pathname;
  if (service === 'eks' && method === 'GET') for (const [re, op] of EKS_ROUTES) if (re.test(pathname)) return `eks:${op}`;
  return `${service}:${method} ${pathname}`;
}

export class AwsProxy {
  readonly requests: AwsRequest[] = [];
  faults: Fault[] = [];
  private server?: Server;
  url = '';

  constructor(private readonly target: string) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const r: AwsRequest = { operation: operationOf(req.method ?? 'GET', req.url ?? '/', req.headers, body), method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body };
        this.requests.push(r);
        const forward = (b = body) => this.forward(r, b);
        try {
          let reply: Reply | undefined;
          for (const f of this.faults) if ((reply = await f(r, forward))) break;
          reply ??= await forward();
          res.writeHead(reply.status, reply.headers);
          res.end(reply.body);
        } catch (e) {
          res.writeHead(502);
          res.end(String(e));
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as { port: number }).port}`;
  }

  private forward(r: AwsRequest, body: string): Promise<Reply> {
    const headers = { ...r.headers, 'content-length': String(Buffer.byteLength(body)) };
    return new Promise((resolve, reject) => {
      const out = request(`${this.target}${r.path}`, { method: r.method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const h: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined && k !== 'content-length' && k !== 'transfer-encoding') h[k] = String(v);
          resolve({ status: res.statusCode ?? 500, headers: h, body: Buffer.concat(chunks).toString('utf8') });
        });
      });
      out.on('error', reject);
      out.end(body);
    });
  }

  operations(): string[] {
    return this.requests.map((r) => r.operation);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** A JSON-protocol (ECS) error reply. */
export function jsonError(type: string, message: string, status = 400): Reply {
  return { status, headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': type }, body: JSON.stringify({ __type: type, message }) };
}

/** A query-protocol (IAM, STS) error reply. */
export function queryError(code: string, message: string, status = 403): Reply {
  return {
    status,
    headers: { 'content-type': 'text/xml' },
    body: `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>`,
  };
}

/** A REST-JSON (EKS) error reply. */
export function restError(type: string, message: string, status = 403): Reply {
  return { status, headers: { 'content-type': 'application/json', 'x-amzn-errortype': type }, body: JSON.stringify({ message }) };
}

/**
 * Splits the `<member>` items directly inside `<List>…</List>` of an XML text (nested `<member>`s
 * stay inside their item): for cutting an IAM page in two.
 */
export function splitMembers(xml: string, list: string): { before: string; members: string[]; after: string } {
  const open = `<${list}>`;
  const close = `</${list}>`;
  const start = xml.indexOf(open);
  const end = xml.indexOf(close, start);
  if (start < 0 || end < 0) return { before: xml, members: [], after: '' };
  const inner = xml.slice(start + open.length, end);
  const members: string[] = [];
  let depth = 0;
  let from = -1;
  const re = /<(\/?)member>/g;
  for (let m; (m = re.exec(inner)); ) {
    if (!m[1]) {
      if (depth++ === 0) from = m.index;
    } else if (--depth === 0) members.push(inner.slice(from, m.index + m[0].length));
  }
  return { before: xml.slice(0, start + open.length), members, after: xml.slice(end) };
}
