import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildModel, ModelBuilder } from '../model.js';
import { endpoints, lookup, service } from '../testdata.js';
import {
  buildNftPlan, changedUnits, commitChanges, renderNftChanges, renderNftFull, renderNftIncremental, type NftConfig, type NftPlan,
} from './render.js';

const cfg: NftConfig = {
  table: 'kubelite', clusterCIDR: '10.244.0.0/16', serviceCIDR: '10.96.0.0/12', serviceBridge: 'kube-svc0', masqueradeMark: 0x4000,
};

function chainOf(text: string, prefix: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim().startsWith(`chain ${prefix}`) && l.trim().endsWith('{'));
  assert.ok(start >= 0, `no chain ${prefix}`);
  const out: string[] = [];
  for (let i = start + 1; lines[i].trim() !== '}'; i++) out.push(lines[i].trim());
  return out;
}

test('full sync: a plain ClusterIP jumps to a shared pick chain that DNATs through the endpoints map', () => {
  const m = buildModel([service('web', '10.96.0.10'), service('api', '10.96.0.11')],
    lookup([endpoints('web', ['10.244.1.2', '10.244.1.3', '10.244.1.4']), endpoints('api', ['10.244.2.2', '10.244.2.3', '10.244.2.4'])]), { nodeName: 'node-a' });
  const plan = buildNftPlan(m, cfg);
  const text = renderNftFull(plan, cfg);
  assert.match(text, /^add table ip kubelite\nflush table ip kubelite\n/);
  // off-cluster clients of any ClusterIP are masqueraded by one postrouting rule
  assert.match(text, /nat-postrouting ct status dnat ct original ip daddr 10\.96\.0\.0\/12 ip saddr != 10\.244\.0\.0\/16 meta mark set meta mark \| 0x4000/);
  assert.match(text, /add rule ip kubelite services ip daddr \. meta l4proto \. th dport vmap @service-ips/);
  for (const proto of ['tcp', 'udp', 'sctp']) {
    assert.ok(text.includes(`map service-endpoints-${proto} { typeof ip daddr . ${proto} dport . numgen random mod 1 : ip daddr . ${proto} dport; }`), proto);
    assert.ok(text.includes(`flush map ip kubelite service-endpoints-${proto}`), proto);
  }
  // both services share one chain: same protocol, same number of endpoints
  assert.deepEqual(chainOf(text, 'pick-tcp-3'), [
    'meta l4proto tcp dnat ip addr . port to ip daddr . tcp dport . numgen random mod 3 map @service-endpoints-tcp',
  ]);
  assert.equal((text.match(/^chain /gm) ?? []).length, 1);
  assert.match(text, /add element ip kubelite service-ips \{ 10\.96\.0\.10 \. tcp \. 80 : goto pick-tcp-3, 10\.96\.0\.11 \. tcp \. 80 : goto pick-tcp-3 \}/);
  assert.ok(text.includes('add element ip kubelite service-endpoints-tcp { 10.96.0.10 . 80 . 0 : 10.244.1.2 . 8080, 10.96.0.10 . 80 . 1 : 10.244.1.3 . 8080, 10.96.0.10 . 80 . 2 : 10.244.1.4 . 8080, 10.96.0.11 . 80 . 0 : 10.244.2.2 . 8080, '));
  // the map is filled before the verdicts that lead to it
  assert.ok(text.indexOf('add element ip kubelite service-endpoints-tcp') < text.indexOf('add element ip kubelite service-ips'));
  // The layout that scales: no anonymous sets or maps, no per-endpoint chains.
  assert.doesNotMatch(text, /vmap \{|map \{ *\d|@?\{ *\d+\.\d+\.\d+\.\d+ *,/);
  assert.equal(plan.chains, 1);
  assert.equal(plan.rules, 1);
  // local endpoints may hairpin
  assert.match(text, /add element ip kubelite hairpin \{ 10\.244\.1\.2 \. 10\.244\.1\.2, /);
  // the service-CIDR guard sits in the filter hooks
  assert.match(text, /filter-output ip daddr 10\.96\.0\.0\/12 oifname != "kube-svc0" fib daddr type != local reject/);
  assert.match(text, /filter-forward ip daddr 10\.96\.0\.0\/12 oifname != "kube-svc0"/);
  assert.match(text, /filter-output ip daddr 10\.96\.0\.0\/12 oifname "kube-svc0" reject/);
});

test('a service reached from outside gets its own chain of cascaded numgen DNATs', () => {
  const svc = service('web', '10.96.0.10', { type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort: 30009 }] });
  const plan = buildNftPlan(buildModel([svc], lookup([endpoints('web', ['10.244.1.2', '10.244.1.3', '10.244.1.4'])])), cfg);
  const text = renderNftFull(plan, cfg);
  assert.match(text, /add element ip kubelite service-ips \{ 10\.96\.0\.10 \. tcp \. 80 : goto svc-[A-Z0-9]{8}-default\/web\/tcp\/http \}/);
  assert.deepEqual(chainOf(text, 'svc-'), [
    'numgen random mod 3 0 meta l4proto tcp dnat ip to 10.244.1.2:8080',
    'numgen random mod 2 0 meta l4proto tcp dnat ip to 10.244.1.3:8080',
    'meta l4proto tcp dnat ip to 10.244.1.4:8080',
  ]);
  assert.doesNotMatch(text, /chain pick-/);
  assert.doesNotMatch(text, /add element ip kubelite service-endpoints/);
  assert.equal(plan.picks.size, 0);
  assert.equal(plan.chains, 2);
  assert.equal(plan.rules, 5);
});

test('a service without endpoints is rejected instead of DNATed', () => {
  const m = buildModel([service('empty', '10.96.0.11', { type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort: 30001 }] })], lookup([]));
  const text = renderNftFull(buildNftPlan(m, cfg), cfg);
  assert.match(text, /add element ip kubelite no-endpoint-services \{ 10\.96\.0\.11 \. tcp \. 80 \}/);
  assert.match(text, /add element ip kubelite no-endpoint-nodeports \{ tcp \. 30001 \}/);
  assert.doesNotMatch(text, /add element ip kubelite service-ips/);
  assert.doesNotMatch(text, /chain svc-/);
  assert.match(text, /reject-chain meta l4proto tcp reject with tcp reset/);
});

test('NodePort and LoadBalancer traffic goes through an ext chain that masquerades', () => {
  const svc = service('lb', '10.96.0.12', { type: 'LoadBalancer', ports: [{ name: 'http', port: 80, nodePort: 30002 }] });
  svc.status = { loadBalancer: { ingress: [{ ip: '127.0.0.42' }] } };
  const m = buildModel([svc], lookup([endpoints('lb', ['10.244.1.2'])]));
  const text = renderNftFull(buildNftPlan(m, cfg), cfg);
  assert.match(text, /127\.0\.0\.42 \. tcp \. 80 : goto ext-/);
  assert.match(text, /service-nodeports \{ tcp \. 30002 : goto ext-/);
  assert.deepEqual(chainOf(text, 'ext-'), ['meta mark set meta mark | 0x4000', `goto ${/chain (svc-\S+)/.exec(text)![1]}`]);
  assert.match(text, /services fib daddr type local meta l4proto \. th dport vmap @service-nodeports/);
});

test('externalTrafficPolicy Local: pods and the node get the service, others only local endpoints', () => {
  const svc = service('loc', '10.96.0.13', { type: 'NodePort', externalTrafficPolicy: 'Local', ports: [{ name: 'http', port: 80, nodePort: 30003 }] });
  const eps = endpoints('loc', ['10.244.1.2'], { nodeName: 'node-a' });
  eps.subsets!.push({ addresses: [{ ip: '10.244.2.2', nodeName: 'node-b' }], ports: [{ name: 'http', port: 8080 }] });
  const text = renderNftFull(buildNftPlan(buildModel([svc], lookup([eps]), { nodeName: 'node-a' }), cfg), cfg);
  const ext = chainOf(text, 'ext-');
  assert.match(ext[0], /^ip saddr 10\.244\.0\.0\/16 goto svc-/);
  assert.match(ext[1], /^fib saddr type local meta mark set meta mark \| 0x4000 goto svc-/);
  assert.deepEqual(ext.slice(2), ['meta l4proto tcp dnat ip to 10.244.1.2:8080']);
  // no local endpoint: outside traffic is dropped
  const none = renderNftFull(buildNftPlan(buildModel([svc], lookup([eps]), { nodeName: 'node-c' }), cfg), cfg);
  assert.equal(chainOf(none, 'ext-').at(-1), 'drop');
});

test('ClientIP affinity: a timed dynamic set per endpoint, checked before the random split', () => {
  const svc = service('aff', '10.96.0.14', { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 600 } } });
  const text = renderNftFull(buildNftPlan(buildModel([svc], lookup([endpoints('aff', ['10.244.1.2', '10.244.1.3'])])), cfg), cfg);
  const sets = [...text.matchAll(/set (aff-[A-Z0-9]+) \{ type ipv4_addr; flags dynamic,timeout; timeout 600s; \}/g)].map((x) => x[1]);
  assert.equal(sets.length, 2);
  const rules = chainOf(text, 'svc-');
  assert.equal(rules[0], `ip saddr @${sets[0]} meta l4proto tcp update @${sets[0]} { ip saddr } dnat ip to 10.244.1.2:8080`);
  assert.equal(rules[2], `numgen random mod 2 0 meta l4proto tcp update @${sets[0]} { ip saddr } dnat ip to 10.244.1.2:8080`);
  assert.equal(rules[3], `meta l4proto tcp update @${sets[1]} { ip saddr } dnat ip to 10.244.1.3:8080`);
  // services without affinity have no sets at all
  const plain = renderNftFull(buildNftPlan(buildModel([service('p', '10.96.0.15')], lookup([endpoints('p', ['10.244.1.2'])])), cfg), cfg);
  assert.doesNotMatch(plain, /set aff-/);
});

test('full sync deletes what the kernel holds beyond the plan, and keeps affinity sets it still wants', () => {
  const svc = service('aff', '10.96.0.14', { sessionAffinity: 'ClientIP' });
  const plan = buildNftPlan(buildModel([svc], lookup([endpoints('aff', ['10.244.1.2'])])), cfg);
  const keep = [...plan.units.values()][0].affinitySets[0][0];
  const text = renderNftFull(plan, cfg, { chains: ['services', 'svc-OLD-default/x/tcp/80'], sets: [keep, 'aff-OLD'] });
  assert.match(text, /delete chain ip kubelite svc-OLD-default\/x\/tcp\/80/);
  assert.match(text, /delete set ip kubelite aff-OLD/);
  assert.doesNotMatch(text, new RegExp(`delete set ip kubelite ${keep}`));
  assert.doesNotMatch(text, /delete chain ip kubelite services/);
});

test('incremental: a plain ClusterIP whose endpoints change only swaps map elements; nothing changed renders nothing', () => {
  const svcs = [service('a', '10.96.0.20'), service('b', '10.96.0.21')];
  const eps1 = [endpoints('a', ['10.244.1.2', '10.244.1.3']), endpoints('b', ['10.244.1.4', '10.244.1.5'])];
  const here = { nodeName: 'node-a' };
  const p1 = buildNftPlan(buildModel(svcs, lookup(eps1), here), cfg);
  assert.equal(renderNftIncremental(p1, buildNftPlan(buildModel(svcs, lookup(eps1), here), cfg, p1), cfg), '');
  const eps2 = [endpoints('a', ['10.244.1.2', '10.244.1.9']), endpoints('b', ['10.244.1.4', '10.244.1.5'])];
  const text = renderNftIncremental(p1, buildNftPlan(buildModel(svcs, lookup(eps2), here), cfg, p1), cfg);
  // no rule and no verdict changes: nothing for the kernel to re-validate
  assert.deepEqual(text.trim().split('\n'), [
    'delete element ip kubelite service-endpoints-tcp { 10.96.0.20 . 80 . 1 }',
    'delete element ip kubelite hairpin { 10.244.1.3 . 10.244.1.3 }',
    'add element ip kubelite service-endpoints-tcp { 10.96.0.20 . 80 . 1 : 10.244.1.9 . 8080 }',
    'add element ip kubelite hairpin { 10.244.1.9 . 10.244.1.9 }',
  ]);
});

test('incremental: a new endpoint count moves the VIP to another pick chain, made and dropped as needed', () => {
  const svcs = [service('a', '10.96.0.20'), service('b', '10.96.0.21')];
  const p1 = buildNftPlan(buildModel(svcs, lookup([endpoints('a', ['10.244.1.2', '10.244.1.3']), endpoints('b', ['10.244.1.4', '10.244.1.5'])])), cfg);
  const p2 = buildNftPlan(buildModel(svcs, lookup([endpoints('a', ['10.244.1.2', '10.244.1.3', '10.244.1.6']), endpoints('b', ['10.244.1.4', '10.244.1.5'])])), cfg, p1);
  const grow = renderNftIncremental(p1, p2, cfg).trim().split('\n');
  assert.deepEqual(grow, [
    'delete element ip kubelite service-ips { 10.96.0.20 . tcp . 80 }',
    'add chain ip kubelite pick-tcp-3',
    // an `add rule`, so nft loads the set it names
    'add rule ip kubelite pick-tcp-3 meta l4proto tcp dnat ip addr . port to ip daddr . tcp dport . numgen random mod 3 map @service-endpoints-tcp',
    'add element ip kubelite service-endpoints-tcp { 10.96.0.20 . 80 . 2 : 10.244.1.6 . 8080 }',
    'add element ip kubelite service-ips { 10.96.0.20 . tcp . 80 : goto pick-tcp-3 }',
  ]);
  // b still uses pick-tcp-2; once it grows too, pick-tcp-2 goes
  const p3 = buildNftPlan(buildModel(svcs, lookup([endpoints('a', ['10.244.1.2', '10.244.1.3', '10.244.1.6']), endpoints('b', ['10.244.1.4', '10.244.1.5', '10.244.1.7'])])), cfg, p2);
  const lines = renderNftIncremental(p2, p3, cfg).trim().split('\n');
  const idx = (l: string): number => lines.indexOf(l);
  assert.ok(idx('delete element ip kubelite service-ips { 10.96.0.21 . tcp . 80 }') === 0, lines.join('\n'));
  assert.ok(idx('flush chain ip kubelite pick-tcp-2') > 0 && idx('flush chain ip kubelite pick-tcp-2') < idx('delete chain ip kubelite pick-tcp-2'));
  assert.ok(!lines.some((l) => /add (chain|rule) ip kubelite pick-tcp-3/.test(l)), 'pick-tcp-3 exists already');
  assert.equal(lines.at(-1), 'add element ip kubelite service-ips { 10.96.0.21 . tcp . 80 : goto pick-tcp-3 }');
  assert.deepEqual([...p3.picks], [['pick-tcp-3', 2]]);
});

test('incremental: a chain of its own is rewritten as a chain body', () => {
  const np = (name: string, ip: string, nodePort: number) => service(name, ip, { type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort }] });
  const svcs = [np('a', '10.96.0.20', 30020), np('b', '10.96.0.21', 30021)];
  const p1 = buildNftPlan(buildModel(svcs, lookup([endpoints('a', ['10.244.1.2', '10.244.1.3']), endpoints('b', ['10.244.1.4'])])), cfg);
  const text = renderNftIncremental(p1, buildNftPlan(buildModel(svcs, lookup([endpoints('a', ['10.244.1.2']), endpoints('b', ['10.244.1.4'])])), cfg, p1), cfg);
  assert.deepEqual(text.trim().split('\n').map((l) => l.replace(/svc-\S+/, 'SVC')), [
    'flush chain ip kubelite SVC',
    // a chain body, not `add rule`, so nft need not load every chain of the table
    'add chain ip kubelite SVC {',
    '\tmeta l4proto tcp dnat ip to 10.244.1.2:8080',
    '}',
  ]);
  assert.match(text, /svc-\S+-default\/a\/tcp\/http/);
});

test('incremental: chains whose rules name affinity sets stay `add rule`s (a chain body would not find the sets)', () => {
  const svcs = [service('aff', '10.96.0.22', { sessionAffinity: 'ClientIP' })];
  const p1 = buildNftPlan(buildModel(svcs, lookup([endpoints('aff', ['10.244.1.2', '10.244.1.3'])])), cfg);
  const p2 = buildNftPlan(buildModel(svcs, lookup([endpoints('aff', ['10.244.1.2'])])), cfg, p1);
  const lines = renderNftIncremental(p1, p2, cfg).trim().split('\n');
  assert.ok(lines.includes(lines.find((l) => /^flush chain ip kubelite svc-\S+default\/aff/.test(l)) ?? 'missing flush'));
  assert.ok(lines.some((l) => /^add rule ip kubelite svc-\S+ ip saddr @aff-\S+ meta l4proto tcp update @aff-/.test(l)));
  assert.ok(!lines.some((l) => /^add chain ip kubelite svc-/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /^delete set ip kubelite aff-/.test(l)));
});

test('incremental: a deleted service loses its map elements, chains and sets; endpoints going to zero switch to reject', () => {
  const svcs = [service('a', '10.96.0.20', { type: 'NodePort', sessionAffinity: 'ClientIP', ports: [{ name: 'http', port: 80, nodePort: 30010 }] }), service('b', '10.96.0.21')];
  const eps = [endpoints('a', ['10.244.1.2']), endpoints('b', ['10.244.1.4'])];
  const p1 = buildNftPlan(buildModel(svcs, lookup(eps)), cfg);
  const p2 = buildNftPlan(buildModel([svcs[1]], lookup([])), cfg, p1);
  const text = renderNftIncremental(p1, p2, cfg);
  const lines = text.trim().split('\n');
  const idx = (re: RegExp): number => lines.findIndex((l) => re.test(l));
  assert.equal(idx(/^delete element ip kubelite service-ips \{ /), 0);
  assert.match(lines[0], /10\.96\.0\.20 \. tcp \. 80/);
  assert.match(lines[0], /10\.96\.0\.21 \. tcp \. 80/);
  assert.ok(idx(/^delete element ip kubelite service-nodeports \{ tcp \. 30010 \}$/) > 0);
  // flushed before deleted, sets deleted after the rules using them are gone
  assert.ok(idx(/^flush chain ip kubelite ext-\S+default\/a/) < idx(/^delete chain ip kubelite svc-\S+default\/a/));
  assert.ok(idx(/^delete chain ip kubelite svc-\S+default\/a/) < idx(/^delete set ip kubelite aff-/));
  // b used the shared pick chain, which nobody needs any more
  assert.ok(idx(/^delete element ip kubelite service-endpoints-tcp \{ 10\.96\.0\.21 \. 80 \. 0 \}$/) > 0);
  assert.ok(idx(/^delete chain ip kubelite pick-tcp-1$/) > 0);
  assert.equal(lines.at(-1), 'add element ip kubelite no-endpoint-services { 10.96.0.21 . tcp . 80 }');
});

test('a restricted --nodeport-addresses uses an interval set', () => {
  const c = { ...cfg, nodePortAddresses: ['127.0.0.0/8', '10.250.0.0/24'] };
  const text = renderNftFull(buildNftPlan(buildModel([], lookup([])), c), c);
  assert.match(text, /set nodeport-addresses \{ type ipv4_addr; flags interval; \}/);
  assert.match(text, /fib daddr type local ip daddr @nodeport-addresses meta l4proto \. th dport vmap @service-nodeports/);
  assert.match(text, /add element ip kubelite nodeport-addresses \{ 127\.0\.0\.0\/8, 10\.250\.0\.0\/24 \}/);
});

/** What a plan holds, without the model objects and bookkeeping: equal for equal tables. */
function content(plan: NftPlan): unknown {
  const units = [...plan.units].sort(([a], [b]) => a.localeCompare(b)).map(([k, u]) => {
    const { model: _m, pass: _p, ...rest } = u;
    return [k, rest];
  });
  const sorted = (m: Map<string, number>) => [...m].sort(([a], [b]) => a.localeCompare(b));
  return { units, hairpin: sorted(plan.hairpin), picks: sorted(plan.picks), rules: plan.rules, chains: plan.chains };
}

test('changedUnits: one pass finds exactly the changed, added and removed ports, and the plan it commits equals a fresh one', () => {
  let seed = 7;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const here = { nodeName: 'node-a' };
  const makeSvc = (i: number, v: number) => {
    const kind = (i + v) % 4;
    if (kind === 1) return service(`s${i}`, `10.96.1.${i}`, { type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort: 30100 + i }] });
    if (kind === 2) return service(`s${i}`, `10.96.1.${i}`, { sessionAffinity: 'ClientIP' });
    return service(`s${i}`, `10.96.1.${i}`);
  };
  const makeEps = (i: number, v: number) => endpoints(`s${i}`, Array.from({ length: (i + v) % 4 }, (_, j) => `10.244.${i}.${j + v}`), { nodeName: v % 2 ? 'node-a' : 'node-b' });
  // informer-style: objects are replaced only when they change
  const svcs = new Map<number, ReturnType<typeof service>>();
  const eps = new Map<number, ReturnType<typeof endpoints>>();
  for (let i = 0; i < 12; i++) {
    svcs.set(i, makeSvc(i, 0));
    eps.set(i, makeEps(i, 0));
  }
  const builder = new ModelBuilder(here);
  const model = () => builder.build([...svcs.values()], (_ns, name) => eps.get(Number(name.slice(1))));
  const applied = buildNftPlan(model(), cfg);
  assert.deepEqual(changedUnits(applied, model(), cfg), []);
  for (let step = 1; step <= 60; step++) {
    const touched = new Set<number>();
    for (let n = rnd(3) + 1; n > 0; n--) {
      const i = rnd(14);
      touched.add(i);
      const what = rnd(4);
      if (what === 0) svcs.delete(i);
      else if (what === 1) svcs.set(i, makeSvc(i, step));
      else eps.set(i, makeEps(i, step));
    }
    const m = model();
    const changes = changedUnits(applied, m, cfg);
    assert.ok(changes, 'keys are unique');
    for (const c of changes) assert.ok(touched.has(Number(c.key.split('/')[1].split(':')[0].slice(1))), `${c.key} was not touched`);
    const text = renderNftChanges(applied, changes, cfg);
    assert.equal(text === '', changes.length === 0);
    commitChanges(applied, changes);
    assert.deepEqual(content(applied), content(buildNftPlan(m, cfg)), `step ${step}`);
    assert.deepEqual(changedUnits(applied, m, cfg), [], 'a second pass over the same model finds nothing');
  }
});

test('changedUnits: two ports sharing a key hand the decision to a whole-plan diff', () => {
  const svc = service('dup', '10.96.0.30', { ports: [{ port: 80, protocol: 'TCP' }, { port: 81, protocol: 'TCP' }] });
  const one = service('dup', '10.96.0.30', { ports: [{ port: 80, protocol: 'TCP' }] });
  const eps = lookup([endpoints('dup', ['10.244.1.2'], { portName: '' })]);
  const applied = buildNftPlan(buildModel([one], eps), cfg);
  assert.equal(changedUnits(applied, buildModel([svc], eps), cfg), undefined);
  assert.equal(changedUnits(buildNftPlan(buildModel([svc], eps), cfg), buildModel([svc], eps), cfg), undefined);
});
