import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mayCallKubelet } from './server.js';

test('only the apiserver identity or system:masters may call the kubelet', () => {
  assert.equal(mayCallKubelet({ subject: { CN: 'kube-apiserver-kubelet-client' } as never }), true);
  assert.equal(mayCallKubelet({ subject: { CN: 'admin', O: ['x', 'system:masters'] } as never }), true);
  assert.equal(mayCallKubelet({ subject: { CN: 'system:node:n1', O: 'system:nodes' } as never }), false);
  assert.equal(mayCallKubelet(undefined), false);
});
