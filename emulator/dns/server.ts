/**
 * The emulator's authoritative DNS server on 127.0.0.1: UDP and TCP on the same ephemeral port
 * (pebble's `-dnsserver` and resolvers expect one HOST:PORT for both).
 */
import * as dgram from "node:dgram";
import * as net from "node:net";
import * as dnsPacket from "dns-packet";
import { respond } from "./answer";
import type { InMemoryZoneStore } from "./zone-store";

export interface DnsServer {
  /** `127.0.0.1:PORT` */
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface DnsServerOptions {
  host?: string;
  /** 0 (default) = ephemeral. */
  port?: number;
}

/** Classic DNS over UDP without EDNS: larger answers set TC so the client retries over TCP. */
const MAX_UDP_PAYLOAD = 512;

function handle(store: InMemoryZoneStore, message: Buffer): Buffer | undefined {
  let query: dnsPacket.DecodedPacket;
  try {
    query = dnsPacket.decode(message);
  } catch {
    return undefined; // Not DNS: drop, as servers do.
  }
  return dnsPacket.encode(respond(store, query));
}

function bindUdp(host: string, port: number): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket("udp4");
    socket.once("error", reject);
    socket.bind(port, host, () => {
      socket.off("error", reject);
      resolve(socket);
    });
  });
}

function listenTcp(server: net.Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

function serveTcpConnection(store: InMemoryZoneStore, socket: net.Socket): void {
  let buffered = Buffer.alloc(0);
  socket.setTimeout(10_000, () => socket.destroy());
  socket.on("error", () => socket.destroy());
  socket.on("data", (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    // Each message is prefixed by its 2-byte length; several may arrive in one chunk.
    while (buffered.length >= 2) {
      const length = buffered.readUInt16BE(0);
      if (buffered.length < 2 + length) return;
      const message = buffered.subarray(2, 2 + length);
      buffered = buffered.subarray(2 + length);
      const reply = handle(store, message);
      if (!reply) {
        socket.destroy();
        return;
      }
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16BE(reply.length);
      socket.write(Buffer.concat([prefix, reply]));
    }
  });
}

export async function startDnsServer(store: InMemoryZoneStore, options: DnsServerOptions = {}): Promise<DnsServer> {
  const host = options.host ?? "127.0.0.1";
  // An ephemeral UDP port may be taken for TCP by someone else: retry with a new one a few times.
  for (let attempt = 0; ; attempt += 1) {
    const udp = await bindUdp(host, options.port ?? 0);
    const port = udp.address().port;
    const tcp = net.createServer((socket) => serveTcpConnection(store, socket));
    try {
      await listenTcp(tcp, host, port);
    } catch (error) {
      udp.close();
      if (options.port || attempt >= 10) throw error;
      continue;
    }
    udp.on("message", (message, remote) => {
      const reply = handle(store, message);
      if (!reply) return;
      const payload = reply.length > MAX_UDP_PAYLOAD ? truncated(message) : reply;
      if (payload) udp.send(payload, remote.port, remote.address);
    });
    const sockets = new Set<net.Socket>();
    tcp.on("connection", (socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    return {
      address: `${host}:${port}`,
      port,
      close: () =>
        new Promise<void>((resolve) => {
          for (const socket of sockets) socket.destroy();
          udp.close(() => tcp.close(() => resolve()));
        }),
    };
  }
}

/** An empty response with TC set: the client must ask again over TCP. */
function truncated(message: Buffer): Buffer | undefined {
  try {
    const query = dnsPacket.decode(message);
    return dnsPacket.encode({ type: "response", id: query.id, flags: dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.TRUNCATED_RESPONSE, questions: query.questions ?? [] });
  } catch {
    return undefined;
  }
}
