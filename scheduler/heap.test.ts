import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyedHeap } from './heap.js';

test('pops in order and supports update and delete by key', () => {
  const h = new KeyedHeap<{ k: string; v: number }>((x) => x.k, (a, b) => a.v < b.v);
  for (const [k, v] of [['a', 5], ['b', 3], ['c', 8], ['d', 1], ['e', 7]] as const) h.push({ k, v });
  h.push({ k: 'c', v: 0 }); // update moves it to the front
  h.delete('b');
  assert.equal(h.size, 4);
  assert.equal(h.get('e')?.v, 7);
  const out: string[] = [];
  for (let x = h.pop(); x; x = h.pop()) out.push(x.k);
  assert.deepEqual(out, ['c', 'd', 'a', 'e']);
});

test('stays ordered through random operations', () => {
  const h = new KeyedHeap<{ k: string; v: number }>((x) => x.k, (a, b) => a.v < b.v);
  const ref = new Map<string, number>();
  for (let i = 0; i < 2000; i++) {
    const k = `k${Math.floor(Math.random() * 300)}`;
    if (Math.random() < 0.3) {
      h.delete(k);
      ref.delete(k);
    } else {
      const v = Math.random();
      h.push({ k, v });
      ref.set(k, v);
    }
  }
  const expected = [...ref.values()].sort((a, b) => a - b);
  const got: number[] = [];
  for (let x = h.pop(); x; x = h.pop()) got.push(x.v);
  assert.deepEqual(got, expected);
});
