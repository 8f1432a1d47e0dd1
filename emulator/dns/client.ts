/**
 * A tiny stub resolver for one configured server: ask one question over UDP (falling back to TCP
 * when the answer is truncated) or TCP, and classify the outcome the way validation reports it.
 */
import * as dgram from "node:dgram";
import * as net from "node:net";
import { randomInt } from "node:crypto";
import * as dnsPacket from "dns-packet";
import type { Answer, DecodedPacket, RecordType } from "dns-packet";
import { normalizeName } from "./names";

export type DnsErrorKind = "NXDOMAIN" | "NODATA" | "TIMEOUT" | "SERVFAIL" | "REFUSED" | "NETWORK";

export type DnsQueryResult =
  | {
      ok: true;
      /** Records of the asked type (after following CNAMEs in the answer section). */
      answers: Answer[];
      /** The whole answer section, CNAMEs included. */
      allAnswers: Answer[];
      /** The AA flag: the server is authoritative for the name. */
      authoritative: boolean;
    }
  | { ok: false; kind: DnsErrorKind; message: string };

export interface DnsQueryOptions {
  /** Per-attempt budget (default 2000 ms). */
  timeoutMs?: number;
  /** Ask over TCP from the start. */
  tcp?: boolean;
}

/** Split `host:port` (IPv6 as `[::1]:53`). */
export function parseHostPort(server: string, defaultPort = 53): { host: string; port: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(server);
  if (bracketed) return { host: bracketed[1] ?? "", port: bracketed[2] ? Number(bracketed[2]) : defaultPort };
  const index = server.lastIndexOf(":");
  if (index > 0 && server.indexOf(":") === index) return { host: server.slice(0, index), port: Number(server.slice(index + 1)) };
  return { host: server, port: defaultPort };
}

class DnsTimeout extends Error {}

function withTimeout<T>(timeoutMs: number, start: (finish: (error: Error | undefined, value?: T) => void) => () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let cleanup: () => void = () => undefined;
    const timer = setTimeout(() => finish(new DnsTimeout(`no answer within ${timeoutMs} ms`)), timeoutMs);
    let done = false;
    function finish(error: Error | undefined, value?: T): void {
      if (done) return;
      done = true;
      clearTimeout(timer);
      cleanup();
      if (error) reject(error);
      else resolve(value as T);
    }
    cleanup = start(finish);
  });
}

function askUdp(host: string, port: number, query: Buffer, id: number, timeoutMs: number): Promise<DecodedPacket> {
  return withTimeout(timeoutMs, (finish) => {
    const socket = dgram.createSocket(net.isIPv6(host) ? "udp6" : "udp4");
    socket.on("error", (error) => finish(error));
    socket.on("message", (message) => {
      try {
        const packet = dnsPacket.decode(message);
        if (packet.id === id) finish(undefined, packet);
      } catch {
        // Garbage on our port: keep waiting for the real answer.
      }
    });
    socket.send(query, port, host);
    return () => socket.close();
  });
}

function askTcp(host: string, port: number, query: Buffer, id: number, timeoutMs: number): Promise<DecodedPacket> {
  return withTimeout(timeoutMs, (finish) => {
    const socket = net.connect({ host, port });
    let buffered = Buffer.alloc(0);
    socket.on("error", (error) => finish(error));
    socket.on("connect", () => {
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16BE(query.length);
      socket.write(Buffer.concat([prefix, query]));
    });
    socket.on("data", (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length < 2) return;
      const length = buffered.readUInt16BE(0);
      if (buffered.length < 2 + length) return;
      try {
        const packet = dnsPacket.decode(buffered.subarray(2, 2 + length));
        finish(packet.id === id ? undefined : new Error("answer for another query id"), packet);
      } catch (error) {
        finish(error as Error);
      }
    });
    socket.on("close", () => finish(new Error("connection closed before an answer")));
    return () => socket.destroy();
  });
}

/** Ask `server` (`host:port`) for `name`/`type`. Never throws: failures come back classified. */
export async function queryDns(server: string, name: string, type: RecordType, options: DnsQueryOptions = {}): Promise<DnsQueryResult> {
  const { host, port } = parseHostPort(server);
  const timeoutMs = options.timeoutMs ?? 2000;
  const id = randomInt(0, 65536);
  const query = dnsPacket.encode({ type: "query", id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name: normalizeName(name), class: "IN" }] });
  let packet: DecodedPacket;
  try {
    packet = options.tcp ? await askTcp(host, port, query, id, timeoutMs) : await askUdp(host, port, query, id, timeoutMs);
    if (packet.flag_tc && !options.tcp) packet = await askTcp(host, port, query, id, timeoutMs);
  } catch (error) {
    if (error instanceof DnsTimeout) return { ok: false, kind: "TIMEOUT", message: `DNS server ${server} did not answer ${type} ${name} (${error.message})` };
    return { ok: false, kind: "NETWORK", message: `DNS server ${server} could not be asked ${type} ${name}: ${(error as Error).message}` };
  }
  const rcode = (packet.flags ?? 0) & 0xf;
  if (rcode === 3) return { ok: false, kind: "NXDOMAIN", message: `${name} does not exist (NXDOMAIN from ${server})` };
  if (rcode === 2) return { ok: false, kind: "SERVFAIL", message: `DNS server ${server} failed to answer ${type} ${name} (SERVFAIL)` };
  if (rcode === 5) return { ok: false, kind: "REFUSED", message: `DNS server ${server} refused to answer for ${name} (REFUSED: not a zone it serves)` };
  if (rcode !== 0) return { ok: false, kind: "SERVFAIL", message: `DNS server ${server} answered ${type} ${name} with rcode ${rcode}` };
  const allAnswers = packet.answers ?? [];
  const answers = allAnswers.filter((answer) => answer.type === type);
  if (answers.length === 0) return { ok: false, kind: "NODATA", message: `${name} has no ${type} record (NOERROR/NODATA from ${server})` };
  return { ok: true, answers, allAnswers, authoritative: packet.flag_aa };
}

/** TXT values (character-strings joined) from answers. */
export function txtValues(answers: Answer[]): string[] {
  return answers.flatMap((answer) => {
    if (answer.type !== "TXT") return [];
    const parts = Array.isArray(answer.data) ? answer.data : [answer.data];
    return [parts.map((part) => (Buffer.isBuffer(part) ? part.toString("utf8") : part)).join("")];
  });
}

/** Addresses from A/AAAA answers. */
export function addresses(answers: Answer[]): string[] {
  return answers.flatMap((answer) => (answer.type === "A" || answer.type === "AAAA" ? [answer.data] : []));
}
