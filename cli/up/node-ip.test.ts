import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultRouteInterface } from './node-ip.js';

const HEADER = 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT';

test('the default route with the lowest metric names the interface', () => {
  const table = [
    HEADER,
    'docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0',
    'wlan0\t00000000\t0102A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0',
    'eth0\t00000000\t010200C0\t0003\t0\t0\t100\t00000000\t0\t0\t0',
    'eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0',
  ].join('\n');
  assert.equal(defaultRouteInterface(table), 'eth0');
});

test('no default route, or one that is down: none', () => {
  assert.equal(defaultRouteInterface(HEADER), undefined);
  assert.equal(defaultRouteInterface(`${HEADER}\neth0\t00000000\t010200C0\t0002\t0\t0\t0\t00000000\t0\t0\t0`), undefined);
  assert.equal(defaultRouteInterface(''), undefined);
});
