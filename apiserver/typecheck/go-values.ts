// Value checks that Kubernetes performs while decoding JSON, reproduced with
// Go's exact error wording: the apiserver answers these as 400 BadRequest
// before validation ever runs, so clients (and tests written against a real
// cluster) see these strings verbatim.
//
//   - time.Parse for metav1.Time (RFC 3339) and metav1.MicroTime (RFC 3339
//     with exactly six fractional digits)
//   - base64.StdEncoding.Decode for []byte fields (Secret.data, binaryData)
//   - resource.ParseQuantity's format checks
//   - strconv.Quote, which `%q` uses for field names in strict errors

/** Go's time.RFC3339 layout. */
export const RFC3339_LAYOUT = '2006-01-02T15:04:05Z07:00';
/** metav1.RFC3339Micro. */
export const RFC3339_MICRO_LAYOUT = '2006-01-02T15:04:05.000000Z07:00';

type Std = 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'frac6' | 'tz';

interface Chunk {
  /** literal text before the element */
  readonly prefix: string;
  readonly std: Std | null;
  /** the element as written in the layout, for "cannot parse X as Y" */
  readonly stdstr: string;
}

// What time.nextStdChunk yields for the two layouts; a full layout parser
// would only ever see these.
const RFC3339_CHUNKS: readonly Chunk[] = [
  { prefix: '', std: 'year', stdstr: '2006' },
  { prefix: '-', std: 'month', stdstr: '01' },
  { prefix: '-', std: 'day', stdstr: '02' },
  { prefix: 'T', std: 'hour', stdstr: '15' },
  { prefix: ':', std: 'minute', stdstr: '04' },
  { prefix: ':', std: 'second', stdstr: '05' },
  { prefix: '', std: 'tz', stdstr: 'Z07:00' },
  { prefix: '', std: null, stdstr: '' },
];
const MICRO_CHUNKS: readonly Chunk[] = [
  ...RFC3339_CHUNKS.slice(0, 6),
  { prefix: '', std: 'frac6', stdstr: '.000000' },
  ...RFC3339_CHUNKS.slice(6),
];

const isDigitAt = (s: string, i: number): boolean => i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57;

class BadElem extends Error {}

/** time.getnum: one or two digits (exactly two when fixed). */
function getnum(s: string, fixed: boolean): [number, string] {
  if (!isDigitAt(s, 0)) throw new BadElem();
  if (!isDigitAt(s, 1)) {
    if (fixed) throw new BadElem();
    return [s.charCodeAt(0) - 48, s.slice(1)];
  }
  return [(s.charCodeAt(0) - 48) * 10 + (s.charCodeAt(1) - 48), s.slice(2)];
}

/** time.atoi: optional sign, then only digits. */
function atoi(s: string): number {
  const m = /^([+-]?)(\d*)$/.exec(s);
  if (!m) throw new BadElem();
  const n = Number(m[2]);
  return m[1] === '-' ? -n : n;
}

/** time.parseNanoseconds; returns a range complaint or '' */
function checkNanoseconds(value: string, nbytes: number): string {
  if (value[0] !== '.' && value[0] !== ',') throw new BadElem();
  const ns = atoi(value.slice(1, Math.min(nbytes, 10)));
  return ns < 0 ? 'fractional second' : '';
}

function daysIn(month: number, year: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** time's own quote(): escapes `"` and `\`, hex-escapes control and non-ASCII bytes. */
function timeQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c >= 0x80 || c < 0x20) {
      for (const b of Buffer.from(ch, 'utf8')) out += `\\x${b.toString(16).padStart(2, '0')}`;
    } else {
      if (ch === '"' || ch === '\\') out += '\\';
      out += ch;
    }
  }
  return `${out}"`;
}

function parseError(layout: string, value: string, layoutElem: string, valueElem: string, message: string): string {
  if (message === '') {
    return `parsing time ${timeQuote(value)} as ${timeQuote(layout)}: cannot parse ${timeQuote(valueElem)} as ${timeQuote(layoutElem)}`;
  }
  return `parsing time ${timeQuote(value)}${message}`;
}

// The form Kubernetes itself writes, checked in one regex: request bodies
// carry many timestamps, and the general parser below only has to run when
// this does not match, to word the error.
const CANONICAL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:Z|[+-](\d{2}):(\d{2}))$/;

function isCanonicalTime(value: string, micro: boolean): boolean {
  const m = CANONICAL_TIME.exec(value);
  if (!m) return false;
  const frac = m[7];
  if (micro && (frac === undefined || frac.length !== 7)) return false;
  const month = Number(m[2]);
  const day = Number(m[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(month, Number(m[1])) &&
    Number(m[4]) < 24 && Number(m[5]) < 60 && Number(m[6]) < 60 &&
    (m[8] === undefined || (Number(m[8]) <= 24 && Number(m[9]) <= 60));
}

/**
 * Go's `time.Parse(layout, value)` for the two Kubernetes layouts: undefined
 * when Go accepts the value, else the exact `*time.ParseError` text.
 */
export function goTimeParseError(value: string, micro: boolean): string | undefined {
  if (isCanonicalTime(value, micro)) return undefined;
  const layout = micro ? RFC3339_MICRO_LAYOUT : RFC3339_LAYOUT;
  const chunks = micro ? MICRO_CHUNKS : RFC3339_CHUNKS;
  let rest = value;
  let year = 0;
  let month = -1;
  let day = -1;
  for (let i = 0; i < chunks.length; i++) {
    const { prefix, std, stdstr } = chunks[i]!;
    if (prefix !== '') {
      if (!rest.startsWith(prefix)) return parseError(layout, value, prefix, rest, '');
      rest = rest.slice(prefix.length);
    }
    if (std === null) {
      if (rest.length !== 0) return parseError(layout, value, '', rest, `: extra text: ${timeQuote(rest)}`);
      break;
    }
    const hold = rest;
    let range = '';
    try {
      switch (std) {
        case 'year':
          if (rest.length < 4 || !isDigitAt(rest, 0)) throw new BadElem();
          year = atoi(rest.slice(0, 4));
          rest = rest.slice(4);
          break;
        case 'month':
          [month, rest] = getnum(rest, true);
          if (month <= 0 || month > 12) range = 'month';
          break;
        case 'day':
          // Any one- or two-digit day; checked against the month at the end.
          [day, rest] = getnum(rest, true);
          break;
        case 'hour': {
          let hour: number;
          [hour, rest] = getnum(rest, false);
          if (hour >= 24) range = 'hour';
          break;
        }
        case 'minute': {
          let min: number;
          [min, rest] = getnum(rest, true);
          if (min >= 60) range = 'minute';
          break;
        }
        case 'second': {
          let sec: number;
          [sec, rest] = getnum(rest, true);
          if (sec >= 60) {
            range = 'second';
            break;
          }
          // RFC 3339 has no fraction element, yet Go accepts one here; the
          // micro layout leaves it for its own element.
          if (!micro && rest.length >= 2 && (rest[0] === '.' || rest[0] === ',') && isDigitAt(rest, 1)) {
            let n = 2;
            while (isDigitAt(rest, n)) n++;
            range = checkNanoseconds(rest, n);
            rest = rest.slice(n);
          }
          break;
        }
        case 'frac6':
          if (rest.length < 7) throw new BadElem();
          range = checkNanoseconds(rest, 7);
          rest = rest.slice(7);
          break;
        case 'tz': {
          if (rest.length >= 1 && rest[0] === 'Z') {
            rest = rest.slice(1);
            break;
          }
          if (rest.length < 6 || rest[3] !== ':') throw new BadElem();
          const sign = rest[0];
          const hh = rest.slice(1, 3);
          const mm = rest.slice(4, 6);
          rest = rest.slice(6);
          // Go reads both numbers and range-checks them before it judges the sign.
          let bad = false;
          let hr = 0;
          let mi = 0;
          try {
            [hr] = getnum(hh, true);
            [mi] = getnum(mm, true);
          } catch {
            bad = true;
          }
          if (hr > 24) range = 'time zone offset hour';
          if (mi > 60) range = 'time zone offset minute';
          if (bad || (sign !== '+' && sign !== '-')) throw new BadElem();
          break;
        }
      }
    } catch (err) {
      if (!(err instanceof BadElem)) throw err;
      if (range !== '') return parseError(layout, value, stdstr, rest, `: ${range} out of range`);
      return parseError(layout, value, stdstr, hold, '');
    }
    if (range !== '') return parseError(layout, value, stdstr, rest, `: ${range} out of range`);
  }
  if (day < 1 || day > daysIn(month, year)) return parseError(layout, value, '', rest, ': day out of range');
  return undefined;
}

/**
 * Go's `base64.StdEncoding.Decode` validity check: undefined when Go decodes
 * it, else `illegal base64 data at input byte N`. Go skips \r and \n and does
 * not insist on zero trailing bits (the encoding is not Strict).
 */
export function goBase64Error(s: string): string | undefined {
  const at = (offset: number): string => `illegal base64 data at input byte ${offset}`;
  const n = s.length;
  const isAlpha = (c: number): boolean =>
    (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47;
  const isNewline = (c: number): boolean => c === 10 || c === 13;
  let si = 0;
  // One decodeQuantum per loop; the fast paths in Go decode the same way.
  while (si < n) {
    let j = 0;
    while (j < 4) {
      if (si === n) {
        if (j === 0) return undefined;
        return at(si - j);
      }
      const c = s.charCodeAt(si);
      si++;
      if (isAlpha(c)) {
        j++;
        continue;
      }
      if (isNewline(c)) continue;
      if (c !== 61 /* = */) return at(si - 1);
      // Padding: only after two or three symbols, and it ends the input.
      if (j < 2) return at(si - 1);
      if (j === 2) {
        while (si < n && isNewline(s.charCodeAt(si))) si++;
        if (si === n) return at(n);
        if (s.charCodeAt(si) !== 61) return at(si - 1);
        si++;
      }
      while (si < n && isNewline(s.charCodeAt(si))) si++;
      return si < n ? at(si) : undefined;
    }
  }
  return undefined;
}

/** resource.ErrFormatWrong. */
export const QUANTITY_FORMAT_ERROR =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
/** resource.ErrSuffix. */
export const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";

const QUANTITY_SUFFIXES = new Set(['', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei']);
// What manifests almost always hold (`500m`, `128Mi`, `2`): valid without further thought.
const PLAIN_QUANTITY = /^[0-9]+(?:\.[0-9]+)?(?:[numkMGTPE]|[KMGTPE]i)?$/;
// parseQuantityString as a pattern: sign, digits with an optional fraction,
// then suffix letters, an optional sign and digits. Everything it splits off
// as the suffix must then be a known suffix or e/E followed by an int64.
const QUANTITY_SHAPE = /^[+-]?[0-9]*(?:\.[0-9]*)?([eEinumkKMGTP]*[-+]?[0-9]*)$/;

/**
 * What `Quantity.UnmarshalJSON` says about a JSON string value (already
 * trimmed of quotes); undefined when it parses. Numbers always parse.
 */
export function goQuantityError(text: string): string | undefined {
  if (PLAIN_QUANTITY.test(text)) return undefined;
  const str = text.trim();
  if (str === '') return QUANTITY_FORMAT_ERROR;
  const m = QUANTITY_SHAPE.exec(str);
  if (!m) return QUANTITY_FORMAT_ERROR;
  // A value of only sign and zeros stops before the suffix is looked at.
  if (/^[+-]?0*$/.test(str)) return undefined;
  const suffix = m[1]!;
  if (QUANTITY_SUFFIXES.has(suffix)) return undefined;
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?\d+$/.test(suffix.slice(1))) {
    const exp = BigInt(suffix.slice(1));
    if (exp <= 9223372036854775807n && exp >= -9223372036854775808n) return undefined;
  }
  return QUANTITY_SUFFIX_ERROR;
}

/** strconv.Quote, as `%q` prints the field names in `unknown field "…"`. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (ch) {
      case '"': out += '\\"'; continue;
      case '\\': out += '\\\\'; continue;
      case '\x07': out += '\\a'; continue;
      case '\b': out += '\\b'; continue;
      case '\f': out += '\\f'; continue;
      case '\n': out += '\\n'; continue;
      case '\r': out += '\\r'; continue;
      case '\t': out += '\\t'; continue;
      case '\v': out += '\\v'; continue;
    }
    if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c >= 0xd800 && c <= 0xdfff) out += '\ufffd'; // Go's JSON decoder already turned it into U+FFFD
    else if (!isGoPrintable(ch)) out += c > 0xffff ? `\\U${c.toString(16).padStart(8, '0')}` : `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

// unicode.IsPrint, approximated by Unicode categories: letters, marks,
// numbers, punctuation, symbols and the ASCII space.
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
function isGoPrintable(ch: string): boolean {
  return PRINTABLE.test(ch);
}
