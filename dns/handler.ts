// One DNS message in, one out: cluster names from the in-memory zone, everything
// else through the forwarder, with the header rules (RD/RA/AA, EDNS, truncation
// for UDP) a stub resolver expects.
import dnsPacket, { type Answer, type DecodedPacket, type Packet, type Question } from 'dns-packet';
import { silentLogger, type Logger } from '../client/logger.js';
import { canonicalName, inZone, resolveLocal, type ClusterView, type LocalAnswer, type ZoneConfig } from './records.js';

export type Proto = 'udp' | 'tcp';
export type Source = 'cluster' | 'forward' | 'error';

export const RCODES = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
export type RcodeName = keyof typeof RCODES;

/** What happened to one query, for metrics and debug logs. */
export interface QueryOutcome {
  proto: Proto;
  qtype: string;
  rcode: string;
  source: Source;
  seconds: number;
}

export interface Forward {
  forward(query: Buffer, tcp: boolean): Promise<Buffer | undefined>;
}

export interface HandlerOptions {
  view: ClusterView;
  zone: ZoneConfig;
  forwarder: Forward;
  /** false until the informer caches hold the whole cluster: cluster names get SERVFAIL, not a false NXDOMAIN */
  ready: () => boolean;
  onQuery?: (o: QueryOutcome) => void;
  logger?: Logger;
}

/** Classic DNS UDP limit without EDNS. */
const UDP_MIN = 512;
/** What we advertise and cap at over UDP (the DNS flag day 2020 value, avoids fragmentation). */
const EDNS_UDP_SIZE = 1232;
/** CNAME hops followed inside the zone (ExternalName → another service …). */
const MAX_CNAME_HOPS = 8;

const QR = 0x8000;

function rcodeName(n: number): string {
  return (Object.keys(RCODES) as RcodeName[]).find((k) => RCODES[k] === n) ?? `RCODE_${n}`;
}

function optOf(p: Packet): Extract<Answer, { type: 'OPT' }> | undefined {
  return p.additionals?.find((a): a is Extract<Answer, { type: 'OPT' }> => a.type === 'OPT');
}

function responseOpt(): Answer {
  return { type: 'OPT', name: '.', udpPayloadSize: EDNS_UDP_SIZE, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] };
}

export class QueryHandler {
  private readonly log: Logger;

  constructor(private readonly o: HandlerOptions) {
    this.log = o.logger ?? silentLogger;
  }

  /** The reply to one message, or undefined when it deserves none (a response, or not even a header). */
  async handle(msg: Buffer, proto: Proto): Promise<Buffer | undefined> {
    const started = process.hrtime.bigint();
    let query: DecodedPacket;
    try {
      query = dnsPacket.decode(msg);
    } catch {
      if (msg.length < 12 || msg[2] & 0x80) return undefined;
      return this.finish(headerOnly(msg.readUInt16BE(0), RCODES.FORMERR, msg[2] & 0x01), proto, '?', 'error', started);
    }
    if (query.type === 'response') return undefined;
    const rd = query.flag_rd ? dnsPacket.RECURSION_DESIRED : 0;
    const opcode = (query as DecodedPacket & { opcode?: string }).opcode;
    const q = query.questions?.[0];
    if (opcode !== 'QUERY') return this.finish(this.reply(query, RCODES.NOTIMP, rd), proto, q?.type ?? '?', 'error', started);
    if (!q || query.questions!.length !== 1) return this.finish(this.reply(query, RCODES.FORMERR, rd), proto, q?.type ?? '?', 'error', started);

    const local = this.cluster(q);
    if (local === 'unready') return this.finish(this.reply(query, RCODES.SERVFAIL, rd), proto, q.type, 'error', started);
    if (local) {
      const answers = [...local.answers];
      await this.chaseCname(q, answers, proto);
      const out = this.encode(query, RCODES[local.rcode], rd | dnsPacket.AUTHORITATIVE_ANSWER, {
        answers, authorities: local.authorities, additionals: local.additionals,
      });
      return this.finish(this.fit(out, query, proto), proto, q.type, 'cluster', started);
    }
    const upstream = await this.o.forwarder.forward(msg, proto === 'tcp');
    if (!upstream) return this.finish(this.reply(query, RCODES.SERVFAIL, rd), proto, q.type, 'error', started);
    return this.finish(this.fit(upstream, query, proto), proto, q.type, 'forward', started);
  }

  /** The zone's answer; 'unready' before the caches synced; undefined when the name is not the cluster's. */
  private cluster(q: Question): LocalAnswer | 'unready' | undefined {
    const ours = inZone(q.name, this.o.zone.domain);
    if (!this.o.ready()) return ours ? 'unready' : undefined;
    return resolveLocal(q, this.o.view, this.o.zone);
  }

  /**
   * A CNAME answer (ExternalName) is followed like a recursive resolver would, so a
   * stub gets addresses: in the zone locally, elsewhere through the upstreams.
   */
  private async chaseCname(q: Question, answers: Answer[], proto: Proto): Promise<void> {
    if (q.type === 'CNAME' || (q.type as string) === 'ANY') return;
    const seen = new Set<string>([canonicalName(q.name)]);
    for (let hop = 0; hop < MAX_CNAME_HOPS; hop++) {
      const last = answers[answers.length - 1];
      if (!last || last.type !== 'CNAME') return;
      const target = canonicalName(last.data);
      if (seen.has(target)) return;
      seen.add(target);
      const next: Question = { name: target, type: q.type };
      if (inZone(target, this.o.zone.domain)) {
        const local = resolveLocal(next, this.o.view, this.o.zone);
        if (!local) return;
        answers.push(...local.answers);
        continue;
      }
      const buf = await this.o.forwarder.forward(dnsPacket.encode({ type: 'query', id: 0, flags: dnsPacket.RECURSION_DESIRED, questions: [next] }), proto === 'tcp');
      if (!buf) return;
      try {
        answers.push(...(dnsPacket.decode(buf).answers ?? []));
      } catch (e) {
        this.log.debug({ target, err: (e as Error).message }, 'cannot decode the answer for a CNAME target');
      }
      return;
    }
  }

  private reply(query: DecodedPacket, rcode: number, flags: number): Buffer {
    return this.encode(query, rcode, flags, {});
  }

  private encode(query: DecodedPacket, rcode: number, flags: number, sections: Pick<Packet, 'answers' | 'authorities' | 'additionals'>): Buffer {
    const additionals = [...(sections.additionals ?? [])];
    if (optOf(query)) additionals.push(responseOpt());
    return dnsPacket.encode({
      type: 'response',
      id: query.id,
      flags: flags | dnsPacket.RECURSION_AVAILABLE | rcode,
      questions: query.questions,
      answers: sections.answers ?? [],
      authorities: sections.authorities ?? [],
      additionals,
    });
  }

  /**
   * Over UDP an answer must fit what the client takes. Like CoreDNS, the additional
   * section goes first (no TC needed), then trailing answers with TC set: a client
   * without TCP fallback still gets usable records, one with it retries over TCP.
   */
  private fit(out: Buffer, query: DecodedPacket, proto: Proto): Buffer {
    if (proto === 'tcp') return out;
    const opt = optOf(query);
    const limit = opt ? Math.min(Math.max(opt.udpPayloadSize, UDP_MIN), EDNS_UDP_SIZE) : UDP_MIN;
    if (out.length <= limit) return out;
    const flags = out.readUInt16BE(2) & 0x7fff;
    let answers: Answer[] = [];
    let authorities: Answer[] = [];
    try {
      const decoded = dnsPacket.decode(out);
      answers = decoded.answers ?? [];
      authorities = decoded.authorities ?? [];
    } catch {
      // An upstream record dns-packet cannot read: send the empty truncated reply.
    }
    const additionals = opt ? [responseOpt()] : [];
    const packet = (n: number, tc: boolean): Packet => ({
      type: 'response', id: query.id, flags: tc ? flags | dnsPacket.TRUNCATED_RESPONSE : flags, questions: query.questions,
      answers: answers.slice(0, n), authorities: tc ? [] : authorities, additionals,
    });
    const whole = packet(answers.length, false);
    if (dnsPacket.encodingLength(whole) <= limit) return dnsPacket.encode(whole);
    let lo = 0;
    let hi = answers.length - 1;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (dnsPacket.encodingLength(packet(mid, true)) <= limit) lo = mid;
      else hi = mid - 1;
    }
    return dnsPacket.encode(packet(Math.max(lo, 0), true));
  }

  private finish(out: Buffer, proto: Proto, qtype: string, source: Source, started: bigint): Buffer {
    const rcode = rcodeName(out.length >= 4 ? out[3] & 0x0f : 0);
    this.o.onQuery?.({ proto, qtype, rcode, source, seconds: Number(process.hrtime.bigint() - started) / 1e9 });
    return out;
  }
}

/** A bare header reply, for messages too broken to decode past it. */
function headerOnly(id: number, rcode: number, rd: number): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt16BE(id, 0);
  b.writeUInt16BE(QR | (rd ? 0x0100 : 0) | 0x0080 | rcode, 2);
  return b;
}
