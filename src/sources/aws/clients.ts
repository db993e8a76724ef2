// AWS clients for a live scan: one per service and region, created on first use, each with the
// read-only guard, adaptive retry (throttling slows the scan down instead of failing it), a bound on
// calls in flight, and a count of the requests it sent. The SDK is imported here, lazily: nothing
// on the path of a file scan imports this module.
import { addReadOnlyGuard, type Service } from './guard.js';

export interface ClientOptions {
  profile?: string;
  /** Assume this role (with the default credential chain or the profile as source credentials). */
  roleArn?: string;
  /** Records every operation a client is asked to call, before the guard decides (tests). */
  onOperation?: (operation: string) => void;
}

/** Calls in flight per client (domain.md §5.6: ≤ 5 per service and region). */
export const MAX_IN_FLIGHT = 5;
const DEFAULT_MAX_ATTEMPTS = 10;

/** The subset of an SDK client we use: `send` (the concrete client types stay inside the SDK). */
interface SdkClient {
  send(command: unknown): Promise<any>;
  config: { region: () => Promise<string> };
  middlewareStack: any;
  destroy(): void;
}

export interface ServiceStats {
  /** Operations called (one per `call`). */
  calls: number;
  /** HTTP requests sent, retries included. */
  requests: number;
}

/** A queue that lets at most `n` tasks run at once. */
export function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

const MODULES = {
  sts: () => import('@aws-sdk/client-sts').then((m) => ({ Client: m.STSClient, commands: m as Record<string, unknown> })),
  iam: () => import('@aws-sdk/client-iam').then((m) => ({ Client: m.IAMClient, commands: m as Record<string, unknown> })),
  ec2: () => import('@aws-sdk/client-ec2').then((m) => ({ Client: m.EC2Client, commands: m as Record<string, unknown> })),
  ecs: () => import('@aws-sdk/client-ecs').then((m) => ({ Client: m.ECSClient, commands: m as Record<string, unknown> })),
  eks: () => import('@aws-sdk/client-eks').then((m) => ({ Client: m.EKSClient, commands: m as Record<string, unknown> })),
} satisfies Record<Service, unknown>;

type Loaded = { Client: new (config: Record<string, unknown>) => SdkClient; commands: Record<string, unknown> };

export class Clients {
  readonly stats: Record<string, ServiceStats> = {};
  private readonly modules = new Map<Service, Promise<Loaded>>();
  private readonly clients = new Map<string, Promise<{ client: SdkClient; commands: Record<string, unknown>; limit: ReturnType<typeof limiter> }>>();
  private credentials: unknown;

  constructor(private readonly options: ClientOptions) {}

  /** Resolves the credentials provider once (assume-role wraps the source chain). */
  private async credentialsProvider(): Promise<unknown> {
    if (this.credentials !== undefined) return this.credentials;
    const { fromNodeProviderChain, fromTemporaryCredentials } = await import('@aws-sdk/credential-providers');
    const source = fromNodeProviderChain(this.options.profile ? { profile: this.options.profile } : {});
    this.credentials = this.options.roleArn
      ? fromTemporaryCredentials({
          masterCredentials: source,
          params: { RoleArn: this.options.roleArn, RoleSessionName: 'rolefit-scan', DurationSeconds: 3600 },
          ...(this.options.profile ? { clientConfig: { profile: this.options.profile } } : {}),
        })
      : source;
    return this.credentials;
  }

  private load(service: Service): Promise<Loaded> {
    let m = this.modules.get(service);
    if (!m) {
      m = MODULES[service]() as Promise<Loaded>;
      this.modules.set(service, m);
    }
    return m;
  }

  /** The client of `service` in `region` (undefined region: the one the profile or environment gives). */
  private client(service: Service, region: string | undefined) {
    const key = `${service}@${region ?? ''}`;
    let c = this.clients.get(key);
    if (!c) {
      c = (async () => {
        const { Client, commands } = await this.load(service);
        const envAttempts = Number(process.env.AWS_MAX_ATTEMPTS);
        const client = new Client({
          ...(region ? { region } : {}),
          ...(this.options.profile ? { profile: this.options.profile } : {}),
          credentials: await this.credentialsProvider(),
          retryMode: 'adaptive',
          maxAttempts: Number.isInteger(envAttempts) && envAttempts > 0 ? envAttempts : DEFAULT_MAX_ATTEMPTS,
          requestHandler: { connectionTimeout: 10_000, requestTimeout: 60_000 },
        });
        addReadOnlyGuard(client.middlewareStack, service, this.options.onOperation);
        const stats = (this.stats[service] ??= { calls: 0, requests: 0 });
        // After the retry middleware (finalizeRequest): runs once per attempt.
        client.middlewareStack.add(
          (next: (a: unknown) => Promise<unknown>) => (args: unknown) => {
            stats.requests++;
            return next(args);
          },
          { step: 'deserialize', name: 'rolefitRequestCount' },
        );
        return { client, commands, limit: limiter(MAX_IN_FLIGHT) };
      })();
      this.clients.set(key, c);
    }
    return c;
  }

  /** Calls `operation` (e.g. `ListClusters`) of `service` in `region` with `input`. */
  async call<T = any>(service: Service, region: string | undefined, operation: string, input: Record<string, unknown> = {}): Promise<T> {
    const { client, commands, limit } = await this.client(service, region);
    const Command = commands[`${operation}Command`] as (new (input: unknown) => unknown) | undefined;
    if (!Command) throw new Error(`no ${service} operation ${operation}`);
    (this.stats[service] ??= { calls: 0, requests: 0 }).calls++;
    return limit(() => client.send(new Command(input)));
  }

  /** The region the profile or the environment configures, or undefined. */
  async defaultRegion(): Promise<string | undefined> {
    const { client } = await this.client('sts', undefined);
    try {
      return await client.config.region();
    } catch {
      return undefined;
    }
  }

  destroy(): void {
    for (const c of this.clients.values()) void c.then(({ client }) => client.destroy(), () => undefined);
  }
}
