// rbac.authorization.k8s.io/v1 rows. Roles have no printer in Kubernetes, so they get
// the apiserver's default table (Name, Created At); bindings port printRoleBinding.

import type { KubeObject } from '../../api/meta.js';
import { list, str } from './accessors.js';
import { AGE, CREATION_DESCRIPTION, NAME, col, wide } from './columns.js';
import { translateTimestampSince } from './duration.js';
import type { Printer } from './types.js';
import { formatTime } from '../../api/time.js';

/** RFC3339 in UTC without fractional seconds, like Go's time.RFC3339. */
function rfc3339(ts: string | undefined): string {
  const t = ts === undefined ? NaN : Date.parse(ts);
  // Go formats the zero time for an unset timestamp.
  if (Number.isNaN(t)) return '0001-01-01T00:00:00Z';
  return formatTime(t);
}

export const rolePrinter: Printer = {
  columns: [NAME, col('Created At', CREATION_DESCRIPTION, 'date')],
  cells(role) {
    return [role.metadata.name ?? '', rfc3339(role.metadata.creationTimestamp)];
  },
};

/** rbac.SubjectsStrings: users, groups and `namespace/name` service accounts. */
function subjects(binding: KubeObject): [users: string, groups: string, serviceAccounts: string] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of list(binding, 'subjects')) {
    switch (str(s, 'kind')) {
      case 'ServiceAccount':
        sas.push(`${str(s, 'namespace')}/${str(s, 'name')}`);
        break;
      case 'User':
        users.push(str(s, 'name'));
        break;
      case 'Group':
        groups.push(str(s, 'name'));
        break;
    }
  }
  return [users.join(', '), groups.join(', '), sas.join(', ')];
}

function bindingPrinter(kind: 'roleBinding' | 'clusterRoleBinding'): Printer {
  return {
    columns: [
      NAME,
      col('Role', 'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace.'),
      AGE,
      wide('Users', `Users in the ${kind}`),
      wide('Groups', `Groups in the ${kind}`),
      wide('ServiceAccounts', `ServiceAccounts in the ${kind}`),
    ],
    cells(binding, now) {
      return [
        binding.metadata.name ?? '',
        `${str(binding, 'roleRef', 'kind')}/${str(binding, 'roleRef', 'name')}`,
        translateTimestampSince(binding.metadata.creationTimestamp, now),
        ...subjects(binding),
      ];
    },
  };
}

export const roleBindingPrinter: Printer = bindingPrinter('roleBinding');
export const clusterRoleBindingPrinter: Printer = bindingPrinter('clusterRoleBinding');
