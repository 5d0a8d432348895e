// Turns the control-plane's admin.kubeconfig into the host's kubeconfig for a compose
// cluster: one cluster, user and context named NAME, the server set to SERVER (the
// control-plane's compose IP, which the apiserver certificate lists as the advertise
// address). Usage: node host-kubeconfig.mjs ADMIN_KUBECONFIG SERVER NAME > out
import { readFileSync } from 'node:fs';
import YAML from 'yaml';

const [file, server, name] = process.argv.slice(2);
if (!file || !server || !name) {
  console.error('usage: node host-kubeconfig.mjs ADMIN_KUBECONFIG SERVER NAME');
  process.exit(2);
}
const cfg = YAML.parse(readFileSync(file, 'utf8'));
const ctxName = cfg['current-context'] ?? cfg.contexts?.[0]?.name;
const ctx = cfg.contexts?.find((c) => c.name === ctxName)?.context;
const cluster = cfg.clusters?.find((c) => c.name === ctx?.cluster)?.cluster;
const user = cfg.users?.find((u) => u.name === ctx?.user)?.user;
if (!ctx || !cluster || !user) {
  console.error(`${file}: no complete current context`);
  process.exit(1);
}
const out = {
  apiVersion: 'v1',
  kind: 'Config',
  clusters: [{ name, cluster: { ...cluster, server } }],
  users: [{ name, user }],
  contexts: [{ name, context: { cluster: name, user: name, ...(ctx.namespace ? { namespace: ctx.namespace } : {}) } }],
  'current-context': name,
  preferences: {},
};
process.stdout.write(YAML.stringify(out));
