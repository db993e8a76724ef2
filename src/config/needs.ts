// The `needs:` of the configuration as needs of the roles they name, so that analyze judges them
// like the needs derived from task definitions: granted ones are not excess, missing ones are reported.
import { display, roleName, type Need } from '../model.js';
import type { LinkedRole } from '../link/roles.js';
import type { Config } from './load.js';
import { roleMatcher } from './match.js';

export function configuredNeeds(config: Config): (lr: LinkedRole) => Need[] {
  const matchers = config.needs.map((n) => roleMatcher(n.roles));
  return (lr) => {
    const r = lr.role;
    const names = { name: roleName(r), arn: display(r.arn), id: r.id };
    return config.needs.flatMap((n, i) =>
      matchers[i](names)
        ? n.actions.flatMap((action) =>
            n.resources.map((resource): Need => ({ action, resource, reason: `${n.reason} (configured)`, loc: n.loc, workload: `${config.file}#needs[${i}]` })),
          )
        : [],
    );
  };
}
