// Matching nodes against v1.NodeSelector terms (node affinity) and against a
// pod's plain spec.nodeSelector map; the nodeSelector filter lives here too.
import { matches, newRequirement, type Operator, type Requirement, type Selector } from '../../api/labels.js';
import type { NodeSelectorRequirement, NodeSelectorTerm } from '../../api/types/index.js';
import type { FilterPlugin } from '../framework.js';
import type { NodeInfo } from '../node-info.js';

export const NODE_AFFINITY_REASON = "node(s) didn't match Pod's node affinity/selector";

/** A compiled term: true when the node matches. */
export type NodeMatcher = (node: NodeInfo) => boolean;

const OPERATORS: Record<string, Operator> = {
  In: 'In', NotIn: 'NotIn', Exists: 'Exists', DoesNotExist: 'DoesNotExist', Gt: 'GreaterThan', Lt: 'LessThan',
};

const never: NodeMatcher = () => false;

function toRequirement(r: NodeSelectorRequirement): Requirement {
  const op = Object.prototype.hasOwnProperty.call(OPERATORS, r.operator) ? OPERATORS[r.operator] : undefined;
  if (!op) throw new Error(`${JSON.stringify(r.operator)} is not a valid node selector operator`);
  return newRequirement(r.key, op, r.values ?? []);
}

/** matchFields supports only metadata.name with In/NotIn, as in Kubernetes. */
function fieldMatcher(r: NodeSelectorRequirement): NodeMatcher {
  if (r.key !== 'metadata.name') throw new Error(`${JSON.stringify(r.key)} is not a valid field selector key`);
  const values = r.values ?? [];
  if (r.operator === 'In') {
    if (values.length !== 1) throw new Error('metadata.name In needs exactly one value');
    return (node) => node.name === values[0];
  }
  if (r.operator === 'NotIn') {
    if (values.length !== 1) throw new Error('metadata.name NotIn needs exactly one value');
    return (node) => node.name !== values[0];
  }
  throw new Error(`${JSON.stringify(r.operator)} is not a valid field selector operator`);
}

/**
 * One term: all its expressions and fields must match. An empty term, or one
 * that doesn't parse, matches no node (Kubernetes ignores invalid terms).
 */
export function compileTerm(term: NodeSelectorTerm): NodeMatcher {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return never;
  try {
    const sel: Selector = { requirements: exprs.map(toRequirement) };
    const fieldMatchers = fields.map(fieldMatcher);
    return (node) => {
      if (sel.requirements.length > 0 && !matches(sel, node.labels)) return false;
      for (const f of fieldMatchers) if (!f(node)) return false;
      return true;
    };
  } catch {
    return never;
  }
}

/** The terms are ORed; no terms matches no node. */
export function compileTerms(terms: readonly NodeSelectorTerm[]): NodeMatcher {
  const compiled = terms.map(compileTerm);
  if (compiled.length === 1) return compiled[0];
  return (node) => compiled.some((m) => m(node));
}

export function matchesNodeSelector(nodeSelector: Record<string, string>, labels: Record<string, string>): boolean {
  for (const k in nodeSelector) {
    if (!Object.prototype.hasOwnProperty.call(labels, k) || labels[k] !== nodeSelector[k]) return false;
  }
  return true;
}

const FAILURE = [NODE_AFFINITY_REASON] as const;

export const nodeSelectorFilter: FilterPlugin = {
  name: 'NodeSelector',
  prepare(pod) {
    const sel = pod.pod.spec?.nodeSelector;
    if (!sel || Object.keys(sel).length === 0) return undefined;
    return (node) => (matchesNodeSelector(sel, node.labels) ? undefined : FAILURE);
  },
};
