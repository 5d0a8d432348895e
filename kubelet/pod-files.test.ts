import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../api/types/index.js';
import { parseResolvConf, podHostname, renderHosts, renderResolvConf } from './pod-files.js';

const pod = (spec: Partial<Pod['spec']> = {}): Pod => ({ metadata: { name: 'web-0', namespace: 'shop' }, spec: { containers: [], ...spec } });

test('hosts file names the pod and its FQDN with a subdomain', () => {
  assert.match(renderHosts(pod(), '10.244.1.5'), /\n10\.244\.1\.5\tweb-0\n$/);
  const sub = renderHosts(pod({ hostname: 'db', subdomain: 'headless', hostAliases: [{ ip: '1.2.3.4', hostnames: ['a', 'b'] }] }), '10.244.1.5');
  assert.match(sub, /10\.244\.1\.5\tdb\.headless\.shop\.svc\.cluster\.local\tdb\n/);
  assert.match(sub, /# Entries added by HostAliases.\n1\.2\.3\.4\ta\tb\n$/);
  assert.equal(podHostname(pod({ hostname: 'x'.repeat(70) })).length, 63);
});

test('resolv.conf: host copy without loopback servers, or cluster DNS with search paths', () => {
  const host = parseResolvConf('nameserver 127.0.0.53\nnameserver 10.0.0.2\nsearch example.com\noptions edns0\n');
  assert.deepEqual(host, { nameservers: ['10.0.0.2'], searches: ['example.com'], options: ['edns0'] });
  assert.equal(renderResolvConf(pod(), host, undefined), 'nameserver 10.0.0.2\nsearch example.com\noptions edns0\n');
  assert.equal(renderResolvConf(pod(), host, '10.96.0.10'),
    'nameserver 10.96.0.10\nsearch shop.svc.cluster.local svc.cluster.local cluster.local example.com\noptions ndots:5\n');
  assert.equal(renderResolvConf(pod({ dnsPolicy: 'Default' }), host, '10.96.0.10'), 'nameserver 10.0.0.2\nsearch example.com\noptions edns0\n');
  assert.equal(renderResolvConf(pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'], options: [{ name: 'ndots', value: '2' }] } }), host, '10.96.0.10'),
    'nameserver 1.1.1.1\noptions ndots:2\n');
});
