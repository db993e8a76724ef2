// Collects the needs and diagnostics derived for one workload: stamps the workload id and the
// request context every call of the role's session carries, and merges duplicates (two containers
// pulling from one repository need one grant).
import type { Diagnostic, Loc, Need, Severity } from '../model.js';

export type NeedInput = Omit<Need, 'workload'>;

export class NeedSink {
  private readonly needs: Need[] = [];
  private readonly diagnostics: Diagnostic[] = [];
  private readonly byKey = new Map<string, Need>();

  constructor(
    private readonly workload: string,
    /** Context every need carries (e.g. `aws:PrincipalAccount`). */
    private readonly baseContext: Record<string, string | string[]>,
  ) {}

  add(n: NeedInput): void {
    const context = { ...this.baseContext, ...n.context };
    const need: Need = { ...n, workload: this.workload };
    if (Object.keys(context).length > 0) need.context = context;
    else delete need.context;
    const key = [need.action, need.resource, contextKey(context)].join('\u0000');
    const seen = this.byKey.get(key);
    if (!seen) {
      this.byKey.set(key, need);
      this.needs.push(need);
      return;
    }
    // One need stays optional (or instance-role suppliable) only if every occurrence is. The
    // first occurrence keeps its reason and place, unless a required one replaces a tolerated one.
    if (seen.optional && !need.optional) {
      delete seen.optional;
      seen.reason = need.reason;
      seen.loc = need.loc;
    }
    if (seen.mayUseInstanceRole && !need.mayUseInstanceRole) delete seen.mayUseInstanceRole;
  }

  diag(severity: Severity, rule: Diagnostic['rule'], message: string, loc: Loc): void {
    this.diagnostics.push({ rule, severity, message, loc });
  }

  result(): { needs: Need[]; diagnostics: Diagnostic[] } {
    return { needs: this.needs, diagnostics: this.diagnostics };
  }
}

function contextKey(c: Record<string, string | string[]>): string {
  return Object.keys(c)
    .sort()
    .map((k) => `${k}=${JSON.stringify(c[k])}`)
    .join('&');
}
