// Resource quantities (`100m`, `128Mi`, `1e3`) with the parsing, rounding and
// canonical printing of k8s.io/apimachinery/pkg/api/resource. Values are kept
// as a bigint count of nano-units: Kubernetes rounds every parsed quantity up to
// a multiple of 1n, so that representation is exact and arithmetic never drifts.
import type { FieldError } from './errors.js';

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export const ERR_FORMAT_WRONG =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
export const ERR_NUMERIC = "unable to parse quantity's numeric value";
export const ERR_SUFFIX = "unable to parse quantity's suffix";

const NANO = 1_000_000_000n;
const MAX_INT64 = 2n ** 63n - 1n;
// Guards against `1e999999999` allocating a gigantic bigint; real manifests never get close.
const MAX_DECIMAL_EXPONENT = 1000;

const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_BY_EXPONENT = new Map(Object.entries(DECIMAL_SUFFIXES).map(([s, e]) => [e, s]));
const BINARY_BY_POWER = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

function has(table: Record<string, number>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(table, key);
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

interface Parts {
  positive: boolean;
  /** integer digits, leading zeros stripped ('0' if none) */
  num: string;
  /** fraction digits */
  denom: string;
  suffix: string;
}

/** Port of parseQuantityString: sign, digits, optional fraction, then a suffix or exponent. */
function splitQuantity(str: string): Parts {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (str[0] === '-') {
    positive = false;
    pos++;
  } else if (str[0] === '+') {
    pos++;
  }
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return { positive, num: '0', denom: '', suffix: '' };

  let i = pos;
  while (i < end && isDigit(str[i])) i++;
  const num = str.slice(pos, i) || '0';
  pos = i;

  let denom = '';
  if (pos < end && str[pos] === '.') {
    let j = ++pos;
    while (j < end && isDigit(str[j])) j++;
    denom = str.slice(pos, j);
    pos = j;
  }

  const suffixStart = pos;
  while (pos < end && 'eEinumkKMGTP'.includes(str[pos])) pos++;
  if (pos < end && (str[pos] === '-' || str[pos] === '+')) pos++;
  while (pos < end && isDigit(str[pos])) pos++;
  if (pos < end) throw new Error(ERR_FORMAT_WRONG);
  return { positive, num, denom, suffix: str.slice(suffixStart) };
}

interface Unit {
  base: 2 | 10;
  exponent: number;
  format: QuantityFormat;
}

function interpretSuffix(suffix: string): Unit {
  if (has(DECIMAL_SUFFIXES, suffix)) return { base: 10, exponent: DECIMAL_SUFFIXES[suffix], format: 'DecimalSI' };
  if (has(BINARY_SUFFIXES, suffix)) return { base: 2, exponent: BINARY_SUFFIXES[suffix], format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?\d+$/.test(suffix.slice(1))) {
    return { base: 10, exponent: Number(suffix.slice(1)), format: 'DecimalExponent' };
  }
  throw new Error(ERR_SUFFIX);
}

/** ceil(|n| / d) with n's sign: Kubernetes rounds away from zero when it drops precision. */
function divAwayFromZero(n: bigint, d: bigint): bigint {
  const q = n / d;
  if (n % d === 0n) return q;
  return n > 0n ? q + 1n : q - 1n;
}

/** digits × 10^power, rounded up to an integer when power is negative. */
function shift10(digits: bigint, power: number): bigint {
  if (power >= 0) return digits * 10n ** BigInt(power);
  // Anything this far below one nano is just "some", i.e. 1n.
  if (-power > digits.toString().length + 1) return digits === 0n ? 0n : 1n;
  return divAwayFromZero(digits, 10n ** BigInt(-power));
}

/**
 * When Kubernetes' int64 fast path would keep the caller's spelling, String()
 * echoes the input verbatim (so `+1` or `1E3` survive a round trip). Mirrors
 * the conditions in resource.ParseQuantity.
 */
function keepsSpelling(str: string, p: Parts, u: Unit): boolean {
  if (u.format === 'BinarySI') {
    if (u.exponent < 0 || p.denom.length > 0) return false;
    const precision = 15 - p.num.length - Math.trunc((u.exponent * 3) / 10) - 1;
    if (precision < 0) return false;
    const value = BigInt(p.num);
    if (value << BigInt(u.exponent) > MAX_INT64) return false;
    return u.exponent % 10 === 0 && (value & 7n) !== 0n;
  }
  const shifted = p.num + p.denom;
  if (18 - shifted.length < 0) return false;
  const scale = u.exponent - p.denom.length;
  if (scale < -9) return false;
  return scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
}

export class Quantity {
  /** value × 10^9 */
  private readonly nanos: bigint;
  /** the suffix family used when printing */
  readonly format: QuantityFormat;
  private readonly spelling: string | undefined;

  private constructor(nanos: bigint, format: QuantityFormat, spelling?: string) {
    this.nanos = nanos;
    this.format = format;
    this.spelling = spelling;
  }

  /** resource.ParseQuantity; throws an Error carrying Kubernetes' message. */
  static parse(str: string): Quantity {
    if (str.length === 0) throw new Error(ERR_FORMAT_WRONG);
    if (str === '0') return new Quantity(0n, 'DecimalSI', '0');
    const p = splitQuantity(str);
    const u = interpretSuffix(p.suffix);
    if (Math.abs(u.exponent) > MAX_DECIMAL_EXPONENT) throw new Error(ERR_NUMERIC);

    const digits = BigInt(p.num + p.denom);
    const scaled = u.base === 2 ? digits << BigInt(u.exponent) : digits;
    const power = 9 - p.denom.length + (u.base === 10 ? u.exponent : 0);
    let magnitude = shift10(scaled, power);
    let format = u.format;
    if (format === 'BinarySI') {
      // Binary quantities are capped at the int64 maximum, and sub-unit ones print in decimal.
      if (magnitude > MAX_INT64 * NANO) magnitude = MAX_INT64 * NANO;
      if (magnitude > 0n && magnitude < NANO) format = 'DecimalSI';
    }
    const nanos = p.positive ? magnitude : -magnitude;
    return new Quantity(nanos, format, keepsSpelling(str, p, u) ? str : undefined);
  }

  /** Like parse, but undefined instead of throwing. */
  static tryParse(str: string): Quantity | undefined {
    try {
      return Quantity.parse(str);
    } catch {
      return undefined;
    }
  }

  /** resource.NewMilliQuantity. */
  static fromMilli(milli: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(toBigInt(milli) * 1_000_000n, format);
  }

  /** resource.NewQuantity: an integer count of units (cores, bytes, pods). */
  static fromValue(value: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(toBigInt(value) * NANO, format);
  }

  static zero(format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(0n, format);
  }

  isZero(): boolean {
    return this.nanos === 0n;
  }

  sign(): -1 | 0 | 1 {
    return this.nanos === 0n ? 0 : this.nanos > 0n ? 1 : -1;
  }

  cmp(other: Quantity): -1 | 0 | 1 {
    return this.nanos === other.nanos ? 0 : this.nanos < other.nanos ? -1 : 1;
  }

  equals(other: Quantity): boolean {
    return this.nanos === other.nanos;
  }

  // Like Quantity.Add/Sub: the result keeps the receiver's format unless the receiver is zero.
  add(other: Quantity): Quantity {
    return new Quantity(this.nanos + other.nanos, this.isZero() ? other.format : this.format);
  }

  sub(other: Quantity): Quantity {
    return new Quantity(this.nanos - other.nanos, this.isZero() ? other.format : this.format);
  }

  neg(): Quantity {
    return new Quantity(-this.nanos, this.format);
  }

  /** Multiply by an integer (e.g. per-pod request × replicas). */
  mul(factor: number | bigint): Quantity {
    return new Quantity(this.nanos * toBigInt(factor), this.format);
  }

  /** Thousandths, rounded away from zero (MilliValue): `1n` → 1, `1.5G` → 1500000000000. */
  milliValue(): number {
    return Number(divAwayFromZero(this.nanos, 1_000_000n));
  }

  /** Whole units, rounded away from zero (Value): `100m` → 1, `1Ki` → 1024. */
  value(): number {
    return Number(divAwayFromZero(this.nanos, NANO));
  }

  /** The value in nano-units, exact. */
  nanoValue(): bigint {
    return this.nanos;
  }

  /** AsApproximateFloat64: for ratios (HPA utilisation), never for comparisons. */
  toNumber(): number {
    return Number(this.nanos) / 1e9;
  }

  /** Kubernetes' canonical form: `100m`, `128Mi`, `1500m` for 1.5, `1Gi` for 1024Mi. */
  toString(): string {
    return this.spelling ?? canonical(this.nanos, this.format);
  }

  toJSON(): string {
    return this.toString();
  }
}

function toBigInt(n: number | bigint): bigint {
  if (typeof n === 'bigint') return n;
  if (!Number.isSafeInteger(n)) throw new RangeError(`quantity base value must be a safe integer, got ${n}`);
  return BigInt(n);
}

function canonical(nanos: bigint, format: QuantityFormat): string {
  if (nanos === 0n) return '0';
  let fmt = format;
  // Binary only when it stays exact and readable; small or fractional values print as decimal.
  if (fmt === 'BinarySI' && ((nanos > -1024n * NANO && nanos < 1024n * NANO) || nanos % NANO !== 0n)) fmt = 'DecimalSI';
  if (fmt === 'BinarySI') return canonicalBinary(nanos / NANO);

  let mantissa = nanos;
  let exponent = -9;
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent++;
  }
  // Lower the exponent to a multiple of three so an SI suffix exists for it.
  while (((exponent % 3) + 3) % 3 !== 0) {
    mantissa *= 10n;
    exponent--;
  }
  if (fmt === 'DecimalExponent') return exponent === 0 ? `${mantissa}` : `${mantissa}e${exponent}`;
  if (exponent > 18) {
    mantissa *= 10n ** BigInt(exponent - 18);
    exponent = 18;
  }
  return `${mantissa}${DECIMAL_BY_EXPONENT.get(exponent) ?? ''}`;
}

function canonicalBinary(units: bigint): string {
  let amount = units;
  let power = 0;
  const abs = (x: bigint): bigint => (x < 0n ? -x : x);
  while (power < BINARY_BY_POWER.length - 1 && abs(amount) >= 1024n && amount % 1024n === 0n) {
    amount /= 1024n;
    power++;
  }
  return `${amount}${BINARY_BY_POWER[power]}`;
}

function goQuoted(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/**
 * Parses a manifest value (`"500m"`, or a bare YAML/JSON number like `2`) for
 * validation, answering a 422-style cause instead of throwing.
 */
export function parseQuantityOrError(
  value: unknown,
  fieldPath: string,
): { quantity: Quantity; error?: undefined } | { quantity?: undefined; error: FieldError } {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : undefined;
  if (text === undefined) {
    return { error: { type: 'FieldValueInvalid', field: fieldPath, message: `Invalid value: ${goQuoted(value)}: ${ERR_FORMAT_WRONG}` } };
  }
  try {
    return { quantity: Quantity.parse(text) };
  } catch (e) {
    const message = `Invalid value: ${JSON.stringify(text)}: ${(e as Error).message}`;
    return { error: { type: 'FieldValueInvalid', field: fieldPath, message } };
  }
}

function quantityOf(v: string | number): Quantity {
  return Quantity.parse(typeof v === 'number' ? String(v) : v.trim());
}

/** `500m` → 500, `2` → 2000, `1n` → 1. Throws on a malformed quantity. */
export function cpuToMilli(v: string | number): number {
  return quantityOf(v).milliValue();
}

/** `128Mi` → 134217728, `1G` → 1e9, `100m` → 1. Throws on a malformed quantity. */
export function memoryToBytes(v: string | number): number {
  return quantityOf(v).value();
}
