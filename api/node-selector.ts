// v1.NodeSelector matching against a node's name and labels, for callers that
// hold a plain Node (a PV's nodeAffinity in the volume binder and the kubelet).
// Same rules as Kubernetes' corev1 nodeaffinity: terms are ORed, expressions
// in a term ANDed, an empty or unparsable term matches nothing.
import { matches, newRequirement, type Operator, type Requirement } from './labels.js';
import type { NodeSelector, NodeSelectorRequirement, NodeSelectorTerm } from './types/index.js';

export interface NodeIdentity {
  name: string;
  labels?: Record<string, string>;
}

const OPERATORS: Record<string, Operator> = {
  In: 'In', NotIn: 'NotIn', Exists: 'Exists', DoesNotExist: 'DoesNotExist', Gt: 'GreaterThan', Lt: 'LessThan',
};

function toRequirement(r: NodeSelectorRequirement): Requirement {
  const op = Object.prototype.hasOwnProperty.call(OPERATORS, r.operator) ? OPERATORS[r.operator] : undefined;
  if (!op) throw new Error(`${JSON.stringify(r.operator)} is not a valid node selector operator`);
  return newRequirement(r.key, op, r.values ?? []);
}

/** matchFields only knows metadata.name with In/NotIn and exactly one value. */
function fieldMatches(r: NodeSelectorRequirement, node: NodeIdentity): boolean {
  const values = r.values ?? [];
  if (r.key !== 'metadata.name' || values.length !== 1) throw new Error(`invalid matchFields requirement ${JSON.stringify(r)}`);
  if (r.operator === 'In') return node.name === values[0];
  if (r.operator === 'NotIn') return node.name !== values[0];
  throw new Error(`${JSON.stringify(r.operator)} is not a valid field selector operator`);
}

export function nodeSelectorTermMatches(term: NodeSelectorTerm, node: NodeIdentity): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  try {
    if (exprs.length && !matches({ requirements: exprs.map(toRequirement) }, node.labels ?? {})) return false;
    return fields.every((f) => fieldMatches(f, node));
  } catch {
    return false;
  }
}

/** No selector (no constraint) matches every node; a selector without terms matches none. */
export function nodeSelectorMatches(selector: NodeSelector | undefined, node: NodeIdentity): boolean {
  if (!selector) return true;
  return (selector.nodeSelectorTerms ?? []).some((t) => nodeSelectorTermMatches(t, node));
}
