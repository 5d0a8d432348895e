import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  goBase64Error, goQuantityError, goQuote, goTimeParseError, QUANTITY_FORMAT_ERROR, QUANTITY_SUFFIX_ERROR,
} from './go-values.js';

// Expected strings were produced by Go's time, encoding/base64 and a copy of
// resource.ParseQuantity; where Go versions differ, they follow current Go.

describe('goTimeParseError (metav1.Time, RFC 3339)', () => {
  const err = (v: string): string | undefined => goTimeParseError(v, false);

  it('accepts what Kubernetes writes, and fractions and offsets', () => {
    assert.equal(err('2025-03-01T10:00:00Z'), undefined);
    assert.equal(err('2024-02-29T23:59:59Z'), undefined);
    assert.equal(err('2024-01-01T00:00:00.123456789+02:00'), undefined);
    assert.equal(err('2024-01-01T9:00:00-05:30'), undefined); // Go allows a one-digit hour
  });

  it('words failures like time.Parse', () => {
    assert.equal(err('yesterday'), 'parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"');
    assert.equal(err('2024-01-01 00:00:00Z'), 'parsing time "2024-01-01 00:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse " 00:00:00Z" as "T"');
    assert.equal(err('2024-01-01T00:00:00'), 'parsing time "2024-01-01T00:00:00" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "Z07:00"');
    assert.equal(err('2024-02-30T00:00:00Z'), 'parsing time "2024-02-30T00:00:00Z": day out of range');
    assert.equal(err('2024-13-01T00:00:00Z'), 'parsing time "2024-13-01T00:00:00Z": month out of range');
    assert.equal(err('2024-01-01T25:00:00Z'), 'parsing time "2024-01-01T25:00:00Z": hour out of range');
    assert.equal(err('2024-01-01T00:00:00Zjunk'), 'parsing time "2024-01-01T00:00:00Zjunk": extra text: "junk"');
    assert.equal(err('2024-01-01T00:00:00+25:00'), 'parsing time "2024-01-01T00:00:00+25:00": time zone offset hour out of range');
    assert.equal(err('2023-02-29T00:00:00Z'), 'parsing time "2023-02-29T00:00:00Z": day out of range');
  });

  it('reports the element as it stood before parsing it', () => {
    assert.equal(err('20x4-01-01T00:00:00Z'), 'parsing time "20x4-01-01T00:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse "20x4-01-01T00:00:00Z" as "2006"');
    assert.equal(err('2024-01-01T00:00:00+0a:00'), 'parsing time "2024-01-01T00:00:00+0a:00" as "2006-01-02T15:04:05Z07:00": cannot parse "+0a:00" as "Z07:00"');
  });

  it('quotes odd characters the way package time does', () => {
    assert.equal(err('"é"'), 'parsing time "\\"\\xc3\\xa9\\"" as "2006-01-02T15:04:05Z07:00": cannot parse "\\"\\xc3\\xa9\\"" as "2006"');
  });
});

describe('goTimeParseError (metav1.MicroTime)', () => {
  const err = (v: string): string | undefined => goTimeParseError(v, true);

  it('needs exactly six fractional digits', () => {
    assert.equal(err('2024-01-01T00:00:00.123456Z'), undefined);
    assert.equal(err('2024-01-01T00:00:00.123456+01:00'), undefined);
    assert.equal(err('2024-01-01T00:00:00Z'), 'parsing time "2024-01-01T00:00:00Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "Z" as ".000000"');
    assert.equal(err('2024-01-01T00:00:00.123Z'), 'parsing time "2024-01-01T00:00:00.123Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse ".123Z" as ".000000"');
    assert.equal(err('2024-01-01T00:00:00.1234567Z'), 'parsing time "2024-01-01T00:00:00.1234567Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "7Z" as "Z07:00"');
  });
});

describe('goBase64Error', () => {
  it('accepts standard padded base64, with line breaks', () => {
    for (const ok of ['', 'YQ==', 'YWI=', 'YWJj', 'czNjcjN0\n', 'aGVs\r\nbG8=']) assert.equal(goBase64Error(ok), undefined, ok);
  });

  it('reports the offending byte offset', () => {
    assert.equal(goBase64Error('abc'), 'illegal base64 data at input byte 0');
    assert.equal(goBase64Error('YWJj$'), 'illegal base64 data at input byte 4');
    assert.equal(goBase64Error('YQ==YQ=='), 'illegal base64 data at input byte 4');
    assert.equal(goBase64Error('YQ='), 'illegal base64 data at input byte 3');
    assert.equal(goBase64Error('YW-j'), 'illegal base64 data at input byte 2'); // URL alphabet is not accepted
  });
});

describe('goQuantityError', () => {
  it('accepts every quantity form Kubernetes parses', () => {
    for (const ok of ['0', '100m', '1Gi', '0.5', '1e3', '1E3', '-1.5Ki', '+0', '.', 'm', '1.G', '12e-3', ' 100m ']) assert.equal(goQuantityError(ok), undefined, ok);
  });

  it('tells format errors from suffix errors', () => {
    assert.equal(goQuantityError(''), QUANTITY_FORMAT_ERROR);
    assert.equal(goQuantityError('abc'), QUANTITY_FORMAT_ERROR);
    assert.equal(goQuantityError('1KB'), QUANTITY_FORMAT_ERROR);
    assert.equal(goQuantityError('1Ki5'), QUANTITY_SUFFIX_ERROR);
    assert.equal(goQuantityError('1e'), QUANTITY_SUFFIX_ERROR);
    assert.equal(goQuantityError('1e99999999999999999999'), QUANTITY_SUFFIX_ERROR);
  });
});

describe('goQuote', () => {
  it('escapes like strconv.Quote', () => {
    assert.equal(goQuote('spec.replcas'), '"spec.replcas"');
    assert.equal(goQuote('a"b\\c'), '"a\\"b\\\\c"');
    assert.equal(goQuote('tab\there\n'), '"tab\\there\\n"');
    assert.equal(goQuote('\x01\x7f'), '"\\x01\\x7f"');
    assert.equal(goQuote('héllo 世界'), '"héllo 世界"');
    assert.equal(goQuote('\u00a0\u2028'), '"\\u00a0\\u2028"');
  });
});
