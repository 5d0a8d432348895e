import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ERR_FORMAT_WRONG,
  ERR_SUFFIX,
  Quantity,
  cpuToMilli,
  memoryToBytes,
  parseQuantityOrError,
} from './quantity.js';

const q = (s: string): Quantity => Quantity.parse(s);
const str = (s: string): string => q(s).toString();

test('canonical forms keep the suffix family', () => {
  const cases: Array<[string, string]> = [
    ['100m', '100m'], ['128Mi', '128Mi'], ['1G', '1G'], ['500m', '500m'], ['1500m', '1500m'], ['1.5', '1500m'],
    ['1024Mi', '1Gi'], ['0.5Gi', '512Mi'], ['1.5Gi', '1536Mi'], ['1000m', '1'], ['0.5', '500m'], ['2', '2'],
    ['1000M', '1G'], ['1500M', '1500M'], ['1.1k', '1100'], ['1Ki', '1Ki'], ['1024Ki', '1Mi'], ['1025Ki', '1025Ki'],
    ['1.5Ki', '1536'], ['0.5Ki', '512'], ['0.0001Ki', '102400u'], ['1n', '1n'], ['1u', '1u'], ['0', '0'], ['00', '0'],
    ['-100m', '-100m'], ['-1Ki', '-1Ki'], ['1Ei', '1Ei'], ['100Gi', '100Gi'], ['1E', '1E'],
    ['1e3', '1e3'], ['12E-3', '12E-3'], ['1500e-3', '1500e-3'], ['1e-3', '1e-3'], ['.5', '500m'],
  ];
  for (const [input, want] of cases) assert.equal(str(input), want, input);
});

test('computed canonical form after arithmetic', () => {
  assert.equal(q('1e3').add(q('0')).toString(), '1e3');
  assert.equal(q('1E3').add(q('1e3')).toString(), '2e3');
  assert.equal(q('10e2').add(q('0')).toString(), '1e3');
  assert.equal(q('1m').add(q('999m')).toString(), '1');
  assert.equal(q('1Gi').add(q('1Gi')).toString(), '2Gi');
  assert.equal(q('1').add(q('0.1n')).toString(), '1000000001n');
});

test('like Kubernetes, a canonical-looking input is echoed verbatim', () => {
  assert.equal(str('+1'), '+1');
  assert.equal(str('1E3'), '1E3');
  assert.equal(q('+1').add(Quantity.zero()).toString(), '1');
});

test('rounding: values below 1n round up to 1n', () => {
  assert.equal(str('0.1n'), '1n');
  assert.equal(q('0.1n').nanoValue(), 1n);
  assert.equal(q('1.5n').nanoValue(), 2n);
  assert.equal(q('-1.5n').nanoValue(), -2n);
  assert.equal(q('1e-20').nanoValue(), 1n);
});

test('binary quantities are capped at the int64 maximum', () => {
  assert.equal(str('8Ei'), '9223372036854775807');
  assert.equal(str('16Ei'), '9223372036854775807');
});

test('formats', () => {
  assert.equal(q('1Mi').format, 'BinarySI');
  assert.equal(q('1M').format, 'DecimalSI');
  assert.equal(q('1e6').format, 'DecimalExponent');
  assert.equal(q('12').format, 'DecimalSI');
  assert.equal(q('0.0001Ki').format, 'DecimalSI', 'sub-unit binary quantities become decimal');
});

test('exact arithmetic', () => {
  assert.equal(q('100m').add(q('0.9')).toString(), '1');
  assert.ok(q('100m').add(q('0.9')).equals(q('1')));
  assert.equal(q('1Gi').sub(q('512Mi')).toString(), '512Mi');
  assert.equal(q('0.1').add(q('0.2')).toString(), '300m');
  assert.ok(q('0.1').add(q('0.2')).equals(q('0.3')));
  assert.equal(q('1').sub(q('1500m')).toString(), '-500m');
  assert.equal(q('250m').mul(4).toString(), '1');
  assert.equal(q('128Mi').mul(8).toString(), '1Gi');
  assert.equal(q('1').neg().toString(), '-1');
  let total = Quantity.zero();
  for (let i = 0; i < 10; i++) total = total.add(q('100m'));
  assert.ok(total.equals(q('1')));
});

test('add/sub keep the receiver format unless it is zero', () => {
  assert.equal(q('1Gi').add(q('1G')).format, 'BinarySI');
  assert.equal(q('1G').add(q('1Gi')).format, 'DecimalSI');
  assert.equal(Quantity.zero().add(q('1Gi')).format, 'BinarySI');
  assert.equal(Quantity.zero().add(q('1Gi')).toString(), '1Gi');
  assert.equal(q('0').sub(q('1Gi')).toString(), '-1Gi');
  assert.equal(q('1Gi').add(q('1G')).toString(), '2073741824');
});

test('cmp, isZero, sign', () => {
  assert.equal(q('1').cmp(q('1000m')), 0);
  assert.equal(q('999m').cmp(q('1')), -1);
  assert.equal(q('1Gi').cmp(q('1G')), 1);
  assert.ok(q('0').isZero());
  assert.ok(q('0Mi').isZero());
  assert.ok(q('-0').isZero());
  assert.ok(!q('1n').isZero());
  assert.equal(q('-1m').sign(), -1);
  assert.equal(q('0').sign(), 0);
  assert.equal(q('5').sign(), 1);
});

test('milliValue and value round away from zero', () => {
  assert.equal(q('1.5G').milliValue(), 1_500_000_000_000);
  assert.equal(q('1.5G').value(), 1_500_000_000);
  assert.equal(q('1n').milliValue(), 1);
  assert.equal(q('1n').value(), 1);
  assert.equal(q('100m').value(), 1);
  assert.equal(q('1001m').value(), 2);
  assert.equal(q('-100m').value(), -1);
  assert.equal(q('-1.5m').milliValue(), -2);
  assert.equal(q('250m').milliValue(), 250);
  assert.equal(q('2').milliValue(), 2000);
  assert.equal(q('128Mi').value(), 134_217_728);
  assert.equal(q('0').milliValue(), 0);
  assert.equal(q('500m').toNumber(), 0.5);
});

test('fromMilli and fromValue', () => {
  assert.equal(Quantity.fromMilli(1500).toString(), '1500m');
  assert.equal(Quantity.fromMilli(2000).toString(), '2');
  assert.equal(Quantity.fromMilli(0).toString(), '0');
  assert.equal(Quantity.fromValue(128 * 1024 * 1024, 'BinarySI').toString(), '128Mi');
  // Under 1024 a binary quantity prints as decimal, as NewQuantity(1000, BinarySI) does.
  assert.equal(Quantity.fromValue(1000, 'BinarySI').toString(), '1k');
  assert.equal(Quantity.fromValue(1536, 'BinarySI').toString(), '1536');
  assert.equal(Quantity.fromValue(5000).toString(), '5k');
  assert.equal(Quantity.fromValue(110).toString(), '110');
  assert.equal(Quantity.fromValue(1000, 'DecimalExponent').toString(), '1e3');
  assert.equal(Quantity.fromValue(10n ** 12n).toString(), '1T');
  assert.throws(() => Quantity.fromValue(1.5), RangeError);
});

test('parse errors carry Kubernetes messages', () => {
  for (const bad of ['', 'abc', '1.5.5', '1 ', ' 1', '1b', '1Mi ', '1GB', '1KiB', '1Mb']) {
    assert.throws(() => Quantity.parse(bad), { message: ERR_FORMAT_WRONG }, JSON.stringify(bad));
  }
  for (const bad of ['1e', '1m3', '1Ki3', '1e+', '1ki', '--1', '1mi']) {
    assert.throws(() => Quantity.parse(bad), { message: ERR_SUFFIX }, bad);
  }
  assert.equal(
    ERR_FORMAT_WRONG,
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
  );
  assert.equal(Quantity.tryParse('x'), undefined);
  assert.equal(Quantity.tryParse('1')?.toString(), '1');
});

test('JSON serialisation', () => {
  assert.equal(JSON.stringify({ cpu: q('1.5') }), '{"cpu":"1500m"}');
});

test('parseQuantityOrError', () => {
  const ok = parseQuantityOrError('500m', 'spec.containers[0].resources.requests[cpu]');
  assert.equal(ok.quantity?.toString(), '500m');
  assert.equal(parseQuantityOrError(2, 'x').quantity?.toString(), '2');
  assert.equal(parseQuantityOrError(0.5, 'x').quantity?.toString(), '500m');
  assert.equal(parseQuantityOrError(' 1Gi ', 'x').quantity?.toString(), '1Gi');
  const bad = parseQuantityOrError('abc', 'spec.containers[0].resources.limits[memory]');
  assert.deepEqual(bad.error, {
    type: 'FieldValueInvalid',
    field: 'spec.containers[0].resources.limits[memory]',
    message: `Invalid value: "abc": ${ERR_FORMAT_WRONG}`,
  });
  assert.equal(parseQuantityOrError({}, 'x').error?.type, 'FieldValueInvalid');
});

test('cpuToMilli and memoryToBytes', () => {
  assert.equal(cpuToMilli('500m'), 500);
  assert.equal(cpuToMilli('2'), 2000);
  assert.equal(cpuToMilli('0.1'), 100);
  assert.equal(cpuToMilli(1), 1000);
  assert.equal(cpuToMilli('1n'), 1);
  assert.equal(memoryToBytes('128Mi'), 134_217_728);
  assert.equal(memoryToBytes('1G'), 1_000_000_000);
  assert.equal(memoryToBytes('1Gi'), 1_073_741_824);
  assert.equal(memoryToBytes('100m'), 1);
  assert.equal(memoryToBytes(1024), 1024);
  assert.throws(() => cpuToMilli('x'), { message: ERR_FORMAT_WRONG });
  assert.throws(() => memoryToBytes('1mi'), { message: ERR_SUFFIX });
  assert.throws(() => memoryToBytes('1GB'), { message: ERR_FORMAT_WRONG });
});
