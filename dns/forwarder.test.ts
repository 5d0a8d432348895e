// The forwarder against small upstream servers on loopback (UDP and TCP, random ports).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';
import { Forwarder } from './forwarder.js';

type Behaviour = 'answer' | 'silent' | 'truncate' | 'servfail' | 'wrong-id';

interface Fake {
  port: number;
  udpQueries: number;
  tcpQueries: number;
  close(): Promise<void>;
}

function reply(msg: Buffer, ip: string, rcode = 0, tc = false): Buffer {
  const q = dnsPacket.decode(msg);
  return dnsPacket.encode({
    type: 'response', id: q.id, flags: dnsPacket.RECURSION_AVAILABLE | rcode | (tc ? dnsPacket.TRUNCATED_RESPONSE : 0), questions: q.questions,
    answers: tc ? [] : [{ type: 'A', name: q.questions![0].name, ttl: 30, data: ip }],
  });
}

const fakes: Fake[] = [];
after(async () => {
  for (const f of fakes) await f.close();
});

async function fake(udpBehaviour: Behaviour, ip: string): Promise<Fake> {
  const udp = dgram.createSocket('udp4');
  await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
  const port = udp.address().port;
  const f: Fake = {
    port, udpQueries: 0, tcpQueries: 0,
    close: async () => {
      await new Promise<void>((r) => udp.close(() => r()));
      await new Promise<void>((r) => tcp.close(() => r()));
    },
  };
  udp.on('message', (msg, rinfo) => {
    f.udpQueries++;
    if (udpBehaviour === 'silent') return;
    let out = reply(msg, ip, udpBehaviour === 'servfail' ? 2 : 0, udpBehaviour === 'truncate');
    if (udpBehaviour === 'wrong-id') {
      out = Buffer.from(out);
      out.writeUInt16BE((out.readUInt16BE(0) + 1) & 0xffff, 0);
    }
    udp.send(out, rinfo.port, rinfo.address);
  });
  const tcp = net.createServer((s) => {
    s.on('data', (d: Buffer) => {
      f.tcpQueries++;
      const out = reply(d.subarray(2, 2 + d.readUInt16BE(0)), ip);
      const len = Buffer.alloc(2);
      len.writeUInt16BE(out.length);
      s.end(Buffer.concat([len, out]));
    });
  });
  await new Promise<void>((r) => tcp.listen(port, '127.0.0.1', () => r()));
  fakes.push(f);
  return f;
}

function q(name: string, id = 777): Buffer {
  return dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type: 'A' }] });
}

function ipOf(b: Buffer | undefined): string | undefined {
  return (dnsPacket.decode(b!).answers?.[0] as { data: string } | undefined)?.data;
}

test('answers from the first upstream, with the client\'s ID restored', async () => {
  const a = await fake('answer', '192.0.2.1');
  const fw = new Forwarder({ upstreams: () => [{ host: '127.0.0.1', port: a.port }], timeoutMs: 1000 });
  const out = await fw.forward(q('example.com', 31337), false);
  assert.equal(dnsPacket.decode(out!).id, 31337);
  assert.equal(ipOf(out), '192.0.2.1');
});

test('a silent upstream times out and the next one answers; the good one is tried first afterwards', async () => {
  const dead = await fake('silent', '192.0.2.9');
  const good = await fake('answer', '192.0.2.2');
  const fw = new Forwarder({ upstreams: () => [{ host: '127.0.0.1', port: dead.port }, { host: '127.0.0.1', port: good.port }], timeoutMs: 200 });
  const t0 = Date.now();
  assert.equal(ipOf(await fw.forward(q('a.example'), false)), '192.0.2.2');
  assert.ok(Date.now() - t0 >= 190);
  assert.equal(ipOf(await fw.forward(q('b.example'), false)), '192.0.2.2');
  assert.equal(dead.udpQueries, 1, 'the second query skipped the dead upstream');
});

test('a truncated UDP answer is retried over TCP; TCP queries go over TCP', async () => {
  const tc = await fake('truncate', '192.0.2.3');
  const fw = new Forwarder({ upstreams: () => [{ host: '127.0.0.1', port: tc.port }], timeoutMs: 1000 });
  assert.equal(ipOf(await fw.forward(q('big.example'), false)), '192.0.2.3');
  assert.deepEqual([tc.udpQueries, tc.tcpQueries], [1, 1]);
  assert.equal(ipOf(await fw.forward(q('big.example'), true)), '192.0.2.3');
  assert.deepEqual([tc.udpQueries, tc.tcpQueries], [1, 2]);
});

test('answers with the wrong ID are ignored; SERVFAIL is returned only when nothing better came; none → undefined', async () => {
  const wrong = await fake('wrong-id', '192.0.2.4');
  const sf = await fake('servfail', '192.0.2.5');
  const fw1 = new Forwarder({ upstreams: () => [{ host: '127.0.0.1', port: wrong.port }], timeoutMs: 200 });
  assert.equal(await fw1.forward(q('x.example'), false), undefined);
  const fw2 = new Forwarder({ upstreams: () => [{ host: '127.0.0.1', port: sf.port }], timeoutMs: 200 });
  const out = await fw2.forward(q('x.example'), false);
  assert.equal(out![3] & 0x0f, 2);
  const good = await fake('answer', '192.0.2.6');
  const fw3 = new Forwarder({ upstreams: () => [{ host: '127.0.0.1', port: sf.port }, { host: '127.0.0.1', port: good.port }], timeoutMs: 200 });
  assert.equal(ipOf(await fw3.forward(q('x.example'), false)), '192.0.2.6');
  const fw4 = new Forwarder({ upstreams: () => [], timeoutMs: 200 });
  assert.equal(await fw4.forward(q('x.example'), false), undefined);
});
