// Container image references (domain.md §1.5): which registry an image is pulled from and, for
// private ECR, the repository ARN the execution role must be allowed to pull from.
import { hasToken } from '../model.js';
import { maskTokens, PLACEHOLDER_PATTERN } from './token-mask.js';

export interface ImageRef {
  /** `other` covers Docker Hub and every non-ECR registry, and images whose registry is unknown. */
  registry: 'ecr' | 'ecr-public' | 'other';
  /** ECR: registry account (12 digits or a token). */
  account?: string;
  /** ECR: registry region (or a token). */
  region?: string;
  /** ECR: partition derived from the host; undefined when a token in the host hides it. */
  partition?: string;
  /** ECR: the `dkr.ecr-fips` endpoint. */
  fips?: boolean;
  /** Registry host as written (`docker.io` for Docker Hub); undefined when unknown. */
  host?: string;
  /** Repository path without host, tag or digest (Docker Hub one-component names get `library/`). */
  repository?: string;
  /** Tag; `latest` when neither tag nor digest is written. */
  tag?: string;
  /** Digest after `@` (e.g. `sha256:…`). */
  digest?: string;
  /**
   * Part of what identifies the repository is unknown: for `ecr`, a token in the repository name
   * (kept in the ARN: a grant written with the same value covers it, any other grant is
   * undecided); for `other`, a token hides the registry itself, which may be ECR.
   */
  approximate?: boolean;
}

/** The private ECR host pattern of amazon-ecr-credential-helper (domain.md §1.5 step 4), verbatim. */
export const ECR_HOST_RE =
  /^(\d{12})\.dkr[.-]ecr(-fips)?\.([a-zA-Z0-9][a-zA-Z0-9-_]*)\.(amazonaws\.(?:com(?:\.cn)?|eu)|on\.(?:aws|amazonwebservices\.com\.cn)|sc2s\.sgov\.gov|c2s\.ic\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov)$/;

// The same pattern over token-masked text, where the account, the region and the DNS suffix may
// each be a token (`${AWS::AccountId}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}`).
let tokenHostRe: RegExp | undefined;
function ecrHostWithTokensRe(): RegExp {
  if (!tokenHostRe) {
    const T = PLACEHOLDER_PATTERN;
    const src = ECR_HOST_RE.source
      .replace(String.raw`(\d{12})`, String.raw`(\d{12}|${T})`)
      .replace(String.raw`([a-zA-Z0-9][a-zA-Z0-9-_]*)`, String.raw`([a-zA-Z0-9][a-zA-Z0-9-_]*|${T})`)
      .replace(/\)\$$/, `|${T})$`);
    tokenHostRe = new RegExp(src);
  }
  return tokenHostRe;
}

// DNS suffixes of the ECR endpoints (group 4 of the host pattern).
const ECR_SUFFIXES = [
  'amazonaws.com',
  'amazonaws.com.cn',
  'amazonaws.eu',
  'on.aws',
  'on.amazonwebservices.com.cn',
  'sc2s.sgov.gov',
  'c2s.ic.gov',
  'cloud.adc-e.uk',
  'csp.hci.ic.gov',
];

const ECR_PUBLIC_HOSTS = new Set(['public.ecr.aws', 'ecr-public.aws.com']);

/** Partition of an ECR endpoint (domain.md §1.5 step 6); undefined when a token decides it. */
function ecrPartition(suffix: string, region: string): string | undefined {
  switch (suffix) {
    case 'amazonaws.com':
    case 'on.aws':
      if (hasToken(region)) return undefined; // `aws` or `aws-us-gov`, depending on the region
      return region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
    case 'amazonaws.com.cn':
    case 'on.amazonwebservices.com.cn':
      return 'aws-cn';
    case 'c2s.ic.gov':
      return 'aws-iso';
    case 'sc2s.sgov.gov':
      return 'aws-iso-b';
    case 'cloud.adc-e.uk':
      return 'aws-iso-e';
    case 'csp.hci.ic.gov':
      return 'aws-iso-f';
    case 'amazonaws.eu':
      return 'aws-eusc'; // unverified (domain.md §8.7)
    default:
      return undefined; // a token such as AWS::URLSuffix
  }
}

/**
 * Could a host written with tokens still be a private ECR host? Used when the token-tolerant
 * pattern does not match, to tell `registry.${Domain}.azurecr.io` (certainly not ECR) from
 * `${RegistryHost}` (unknown). Checks the literal text before the first and after the last token.
 */
function couldBeEcrHost(maskedHost: string): boolean {
  const first = maskedHost.indexOf('\uE000');
  const last = maskedHost.lastIndexOf('\uE001');
  const head = maskedHost.slice(0, first);
  const tail = maskedHost.slice(last + 1);
  if (!/^(\d{0,12}|\d{12}\..*)$/.test(head)) return false;
  if (tail === '') return true;
  return ECR_SUFFIXES.some((s) => tail.endsWith(s) || ('.' + s).endsWith(tail));
}

/** Parses an image reference (domain.md §1.5). Never throws. */
export function parseImage(image: string): ImageRef {
  const m = maskTokens(image.trim());
  let rest = m.text;

  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.indexOf(':', lastSlash + 1);
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const pinned = {
    ...(tag !== undefined ? { tag: m.restore(tag) } : digest === undefined ? { tag: 'latest' } : {}),
    ...(digest !== undefined ? { digest: m.restore(digest) } : {}),
  };

  const slash = rest.indexOf('/');
  const firstComponent = slash >= 0 ? rest.slice(0, slash) : rest;
  const firstHasToken = hasToken(firstComponent);
  const isHost = slash >= 0 && (firstComponent.includes('.') || firstComponent.includes(':') || firstComponent === 'localhost');

  if (!isHost) {
    // A token standing alone where a host could be (`${Image}`, `${Registry}/app`) may hide any
    // registry, ECR included.
    if (firstHasToken) return { registry: 'other', approximate: true, ...pinned };
    const repository = slash >= 0 ? rest : 'library/' + rest;
    return { registry: 'other', host: 'docker.io', repository: m.restore(repository), ...pinned };
  }

  const host = firstComponent;
  const repository = m.restore(rest.slice(slash + 1));
  if (ECR_PUBLIC_HOSTS.has(host)) return { registry: 'ecr-public', host, repository, ...pinned };

  const ecr = firstHasToken ? ecrHostWithTokensRe().exec(host) : ECR_HOST_RE.exec(host);
  if (ecr) {
    const account = m.restore(ecr[1]);
    const region = m.restore(ecr[3]);
    const partition = ecrPartition(m.restore(ecr[4]), region);
    return {
      registry: 'ecr',
      account,
      region,
      ...(partition !== undefined ? { partition } : {}),
      fips: ecr[2] !== undefined,
      host: m.restore(host),
      repository,
      ...pinned,
      ...(hasToken(repository) ? { approximate: true } : {}),
    };
  }
  if (firstHasToken && couldBeEcrHost(host)) return { registry: 'other', approximate: true, ...pinned };
  return { registry: 'other', host: m.restore(host), repository, ...pinned };
}

/**
 * `arn:<P>:ecr:<region>:<account>:repository/<repo>` for a private ECR image (tag and digest never
 * appear; tokens stay tokens). Undefined for other registries or when the partition is unknown:
 * pass `partition` to supply the task's own (a task can only pull from its own partition).
 */
export function ecrRepositoryArn(ref: ImageRef, partition?: string): string | undefined {
  if (ref.registry !== 'ecr' || !ref.account || !ref.region || !ref.repository) return undefined;
  const p = ref.partition ?? partition;
  if (!p) return undefined;
  return `arn:${p}:ecr:${ref.region}:${ref.account}:repository/${ref.repository}`;
}
