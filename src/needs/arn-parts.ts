// Splitting ARNs that may contain tokens (whose names hold `:`).
import { maskTokens } from './token-mask.js';

export interface ArnParts {
  partition: string;
  service: string;
  region: string;
  account: string;
  /** Everything after the fifth `:`. */
  resource: string;
}

/** The fields of `arn:<partition>:<service>:<region>:<account>:<resource>`, or undefined. */
export function arnParts(arn: string): ArnParts | undefined {
  const m = maskTokens(arn);
  const f = m.text.split(':');
  if (f.length < 6 || f[0] !== 'arn') return undefined;
  return {
    partition: m.restore(f[1]),
    service: m.restore(f[2]),
    region: m.restore(f[3]),
    account: m.restore(f[4]),
    resource: m.restore(f.slice(5).join(':')),
  };
}
