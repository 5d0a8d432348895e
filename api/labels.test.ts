import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  everything,
  isEverything,
  isNothing,
  labelSelectorToString,
  matches,
  newRequirement,
  nothing,
  parseSelector,
  requiresExactMatch,
  selectorFromLabelSelector,
  selectorFromSet,
  selectorToString,
  validateLabels,
  validateLabelSelector,
} from './labels.js';

test('parseSelector: every operator', () => {
  const sel = parseSelector('a=b,c!=d,e in (y,x),f notin (z),g,!h,i==j,k>5,l<7');
  assert.deepEqual(sel.requirements, [
    { key: 'a', operator: 'Equals', values: ['b'] },
    { key: 'c', operator: 'NotEquals', values: ['d'] },
    { key: 'e', operator: 'In', values: ['x', 'y'] },
    { key: 'f', operator: 'NotIn', values: ['z'] },
    { key: 'g', operator: 'Exists', values: [] },
    { key: 'h', operator: 'DoesNotExist', values: [] },
    { key: 'i', operator: 'DoubleEquals', values: ['j'] },
    { key: 'k', operator: 'GreaterThan', values: ['5'] },
    { key: 'l', operator: 'LessThan', values: ['7'] },
  ]);
});

test('parseSelector: sorts by key, tolerates whitespace, accepts gt/lt words', () => {
  const sel = parseSelector('  z = 1 ,\ta in ( p , q ) , n gt 3, m lt 2 ,! x ');
  assert.deepEqual(sel.requirements.map((r) => r.key), ['a', 'm', 'n', 'x', 'z']);
  assert.deepEqual(sel.requirements[1], { key: 'm', operator: 'LessThan', values: ['2'] });
  assert.deepEqual(sel.requirements[2], { key: 'n', operator: 'GreaterThan', values: ['3'] });
  assert.equal(selectorToString(sel), 'a in (p,q),m<2,n>3,!x,z=1');
});

test('parseSelector: empty values and keyword-named keys/values', () => {
  assert.deepEqual(parseSelector('a=').requirements, [{ key: 'a', operator: 'Equals', values: [''] }]);
  assert.deepEqual(parseSelector('a=,b=c').requirements[0].values, ['']);
  assert.deepEqual(parseSelector('x in (foo,,baz)').requirements[0].values, ['', 'baz', 'foo']);
  assert.deepEqual(parseSelector('x in ()').requirements[0].values, ['']);
  assert.deepEqual(parseSelector('x in (a,a,b)').requirements[0].values, ['a', 'b']);
  assert.deepEqual(parseSelector('in in (in,notin)').requirements, [{ key: 'in', operator: 'In', values: ['in', 'notin'] }]);
  assert.deepEqual(parseSelector('gt=lt').requirements, [{ key: 'gt', operator: 'Equals', values: ['lt'] }]);
  assert.deepEqual(parseSelector('example.com/app=web').requirements[0].key, 'example.com/app');
});

test('parseSelector: empty string selects everything', () => {
  const sel = parseSelector('');
  assert.ok(isEverything(sel));
  assert.ok(matches(sel, { a: 'b' }));
  assert.ok(isEverything(parseSelector('   ')));
});

test('parseSelector: syntax errors carry Kubernetes messages', () => {
  const cases: Array<[string, string]> = [
    ['a=b,', "found '', expected: identifier after ','"],
    [',a', "found ',', expected: !, identifier, or 'end of string'"],
    ['a b', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ['a in b', "unable to parse requirement: found 'b' expected: '('"],
    ['a in (b', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['a in (b c)', "unable to parse requirement: found 'c', expected: ',' or ')'"],
    ['a in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    ['a=(', "unable to parse requirement: found '(', expected: identifier"],
    ['!', "unable to parse requirement: found '', expected: identifier"],
    ['!a=b', "found '=', expected: ',' or 'end of string'"],
    ['a=b c', "found 'c', expected: ',' or 'end of string'"],
  ];
  for (const [input, message] of cases) assert.throws(() => parseSelector(input), { message }, input);
});

test('parseSelector: validates keys and values', () => {
  assert.throws(() => parseSelector('Foo_=a'), (e: Error) => {
    assert.match(e.message, /^unable to parse requirement: Invalid value: "Foo_": name part must consist of alphanumeric/);
    return true;
  });
  assert.throws(() => parseSelector('app=a$b'), (e: Error) => {
    assert.match(e.message, /^unable to parse requirement: values\[0\]\[app\]: Invalid value: "a\$b": a valid label must be/);
    return true;
  });
  assert.throws(() => parseSelector(`a=${'x'.repeat(64)}`), /must be no more than 63 characters/);
  assert.throws(() => parseSelector('n>x'), /values\[0\]: Invalid value: "x": for 'Gt', 'Lt' operators, the value must be an integer/);
});

test('matches: semantics per operator', () => {
  const l = { app: 'web', tier: 'fe', n: '10', s: 'abc' };
  const m = (s: string, labels: Record<string, string> = l): boolean => matches(parseSelector(s), labels);
  assert.ok(m('app=web'));
  assert.ok(m('app==web'));
  assert.ok(!m('app=db'));
  assert.ok(m('app!=db'));
  assert.ok(m('missing!=x'), 'NotEquals matches an absent key');
  assert.ok(m('app in (db,web)'));
  assert.ok(!m('missing in (x)'));
  assert.ok(m('app notin (db)'));
  assert.ok(m('missing notin (x)'), 'NotIn matches an absent key');
  assert.ok(!m('app notin (web)'));
  assert.ok(m('tier'));
  assert.ok(!m('missing'));
  assert.ok(m('!missing'));
  assert.ok(!m('!app'));
  assert.ok(m('n>9') && !m('n>10') && m('n<11') && !m('n<10'));
  assert.ok(!m('s>1'), 'non-integer label never matches gt');
  assert.ok(!m('missing>1'));
  assert.ok(m('app=web,tier=fe'));
  assert.ok(!m('app=web,tier=be'));
  assert.ok(m('empty=', { empty: '' }));
  assert.ok(!m('empty=', {}));
  assert.ok(matches(parseSelector('!a'), undefined));
  assert.ok(!matches(parseSelector('a'), null));
});

test('selectorToString round trips through parseSelector', () => {
  const inputs = [
    'a=b', 'a==b', 'a!=b', 'a in (x,y)', 'a notin (x)', 'a', '!a', 'n>1', 'n<1', 'a=',
    'b=1,a=2', 'x in (foo,,baz),y,z notin ()', 'k8s.io/role in (b,a),app=web',
  ];
  for (const input of inputs) {
    const once = selectorToString(parseSelector(input));
    assert.equal(selectorToString(parseSelector(once)), once, input);
    assert.deepEqual(parseSelector(once), parseSelector(input), input);
  }
  assert.equal(selectorToString(parseSelector('b=1,a=2')), 'a=2,b=1');
  assert.equal(selectorToString(parseSelector('x in (foo,,baz),y,z notin ()')), 'x in (,baz,foo),y,z notin ()');
});

test('selectorToString sorts hand-built selectors', () => {
  const sel = { requirements: [newRequirement('b', 'In', ['z', 'y']), newRequirement('a', 'Exists')] };
  assert.equal(selectorToString(sel), 'a,b in (y,z)');
});

test('newRequirement validation', () => {
  assert.throws(() => newRequirement('a', 'In', []), { message: "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty" });
  assert.throws(() => newRequirement('a', 'Equals', ['x', 'y']), /exact-match compatibility requires one single value/);
  assert.throws(() => newRequirement('a', 'Exists', ['x']), { message: 'values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist' });
  assert.throws(() => newRequirement('a', 'GreaterThan', ['1', '2']), {
    message: `values: Invalid value: []string{"1", "2"}: for 'Gt', 'Lt' operators, exactly one value is required`,
  });
  assert.throws(() => newRequirement('bad key', 'Exists'), /^Error: key: Invalid value: "bad key": name part must consist/);
  // Several problems aggregate in brackets, like utilerrors.NewAggregate.
  assert.throws(() => newRequirement('a', 'GreaterThan', ['x$']), /^Error: \[values\[0\]: Invalid value: "x\$": for 'Gt', 'Lt' operators, the value must be an integer, values\[0\]\[a\]: Invalid value: "x\$": a valid label/);
  assert.deepEqual(newRequirement('a', 'In', ['y', 'x']), { key: 'a', operator: 'In', values: ['y', 'x'] });
});

test('selectorFromLabelSelector: nil is nothing, empty is everything', () => {
  const none = selectorFromLabelSelector(undefined);
  assert.ok(isNothing(none));
  assert.ok(!isEverything(none));
  assert.ok(!matches(none, {}));
  assert.ok(!matches(selectorFromLabelSelector(null), { a: 'b' }));
  const all = selectorFromLabelSelector({});
  assert.ok(isEverything(all));
  assert.ok(matches(all, {}));
  assert.ok(isEverything(selectorFromLabelSelector({ matchLabels: {}, matchExpressions: [] })));
  assert.ok(isNothing(nothing()) && isEverything(everything()));
});

test('selectorFromLabelSelector: matchLabels and matchExpressions', () => {
  const sel = selectorFromLabelSelector({
    matchLabels: { tier: 'fe', app: 'web' },
    matchExpressions: [
      { key: 'env', operator: 'In', values: ['prod', 'staging'] },
      { key: 'legacy', operator: 'DoesNotExist' },
      { key: 'zone', operator: 'NotIn', values: ['b'] },
      { key: 'team', operator: 'Exists' },
    ],
  });
  assert.equal(selectorToString(sel), 'app=web,env in (prod,staging),!legacy,team,tier=fe,zone notin (b)');
  assert.ok(matches(sel, { app: 'web', tier: 'fe', env: 'prod', team: 'x' }));
  assert.ok(!matches(sel, { app: 'web', tier: 'fe', env: 'dev', team: 'x' }));
  assert.ok(!matches(sel, { app: 'web', tier: 'fe', env: 'prod', team: 'x', legacy: '1' }));
  assert.ok(!matches(sel, { app: 'web', tier: 'fe', env: 'prod', team: 'x', zone: 'b' }));
});

test('selectorFromLabelSelector: invalid input throws', () => {
  assert.throws(
    () => selectorFromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Gt' as 'In', values: ['1'] }] }),
    { message: '"Gt" is not a valid label selector operator' },
  );
  assert.throws(() => selectorFromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In' }] }), /values set can't be empty/);
  assert.throws(() => selectorFromLabelSelector({ matchLabels: { 'a/b/c': 'x' } }), /key: Invalid value: "a\/b\/c"/);
});

test('labelSelectorToString: what kubectl -o wide shows', () => {
  assert.equal(labelSelectorToString({ matchLabels: { 'pod-template-hash': 'abc', app: 'web' } }), 'app=web,pod-template-hash=abc');
  assert.equal(labelSelectorToString({}), '<none>');
  assert.equal(labelSelectorToString(undefined), '<none>');
  assert.equal(labelSelectorToString({ matchExpressions: [{ key: 'a', operator: 'In' }] }), '<error>');
});

test('selectorFromSet and requiresExactMatch', () => {
  const sel = selectorFromSet({ b: '2', a: '1' });
  assert.equal(selectorToString(sel), 'a=1,b=2');
  assert.ok(isEverything(selectorFromSet({})));
  assert.ok(isEverything(selectorFromSet(undefined)));
  assert.equal(requiresExactMatch(sel, 'b'), '2');
  assert.equal(requiresExactMatch(parseSelector('a in (x)'), 'a'), 'x');
  assert.equal(requiresExactMatch(parseSelector('a in (x,y)'), 'a'), undefined);
  assert.equal(requiresExactMatch(parseSelector('a!=x'), 'a'), undefined);
  assert.equal(requiresExactMatch(sel, 'c'), undefined);
});

test('validateLabels', () => {
  assert.deepEqual(validateLabels({ app: 'web', 'example.com/x': '' }, 'metadata.labels'), []);
  assert.deepEqual(validateLabels(undefined, 'metadata.labels'), []);
  const errs = validateLabels({ Foo_: 'ok', good: '-bad' }, 'metadata.labels');
  assert.equal(errs.length, 2);
  assert.equal(errs[0].type, 'FieldValueInvalid');
  assert.equal(errs[0].field, 'metadata.labels');
  assert.match(errs[0].message, /^Invalid value: "Foo_": name part must consist of alphanumeric characters/);
  assert.match(errs[1].message, /^Invalid value: "-bad": a valid label must be an empty string/);
});

test('validateLabelSelector', () => {
  assert.deepEqual(validateLabelSelector(undefined, 'spec.selector'), []);
  assert.deepEqual(validateLabelSelector({ matchLabels: { app: 'web' } }, 'spec.selector'), []);
  const errs = validateLabelSelector(
    {
      matchLabels: { 'bad key': 'v' },
      matchExpressions: [
        { key: 'a', operator: 'In' },
        { key: 'b', operator: 'Exists', values: ['x'] },
        { key: 'c', operator: 'Gt' as 'In', values: ['-x'] },
      ],
    },
    'spec.selector',
  );
  assert.deepEqual(errs.map((e) => [e.type, e.field]), [
    ['FieldValueInvalid', 'spec.selector.matchLabels'],
    ['FieldValueRequired', 'spec.selector.matchExpressions[0].values'],
    ['FieldValueForbidden', 'spec.selector.matchExpressions[1].values'],
    ['FieldValueInvalid', 'spec.selector.matchExpressions[2].operator'],
    ['FieldValueInvalid', 'spec.selector.matchExpressions[2].values[0]'],
  ]);
  assert.equal(errs[1].message, "Required value: must be specified when `operator` is 'In' or 'NotIn'");
  assert.equal(errs[2].message, "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
  assert.equal(errs[3].message, 'Invalid value: "Gt": not a valid selector operator');
});
