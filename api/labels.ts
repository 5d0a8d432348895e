// Label selectors as k8s.io/apimachinery/pkg/labels implements them: the string
// form (`?labelSelector=`, `kubectl -l`), the structured metav1.LabelSelector,
// matching, canonical printing and validation.
import type { FieldError } from './errors.js';
import type { LabelSelector, LabelSelectorRequirement } from './meta.js';
import { isQualifiedName, isValidLabelValue } from './names.js';

export type Operator =
  | 'In' | 'NotIn' | 'Equals' | 'DoubleEquals' | 'NotEquals' | 'Exists' | 'DoesNotExist' | 'GreaterThan' | 'LessThan';

export interface Requirement {
  key: string;
  operator: Operator;
  values: string[];
}

/**
 * AND of requirements; no requirements selects everything. `matchesNothing`
 * marks labels.Nothing(), what a nil metav1.LabelSelector converts to.
 */
export interface Selector {
  requirements: Requirement[];
  matchesNothing?: boolean;
}

export function everything(): Selector {
  return { requirements: [] };
}

export function nothing(): Selector {
  return { requirements: [], matchesNothing: true };
}

export function isEverything(sel: Selector): boolean {
  return !sel.matchesNothing && sel.requirements.length === 0;
}

export function isNothing(sel: Selector): boolean {
  return sel.matchesNothing === true;
}

// ---------------------------------------------------------------------------
// Field errors in the shape a 422 Status cause carries (field.Error.ErrorBody()).

/** A value printed the way Go's field.Error does: strings quoted, slices as `[]string{...}`. */
function goValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[]string{${v.map((x) => JSON.stringify(String(x))).join(', ')}}`;
  if (v === null || v === undefined) return 'null';
  return String(v);
}

function invalid(field: string, value: unknown, detail: string): FieldError {
  const body = `Invalid value: ${goValue(value)}`;
  return { type: 'FieldValueInvalid', field, message: detail ? `${body}: ${detail}` : body };
}

function required(field: string, detail: string): FieldError {
  return { type: 'FieldValueRequired', field, message: detail ? `Required value: ${detail}` : 'Required value' };
}

function forbidden(field: string, detail: string): FieldError {
  return { type: 'FieldValueForbidden', field, message: detail ? `Forbidden: ${detail}` : 'Forbidden' };
}

function notSupported(field: string, value: unknown, valid: string[]): FieldError {
  const quoted = valid.map((v) => JSON.stringify(v)).join(', ');
  return { type: 'FieldValueNotSupported', field, message: `Unsupported value: ${goValue(value)}: supported values: ${quoted}` };
}

/** How Go prints a field.Error (`path: body`); a nil path prints only the body here. */
function errorString(e: FieldError): string {
  return e.field ? `${e.field}: ${e.message}` : e.message;
}

/** utilerrors.NewAggregate(...).Error(): one error alone, several in brackets. */
function aggregate(errs: FieldError[]): string {
  return errs.length === 1 ? errorString(errs[0]) : `[${errs.map(errorString).join(', ')}]`;
}

function child(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

// ---------------------------------------------------------------------------
// Requirements

const BINARY_OPERATORS = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];
const VALID_OPERATORS: Operator[] = [
  'In', 'NotIn', 'Equals', 'DoubleEquals', 'NotEquals', 'GreaterThan', 'LessThan', 'Exists', 'DoesNotExist',
];

function isInt64(s: string): boolean {
  if (!/^[+-]?\d+$/.test(s)) return false;
  const n = BigInt(s);
  return n >= -(2n ** 63n) && n < 2n ** 63n;
}

/** labels.NewRequirement's checks; `path` is the field path prefix for errors ('' for none). */
function requirementErrors(key: string, op: Operator, values: string[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const keyErrs = isQualifiedName(key);
  if (keyErrs.length) errs.push(invalid(child(path, 'key'), key, keyErrs.join('; ')));
  const valuePath = child(path, 'values');
  switch (op) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(invalid(valuePath, values, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case 'Equals':
    case 'DoubleEquals':
    case 'NotEquals':
      if (values.length !== 1) errs.push(invalid(valuePath, values, 'exact-match compatibility requires one single value'));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length !== 0) errs.push(invalid(valuePath, values, 'values set must be empty for exists and does not exist'));
      break;
    case 'GreaterThan':
    case 'LessThan':
      if (values.length !== 1) errs.push(invalid(valuePath, values, "for 'Gt', 'Lt' operators, exactly one value is required"));
      values.forEach((v, i) => {
        if (!isInt64(v)) errs.push(invalid(`${valuePath}[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      break;
    default:
      errs.push(notSupported(child(path, 'operator'), op, VALID_OPERATORS));
  }
  values.forEach((v, i) => {
    const valueErrs = isValidLabelValue(v);
    if (valueErrs.length) errs.push(invalid(`${valuePath}[${i}][${key}]`, v, valueErrs.join('; ')));
  });
  return errs;
}

/** A validated requirement; throws like labels.NewRequirement on bad key, operator or values. */
export function newRequirement(key: string, operator: Operator, values: string[] = []): Requirement {
  const errs = requirementErrors(key, operator, values, '');
  if (errs.length) throw new Error(aggregate(errs));
  return { key, operator, values: [...values] };
}

function requirementMatches(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const val = has ? labels[r.key] : undefined;
  switch (r.operator) {
    case 'In':
    case 'Equals':
    case 'DoubleEquals':
      return val !== undefined && r.values.includes(val);
    case 'NotIn':
    case 'NotEquals':
      return val === undefined || !r.values.includes(val);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'GreaterThan':
    case 'LessThan': {
      // Non-integer label values never match, like strconv.ParseInt failing in Kubernetes.
      if (val === undefined || !isInt64(val) || r.values.length !== 1 || !isInt64(r.values[0])) return false;
      const lv = BigInt(val);
      const rv = BigInt(r.values[0]);
      return r.operator === 'GreaterThan' ? lv > rv : lv < rv;
    }
    default:
      return false;
  }
}

export function matches(sel: Selector, labels?: Record<string, string> | null): boolean {
  if (sel.matchesNothing) return false;
  const ls = labels ?? {};
  return sel.requirements.every((r) => requirementMatches(r, ls));
}

/** The single value `key` must have (`key=v`, `key==v`, `key in (v)`), for indexed fast paths. */
export function requiresExactMatch(sel: Selector, key: string): string | undefined {
  if (sel.matchesNothing) return undefined;
  const r = sel.requirements.find((x) => x.key === key);
  if (!r) return undefined;
  const exact = r.operator === 'Equals' || r.operator === 'DoubleEquals' || r.operator === 'In';
  return exact && r.values.length === 1 ? r.values[0] : undefined;
}

function byKey(a: Requirement, b: Requirement): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

function sortedByKey(reqs: Requirement[]): Requirement[] {
  return [...reqs].sort(byKey);
}

const OPERATOR_TEXT: Record<Operator, string> = {
  Equals: '=', DoubleEquals: '==', NotEquals: '!=', In: ' in ', NotIn: ' notin ',
  GreaterThan: '>', LessThan: '<', Exists: '', DoesNotExist: '',
};

export function requirementToString(r: Requirement): string {
  const head = (r.operator === 'DoesNotExist' ? '!' : '') + r.key;
  if (r.operator === 'Exists' || r.operator === 'DoesNotExist') return head;
  const values = r.values.length === 1 ? r.values[0] : [...r.values].sort().join(',');
  const set = r.operator === 'In' || r.operator === 'NotIn';
  return head + OPERATOR_TEXT[r.operator] + (set ? `(${values})` : values);
}

/** Canonical string form: requirements sorted by key, set values sorted. Nothing and everything print ''. */
export function selectorToString(sel: Selector): string {
  if (sel.matchesNothing) return '';
  return sortedByKey(sel.requirements).map(requirementToString).join(',');
}

/** labels.SelectorFromSet: exact match on every pair; an empty set selects everything. */
export function selectorFromSet(set?: Record<string, string> | null): Selector {
  const reqs = Object.entries(set ?? {}).map(([key, v]): Requirement => ({ key, operator: 'Equals', values: [v] }));
  return { requirements: sortedByKey(reqs) };
}

// ---------------------------------------------------------------------------
// String parser: a port of labels.Parse (lexer + recursive descent), so the same
// inputs are accepted and the same messages come back.

type Tok =
  | 'Error' | 'End' | 'ClosedPar' | 'Comma' | 'DoesNotExist' | 'DoubleEquals' | 'Equals' | 'GreaterThan'
  | 'Identifier' | 'In' | 'LessThan' | 'NotEquals' | 'NotIn' | 'OpenPar';

interface Item {
  tok: Tok;
  lit: string;
}

const STRING_TO_TOKEN: Record<string, Tok> = {
  ')': 'ClosedPar', ',': 'Comma', '!': 'DoesNotExist', '==': 'DoubleEquals', '=': 'Equals', '>': 'GreaterThan',
  in: 'In', '<': 'LessThan', '!=': 'NotEquals', notin: 'NotIn', '(': 'OpenPar',
};

function isWhitespace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
}

function isSpecialSymbol(ch: string): boolean {
  return '=!(),><'.includes(ch);
}

function lookupToken(s: string): Tok | undefined {
  return Object.prototype.hasOwnProperty.call(STRING_TO_TOKEN, s) ? STRING_TO_TOKEN[s] : undefined;
}

/** Longest run of special symbols that still forms a known token (`!=`, `==`, ...). */
function scanSpecial(s: string, start: number): { item: Item; end: number } {
  let buf = '';
  let last: Item | undefined;
  let pos = start;
  while (pos < s.length && isSpecialSymbol(s[pos])) {
    buf += s[pos];
    const t = lookupToken(buf);
    if (t) last = { tok: t, lit: buf };
    else if (last) break;
    pos++;
  }
  if (!last) return { item: { tok: 'Error', lit: `error expected: keyword found '${buf}'` }, end: pos };
  return { item: last, end: start + last.lit.length };
}

function lex(s: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  for (;;) {
    while (pos < s.length && isWhitespace(s[pos])) pos++;
    if (pos >= s.length) {
      items.push({ tok: 'End', lit: '' });
      return items;
    }
    if (isSpecialSymbol(s[pos])) {
      const { item, end } = scanSpecial(s, pos);
      items.push(item);
      pos = end;
      continue;
    }
    const start = pos;
    while (pos < s.length && !isSpecialSymbol(s[pos]) && !isWhitespace(s[pos])) pos++;
    const lit = s.slice(start, pos);
    items.push({ tok: lookupToken(lit) ?? 'Identifier', lit });
  }
}

type Context = 'KeyAndOperator' | 'Values';

class Parser {
  private position = 0;
  constructor(private readonly items: Item[]) {}

  // `in`/`notin` are ordinary words where a key or value is expected: `in in (in)` is legal.
  private contextual(item: Item, ctx: Context): Item {
    if (ctx === 'Values' && (item.tok === 'In' || item.tok === 'NotIn')) return { tok: 'Identifier', lit: item.lit };
    return item;
  }

  lookahead(ctx: Context): Item {
    return this.contextual(this.items[this.position], ctx);
  }

  consume(ctx: Context): Item {
    const item = this.items[this.position];
    if (item.tok !== 'End') this.position++;
    return this.contextual(item, ctx);
  }

  parse(): Requirement[] {
    const reqs: Requirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead('Values');
      if (tok === 'End') return reqs;
      if (tok !== 'Identifier' && tok !== 'DoesNotExist') {
        throw new Error(`found '${lit}', expected: !, identifier, or 'end of string'`);
      }
      let r: Requirement;
      try {
        r = this.parseRequirement();
      } catch (e) {
        throw new Error(`unable to parse requirement: ${(e as Error).message}`);
      }
      reqs.push(r);
      const next = this.consume('Values');
      if (next.tok === 'End') return reqs;
      if (next.tok !== 'Comma') throw new Error(`found '${next.lit}', expected: ',' or 'end of string'`);
      const after = this.lookahead('Values');
      if (after.tok !== 'Identifier' && after.tok !== 'DoesNotExist') {
        throw new Error(`found '${after.lit}', expected: identifier after ','`);
      }
    }
  }

  private parseRequirement(): Requirement {
    const { key, operator } = this.parseKeyAndInferOperator();
    if (operator === 'Exists' || operator === 'DoesNotExist') return newRequirement(key, operator, []);
    const op = this.parseOperator();
    const values = op === 'In' || op === 'NotIn' ? this.parseValues() : this.parseExactValue();
    // sets.String semantics: duplicates collapse and values come out sorted.
    return newRequirement(key, op, [...new Set(values)].sort());
  }

  private parseKeyAndInferOperator(): { key: string; operator?: Operator } {
    let operator: Operator | undefined;
    let item = this.consume('Values');
    if (item.tok === 'DoesNotExist') {
      operator = 'DoesNotExist';
      item = this.consume('Values');
    }
    if (item.tok !== 'Identifier') throw new Error(`found '${item.lit}', expected: identifier`);
    const keyErrs = isQualifiedName(item.lit);
    if (keyErrs.length) throw new Error(errorString(invalid('', item.lit, keyErrs.join('; '))));
    const next = this.lookahead('Values').tok;
    if ((next === 'End' || next === 'Comma') && operator !== 'DoesNotExist') operator = 'Exists';
    return { key: item.lit, operator };
  }

  private parseOperator(): Operator {
    const { tok, lit } = this.consume('KeyAndOperator');
    switch (tok) {
      case 'In': return 'In';
      case 'NotIn': return 'NotIn';
      case 'Equals': return 'Equals';
      case 'DoubleEquals': return 'DoubleEquals';
      case 'NotEquals': return 'NotEquals';
      case 'GreaterThan': return 'GreaterThan';
      case 'LessThan': return 'LessThan';
      default:
        // Kubernetes' own message names `gt`/`lt`, so accept those words as well as `>`/`<`.
        if (tok === 'Identifier' && lit === 'gt') return 'GreaterThan';
        if (tok === 'Identifier' && lit === 'lt') return 'LessThan';
        throw new Error(`found '${lit}', expected: ${BINARY_OPERATORS.join(', ')}`);
    }
  }

  private parseValues(): string[] {
    const open = this.consume('Values');
    if (open.tok !== 'OpenPar') throw new Error(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.lookahead('Values');
    if (tok === 'ClosedPar') {
      this.consume('Values');
      return [''];
    }
    if (tok !== 'Identifier' && tok !== 'Comma') throw new Error(`found '${lit}', expected: ',', ')' or identifier`);
    const values = this.parseIdentifiersList();
    if (this.consume('Values').tok !== 'ClosedPar') throw new Error(`found '${lit}', expected: ')'`);
    return values;
  }

  // Empty entries (`(a,,b)`, `(,a)`, `(a,)`) stand for the empty value, as in Kubernetes.
  private parseIdentifiersList(): string[] {
    const values: string[] = [];
    for (;;) {
      const { tok, lit } = this.consume('Values');
      if (tok === 'Identifier') {
        values.push(lit);
        const next = this.lookahead('Values');
        if (next.tok === 'Comma') continue;
        if (next.tok === 'ClosedPar') return values;
        throw new Error(`found '${next.lit}', expected: ',' or ')'`);
      }
      if (tok === 'Comma') {
        if (values.length === 0) values.push('');
        const next = this.lookahead('Values').tok;
        if (next === 'ClosedPar') {
          values.push('');
          return values;
        }
        if (next === 'Comma') values.push('');
        continue;
      }
      throw new Error(`found '${lit}', expected: ',', or identifier`);
    }
  }

  private parseExactValue(): string[] {
    const next = this.lookahead('Values').tok;
    if (next === 'End' || next === 'Comma') return [''];
    const { tok, lit } = this.consume('Values');
    if (tok === 'Identifier') return [lit];
    throw new Error(`found '${lit}', expected: identifier`);
  }
}

/**
 * Parses `a=b,c!=d,e in (x,y),f notin (z),g,!h,n>5` into a selector sorted by key.
 * Throws an Error with Kubernetes' message on bad syntax, keys or values; '' selects everything.
 */
export function parseSelector(s: string): Selector {
  const reqs = new Parser(lex(s)).parse();
  return { requirements: sortedByKey(reqs) };
}

// ---------------------------------------------------------------------------
// metav1.LabelSelector

const LS_OPERATORS: Record<string, Operator> = { In: 'In', NotIn: 'NotIn', Exists: 'Exists', DoesNotExist: 'DoesNotExist' };

/**
 * metav1.LabelSelectorAsSelector: undefined/null selects nothing, `{}` selects
 * everything. Throws on an invalid selector (bad operator, key or values).
 */
export function selectorFromLabelSelector(ls: LabelSelector | undefined | null): Selector {
  if (ls === undefined || ls === null) return nothing();
  const matchLabels = Object.entries(ls.matchLabels ?? {});
  const exprs = ls.matchExpressions ?? [];
  if (matchLabels.length + exprs.length === 0) return everything();
  const reqs: Requirement[] = matchLabels.map(([k, v]) => newRequirement(k, 'Equals', [v]));
  for (const e of exprs) {
    const op = Object.prototype.hasOwnProperty.call(LS_OPERATORS, e.operator) ? LS_OPERATORS[e.operator] : undefined;
    if (!op) throw new Error(`${JSON.stringify(e.operator)} is not a valid label selector operator`);
    reqs.push(newRequirement(e.key, op, e.values ?? []));
  }
  return { requirements: sortedByKey(reqs) };
}

/** metav1.FormatLabelSelector: what `kubectl get rs -o wide` prints under SELECTOR. */
export function labelSelectorToString(ls: LabelSelector | undefined | null): string {
  let s: string;
  try {
    s = selectorToString(selectorFromLabelSelector(ls));
  } catch {
    return '<error>';
  }
  return s === '' ? '<none>' : s;
}

/** Label key rules (ValidateLabelName): each problem is its own cause on `fieldPath`. */
export function validateLabelName(key: string, fieldPath: string): FieldError[] {
  return isQualifiedName(key).map((msg) => invalid(fieldPath, key, msg));
}

/** `metadata.labels` validation: keys as qualified names, values as label values. */
export function validateLabels(labels: Record<string, string> | undefined | null, fieldPath: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    errs.push(...validateLabelName(k, fieldPath));
    errs.push(...isValidLabelValue(v).map((msg) => invalid(fieldPath, v, msg)));
  }
  return errs;
}

function validateRequirement(r: LabelSelectorRequirement, fieldPath: string): FieldError[] {
  const errs: FieldError[] = [];
  const valuesPath = `${fieldPath}.values`;
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(required(valuesPath, "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(forbidden(valuesPath, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    default:
      errs.push(invalid(`${fieldPath}.operator`, r.operator, 'not a valid selector operator'));
  }
  errs.push(...validateLabelName(r.key, `${fieldPath}.key`));
  values.forEach((v, i) => {
    errs.push(...isValidLabelValue(v).map((msg) => invalid(`${valuesPath}[${i}]`, v, msg)));
  });
  return errs;
}

/** metav1validation.ValidateLabelSelector; an absent selector is valid here (callers require it). */
export function validateLabelSelector(ls: LabelSelector | undefined | null, fieldPath: string): FieldError[] {
  if (ls === undefined || ls === null) return [];
  const errs = validateLabels(ls.matchLabels, child(fieldPath, 'matchLabels'));
  (ls.matchExpressions ?? []).forEach((r, i) => {
    errs.push(...validateRequirement(r, `${child(fieldPath, 'matchExpressions')}[${i}]`));
  });
  return errs;
}
