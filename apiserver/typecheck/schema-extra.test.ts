import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import protobuf from 'protobufjs';
import { PROTO_SOURCES } from '../protobuf/schema.js';
import { EXTRA_FIELDS, EXTRA_PROTO_SOURCES, GO_NAMED_TYPES, RESOURCE_LIST_FIELDS, TYPE_META_MESSAGES } from './schema-extra.js';

// The tables are keyed by hand-written names; a typo would silently fall
// back to a generic Go type or a missing field, so pin them to the schema.

function fieldsByMessage(): Map<string, Map<string, protobuf.Field>> {
  const root = new protobuf.Root();
  for (const source of [...PROTO_SOURCES, ...EXTRA_PROTO_SOURCES]) protobuf.parse(source, root, { keepCase: true });
  const out = new Map<string, Map<string, protobuf.Field>>();
  const visit = (ns: protobuf.NamespaceBase): void => {
    for (const nested of ns.nestedArray) {
      if (nested instanceof protobuf.Type) {
        const fields = out.get(nested.name) ?? new Map<string, protobuf.Field>();
        for (const f of nested.fieldsArray) fields.set(f.name, f);
        out.set(nested.name, fields);
      }
      if (nested instanceof protobuf.Namespace) visit(nested);
    }
  };
  visit(root);
  for (const extra of EXTRA_FIELDS) {
    const short = extra.message.slice(extra.message.lastIndexOf('.') + 1);
    out.get(short)?.set(extra.name, new protobuf.Field(extra.name, extra.id, extra.type));
  }
  return out;
}

describe('schema-extra tables', () => {
  const fields = fieldsByMessage();
  const has = (key: string): boolean => {
    const [message, field] = key.split('.');
    return fields.get(message!)?.has(field!) ?? false;
  };

  it('names only fields that exist', () => {
    const missing = [...Object.keys(GO_NAMED_TYPES), ...RESOURCE_LIST_FIELDS].filter((k) => !has(k));
    assert.deepEqual(missing, []);
  });

  it('marks as ResourceList only maps of quantities', () => {
    for (const key of RESOURCE_LIST_FIELDS) {
      const [message, field] = key.split('.');
      const f = fields.get(message!)!.get(field!)!;
      assert.ok(f instanceof protobuf.MapField && f.type.endsWith('Quantity'), key);
    }
  });

  it('adds fields only where the schema lacks them, to messages it has', () => {
    const root = new protobuf.Root();
    for (const source of PROTO_SOURCES) protobuf.parse(source, root, { keepCase: true });
    for (const extra of EXTRA_FIELDS) {
      const type = root.lookupType(extra.message);
      assert.equal(type.fields[extra.name], undefined, `${extra.message}.${extra.name} is already in schema.ts`);
      assert.equal(type.fieldsArray.some((f) => f.id === extra.id), false, `${extra.message} already uses field number ${extra.id}`);
    }
    for (const name of TYPE_META_MESSAGES) assert.ok(root.lookupType(name));
  });
});
