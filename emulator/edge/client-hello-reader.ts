/**
 * Reads a connection's first bytes until they hold a whole ClientHello, however the client's
 * bytes were split across TCP reads and TLS records. Bounded in size (MAX_CLIENT_HELLO_BYTES plus
 * record headers) and in time, so a slow or hostile client cannot hold memory or a slot forever.
 */
import type { Readable } from "node:stream";
import { MAX_CLIENT_HELLO_BYTES, parseClientHello, type ClientHello } from "./client-hello";

export type ClientHelloRead =
  | { kind: "hello"; hello: ClientHello; buffered: Buffer }
  | { kind: "rejected"; reason: string };

export interface ClientHelloReadOptions {
  timeoutMs: number;
}

/** A safety net: the parser rejects an oversized ClientHello (or too many records) well before this. */
const MAX_BUFFERED_BYTES = MAX_CLIENT_HELLO_BYTES * 2;

/**
 * Consumes `stream` until a ClientHello is complete, then pauses it and hands back every byte read
 * (the caller unshifts them for the TLS layer). Never throws; a bad or silent client is "rejected".
 */
export function readClientHello(stream: Readable, options: ClientHelloReadOptions): Promise<ClientHelloRead> {
  return new Promise((resolve) => {
    // One growing buffer, so a client dripping single bytes costs amortised O(1) copying per byte.
    let storage = Buffer.alloc(0);
    let size = 0;
    const finish = (outcome: ClientHelloRead): void => {
      clearTimeout(timer);
      stream.off("data", onData);
      stream.off("end", onEnd);
      stream.off("error", onError);
      stream.off("close", onEnd);
      stream.pause();
      resolve(outcome);
    };
    const onData = (chunk: Buffer): void => {
      if (size + chunk.length > storage.length) {
        const grown = Buffer.allocUnsafe(Math.max(size + chunk.length, storage.length * 2, 1024));
        storage.copy(grown, 0, 0, size);
        storage = grown;
      }
      chunk.copy(storage, size);
      size += chunk.length;
      const buffered = storage.subarray(0, size);
      const parsed = parseClientHello(buffered);
      if (parsed.kind === "complete") finish({ kind: "hello", hello: parsed.hello, buffered: Buffer.from(buffered) });
      else if (parsed.kind === "invalid") finish({ kind: "rejected", reason: parsed.reason });
      else if (size > MAX_BUFFERED_BYTES) finish({ kind: "rejected", reason: `no ClientHello in the first ${size} bytes` });
    };
    const onEnd = (): void => finish({ kind: "rejected", reason: "connection ended before the ClientHello was complete" });
    const onError = (error: Error): void => finish({ kind: "rejected", reason: `connection error before the ClientHello: ${error.message}` });
    const timer = setTimeout(() => finish({ kind: "rejected", reason: `no complete ClientHello within ${options.timeoutMs} ms` }), options.timeoutMs);
    stream.on("data", onData);
    stream.once("end", onEnd);
    stream.once("close", onEnd);
    stream.once("error", onError);
  });
}
