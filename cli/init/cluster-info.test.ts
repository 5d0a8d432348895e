import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateCA, caCertHash } from '../../client/pki.js';
import { apiserverURL, checkCAHash, parseClusterInfo, validateCAHashFlag } from '../join/discovery.js';
import { clusterInfoConfigMap, joinCommand, type ClusterSettings } from './cluster-info.js';

const settings: ClusterSettings = {
  clusterName: 'kubelite', clusterCIDR: '10.244.0.0/16', serviceCIDR: '10.96.0.0/12', clusterDNS: '10.96.0.10', clusterDomain: 'cluster.local', proxyMode: 'nftables',
};

test('cluster-info carries the server, the CA and the settings, and join reads them back', async () => {
  const ca = await generateCA('test-ca');
  const cm = clusterInfoConfigMap('https://192.168.1.10:6443', ca.certPem, settings);
  assert.deepEqual([cm.metadata.namespace, cm.metadata.name], ['kube-public', 'cluster-info']);
  assert.ok(!cm.data!.kubeconfig.includes('client-key'), 'no credentials in the public kubeconfig');
  const info = parseClusterInfo(cm.data);
  assert.equal(info.server, 'https://192.168.1.10:6443');
  assert.equal(info.caPem, ca.certPem);
  assert.deepEqual(info.settings, settings);
  assert.throws(() => parseClusterInfo({}), /no kubeconfig/);
});

test('the CA hash check passes for the pinned CA and names both hashes otherwise', async () => {
  const ca = await generateCA('a');
  const other = await generateCA('b');
  checkCAHash(ca.certPem, caCertHash(ca.certPem));
  checkCAHash(ca.certPem, caCertHash(ca.certPem).toUpperCase().replace('SHA256', 'sha256'));
  const want = caCertHash(other.certPem);
  assert.throws(() => checkCAHash(ca.certPem, want), new RegExp(`^Error: the cluster CA's hash ${caCertHash(ca.certPem)} does not match --discovery-token-ca-cert-hash ${want}$`));
  assert.throws(() => validateCAHashFlag('sha256:abc'), /64 hex digits/);
  validateCAHashFlag(want);
});

test('join command and apiserver address forms', () => {
  assert.equal(joinCommand('https://10.0.0.1:6443', 'abcdef.0123456789abcdef', 'sha256:00'),
    'kubelite join 10.0.0.1:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash sha256:00');
  assert.equal(apiserverURL('10.0.0.1:16443'), 'https://10.0.0.1:16443');
  assert.equal(apiserverURL('https://10.0.0.1:16443/'), 'https://10.0.0.1:16443');
  assert.equal(apiserverURL('cp.lan'), 'https://cp.lan:6443');
  assert.throws(() => apiserverURL('10.0.0.1:6443/x y'), /not an apiserver address/);
});
