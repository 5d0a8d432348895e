// JSON patch, RFC 6902 (application/json-patch+json): `kubectl rollout undo` and
// `kubectl patch --type json`. fast-json-patch does the work; this file checks the
// operations and turns its errors into messages that say which operation failed.

import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { PatchError } from './errors.js';
import { deepClone, isPlainObject } from './json.js';

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

export function applyJsonPatch(original: unknown, ops: unknown): unknown {
  const operations = validateOperations(ops);
  let document = deepClone(original);
  for (const op of operations) {
    try {
      // Validation on, mutation on: `document` is already our own copy.
      document = jsonpatch.applyOperation(document, deepClone(op), true, true).newDocument;
    } catch (err) {
      throw new PatchError(describeFailure(op, err), 422);
    }
  }
  return document;
}

function validateOperations(ops: unknown): Operation[] {
  if (!Array.isArray(ops)) throw new PatchError('json patch must be a JSON array of operations', 400);
  return ops.map((op, i): Operation => {
    if (!isPlainObject(op)) throw new PatchError(`json patch operation ${i} is not an object`, 400);
    const kind = op.op;
    if (typeof kind !== 'string' || !OPS.has(kind)) throw new PatchError(`Unexpected kind: ${String(kind)}`, 400);
    if (typeof op.path !== 'string' || (op.path !== '' && !op.path.startsWith('/'))) {
      throw new PatchError(`jsonpatch ${kind} operation has invalid path: ${JSON.stringify(op.path)}`, 400);
    }
    if ((kind === 'move' || kind === 'copy') && typeof op.from !== 'string') {
      throw new PatchError(`jsonpatch ${kind} operation is missing "from"`, 400);
    }
    if ((kind === 'add' || kind === 'replace' || kind === 'test') && !Object.hasOwn(op, 'value')) {
      throw new PatchError(`jsonpatch ${kind} operation is missing "value"`, 400);
    }
    return op as unknown as Operation;
  });
}

function describeFailure(op: Operation, err: unknown): string {
  const name = err instanceof Error ? err.name : '';
  switch (name) {
    case 'TEST_OPERATION_FAILED':
      return `testing value ${op.path} failed: test failed`;
    case 'OPERATION_PATH_UNRESOLVABLE':
    case 'OPERATION_PATH_CANNOT_ADD':
    case 'OPERATION_VALUE_OUT_OF_BOUNDS':
    case 'OPERATION_PATH_ILLEGAL_ARRAY_INDEX':
      return `jsonpatch ${op.op} operation does not apply: doc is missing path: ${op.path}`;
    case 'OPERATION_FROM_UNRESOLVABLE':
      return `jsonpatch ${op.op} operation does not apply: doc is missing from path: ${'from' in op ? op.from : ''}`;
    default:
      return `jsonpatch ${op.op} operation on ${op.path} failed: ${err instanceof Error ? err.message : String(err)}`;
  }
}
