// What an ECS task execution role needs for one task definition (domain.md §1.4, rows E1–E18 and
// E25). Not derived here: E6 (ecr:TagResource: only when a repository-creation template adds tags,
// which the scan cannot see), E16 (SSE-KMS on an environment-file bucket: no bucket encryption in
// the model), E19–E21 (gMSA credential specs: not in the model yet), E22 (GuardDuty agent: not in
// the task definition), E23 (Service Connect logs: a service setting). E18 and E24 (FireLens
// router, Envoy) are ordinary images.
import { display, type Diagnostic, type Inventory, type Need, type TaskDefinition } from '../model.js';
import { launchTypes, type ErScope } from './er-scope.js';
import { NeedSink } from './need-sink.js';
import { imageNeeds } from './ecr-needs.js';
import { awslogsNeeds } from './awslogs-needs.js';
import { secretRefNeeds } from './secret-needs.js';
import { environmentFileNeeds, firelensConfigNeeds } from './s3-needs.js';

export function executionRoleNeeds(td: TaskDefinition, inv: Inventory): { needs: Need[]; diagnostics: Diagnostic[] } {
  // Every call the agent makes with the role's session carries the role's account.
  const sink = new NeedSink(td.id, td.account ? { 'aws:PrincipalAccount': td.account } : {});
  const scope: ErScope = { td, inv, sink, ...launchTypes(td) };

  for (const c of td.containers) {
    const who = `container "${display(c.name)}"`;
    if (c.image) imageNeeds({ ...scope, partition: td.partition }, c.image, `${who} image ${display(c.image.value)}`);
    if (c.credentialsParameter) {
      secretRefNeeds(scope, c.credentialsParameter, 'credentials', `${who} repositoryCredentials`, 'container');
    }
    for (const s of c.secrets) secretRefNeeds(scope, s.valueFrom, 'secret', `${who} secret ${display(s.name)}`, 'container');
    awslogsNeeds(scope, c);
    for (const s of c.logSecretOptions) {
      secretRefNeeds(scope, s.valueFrom, 'secret', `${who} log secret option ${display(s.name)}`, 'container');
    }
    environmentFileNeeds(scope, c);
    firelensConfigNeeds(scope, c);
  }

  for (const f of td.fsxCredentials) {
    secretRefNeeds(scope, f, 'secret', 'FSx for Windows File Server credentials', 'task');
    // The agent is believed to look the file system up (domain.md §1.4 E25): tolerated.
    sink.add({
      action: 'fsx:DescribeFileSystems',
      resource: '*',
      reason: 'FSx for Windows File Server volume → describe file system (believed; tolerated, not required)',
      loc: f.loc,
      optional: true,
    });
  }
  return sink.result();
}
