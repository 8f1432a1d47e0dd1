/**
 * A minimal, bounds-checked TLS ClientHello parser (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2). The edge
 * listener reads the ClientHello itself, before OpenSSL sees it, to pick the certificate (RSA or
 * ECDSA) a dual-stacked deployment serves to this client: Node's SNICallback can install only one
 * key per connection and does not say what the client offered.
 *
 * It reads only what that choice needs (SNI, cipher suites, signature_algorithms, supported_groups,
 * supported_versions) and accepts a handshake message fragmented across TLS records. Anything else
 * is left to OpenSSL, which still sees every byte.
 */

export interface ClientHello {
  /** The host_name of the server_name extension, lower-cased, without a trailing dot. */
  serverName?: string;
  legacyVersion: number;
  cipherSuites: number[];
  /** The signature_algorithms extension (13); undefined when absent. */
  signatureAlgorithms?: number[];
  /** The supported_groups extension (10); undefined when absent. */
  supportedGroups?: number[];
  /** The supported_versions extension (43); undefined when absent (TLS 1.2 and older clients). */
  supportedVersions?: number[];
}

export type ClientHelloParse =
  | { kind: "incomplete" }
  | { kind: "invalid"; reason: string }
  | { kind: "complete"; hello: ClientHello };

/** Bigger than any ClientHello a real client sends (post-quantum key shares included: ~2 KB). */
export const MAX_CLIENT_HELLO_BYTES = 16 * 1024;

const RECORD_HEADER = 5;
const CONTENT_TYPE_HANDSHAKE = 22;
const HANDSHAKE_CLIENT_HELLO = 1;
const MAX_RECORD_PAYLOAD = 16 * 1024 + 2048;
/** Real clients send the ClientHello in one record, or a few; this bounds the work per parse. */
const MAX_RECORDS = 64;

const EXTENSION_SERVER_NAME = 0;
const EXTENSION_SUPPORTED_GROUPS = 10;
const EXTENSION_SIGNATURE_ALGORITHMS = 13;
const EXTENSION_SUPPORTED_VERSIONS = 43;

class Truncated extends Error {}

/** Reads big-endian fields and throws `Truncated` instead of reading past the end. */
class Cursor {
  private offset = 0;
  constructor(private readonly bytes: Buffer) {}
  get remaining(): number {
    return this.bytes.length - this.offset;
  }
  uint(size: 1 | 2 | 3): number {
    this.need(size);
    const value = this.bytes.readUIntBE(this.offset, size);
    this.offset += size;
    return value;
  }
  take(size: number): Buffer {
    this.need(size);
    const slice = this.bytes.subarray(this.offset, this.offset + size);
    this.offset += size;
    return slice;
  }
  rest(): Buffer {
    return this.take(this.remaining);
  }
  /** A vector with a `lengthSize`-byte length prefix, as its own cursor. */
  vector(lengthSize: 1 | 2 | 3): Cursor {
    return new Cursor(this.take(this.uint(lengthSize)));
  }
  uint16List(): number[] {
    if (this.remaining % 2 !== 0) throw new Truncated("odd-length list of 16-bit values");
    const values: number[] = [];
    while (this.remaining > 0) values.push(this.uint(2));
    return values;
  }
  private need(size: number): void {
    if (size > this.remaining) throw new Truncated(`needs ${size} bytes, ${this.remaining} left`);
  }
}

/**
 * Collects the handshake bytes from consecutive handshake records at the start of `bytes`.
 * Returns the message once its declared length is there, "incomplete" while more bytes may make it so.
 */
function reassembleHandshake(bytes: Buffer): ClientHelloParse | { kind: "message"; message: Buffer } {
  const fragments: Buffer[] = [];
  let collected = 0;
  let offset = 0;
  let declared: number | undefined;
  for (let records = 1; ; records += 1) {
    if (records > MAX_RECORDS) return { kind: "invalid", reason: `ClientHello spread over more than ${MAX_RECORDS} records` };
    if (bytes.length - offset < RECORD_HEADER) return { kind: "incomplete" };
    const contentType = bytes[offset] as number;
    const majorVersion = bytes[offset + 1] as number;
    const recordLength = bytes.readUInt16BE(offset + 3);
    if (contentType !== CONTENT_TYPE_HANDSHAKE) return { kind: "invalid", reason: `expected a handshake record, got content type ${contentType}` };
    if (majorVersion !== 3) return { kind: "invalid", reason: `not a TLS record (version byte ${majorVersion})` };
    if (recordLength === 0 || recordLength > MAX_RECORD_PAYLOAD) return { kind: "invalid", reason: `bad record length ${recordLength}` };
    const available = Math.min(recordLength, bytes.length - offset - RECORD_HEADER);
    fragments.push(bytes.subarray(offset + RECORD_HEADER, offset + RECORD_HEADER + available));
    collected += available;
    if (declared === undefined && collected >= 4) {
      const head = Buffer.concat(fragments);
      if (head[0] !== HANDSHAKE_CLIENT_HELLO) return { kind: "invalid", reason: `expected a ClientHello, got handshake type ${head[0]}` };
      declared = head.readUIntBE(1, 3);
      if (declared + 4 > MAX_CLIENT_HELLO_BYTES) return { kind: "invalid", reason: `ClientHello of ${declared} bytes is too large` };
    }
    if (declared !== undefined && collected >= declared + 4) return { kind: "message", message: Buffer.concat(fragments).subarray(0, declared + 4) };
    if (available < recordLength) return { kind: "incomplete" };
    offset += RECORD_HEADER + recordLength;
  }
}

function parseServerName(data: Cursor): string | undefined {
  const list = data.vector(2);
  while (list.remaining > 0) {
    const nameType = list.uint(1);
    const name = list.vector(2).rest();
    if (nameType === 0) return name.toString("latin1");
  }
  return undefined;
}

function parseBody(message: Buffer): ClientHello {
  const body = new Cursor(message.subarray(4));
  const legacyVersion = body.uint(2);
  body.take(32); // random
  const sessionId = body.vector(1);
  if (sessionId.remaining > 32) throw new Truncated("session id longer than 32 bytes");
  const cipherSuites = body.vector(2).uint16List();
  if (cipherSuites.length === 0) throw new Truncated("no cipher suites");
  if (body.vector(1).remaining === 0) throw new Truncated("no compression methods");
  const hello: ClientHello = { legacyVersion, cipherSuites };
  if (body.remaining === 0) return hello; // TLS 1.2 allows a ClientHello without extensions
  const extensions = body.vector(2);
  if (body.remaining !== 0) throw new Truncated("bytes after the extensions");
  while (extensions.remaining > 0) {
    const type = extensions.uint(2);
    const data = extensions.vector(2);
    if (type === EXTENSION_SERVER_NAME) hello.serverName = parseServerName(data);
    else if (type === EXTENSION_SIGNATURE_ALGORITHMS) hello.signatureAlgorithms = data.vector(2).uint16List();
    else if (type === EXTENSION_SUPPORTED_GROUPS) hello.supportedGroups = data.vector(2).uint16List();
    else if (type === EXTENSION_SUPPORTED_VERSIONS) hello.supportedVersions = data.vector(1).uint16List();
  }
  return hello;
}

const HOSTNAME = /^[a-z0-9*_-]+(\.[a-z0-9*_-]+)*\.?$/i;

/** Parses the ClientHello at the start of `bytes` (what a client has sent so far). */
export function parseClientHello(bytes: Buffer): ClientHelloParse {
  const reassembled = reassembleHandshake(bytes);
  if (reassembled.kind !== "message") return reassembled;
  let hello: ClientHello;
  try {
    hello = parseBody(reassembled.message);
  } catch (error) {
    if (error instanceof Truncated) return { kind: "invalid", reason: `malformed ClientHello: ${error.message}` };
    throw error;
  }
  if (hello.serverName !== undefined) {
    if (!HOSTNAME.test(hello.serverName) || hello.serverName.length > 253) return { kind: "invalid", reason: "server_name is not a host name" };
    hello.serverName = hello.serverName.replace(/\.$/, "").toLowerCase();
  }
  return { kind: "complete", hello };
}
