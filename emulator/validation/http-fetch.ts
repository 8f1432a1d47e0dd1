/**
 * One HTTP GET for http-01, dialling an address we resolved ourselves (through the emulator's DNS
 * server, not the system resolver) while sending the domain as Host, the way a CA's validator does.
 */
import * as http from "node:http";

export interface FetchedResponse {
  status: number;
  location?: string;
  body: string;
}

/** Bodies larger than this are cut: a challenge response is ~90 bytes. */
const MAX_BODY_BYTES = 64 * 1024;

export class HttpTimeout extends Error {}

export function httpGet(address: string, port: number, hostHeader: string, path: string, timeoutMs: number): Promise<FetchedResponse> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: address, port, path, headers: { host: hostHeader, "user-agent": "cps-emulator-validator", accept: "*/*" }, timeout: timeoutMs, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      });
      response.on("end", () => resolve({ status: response.statusCode ?? 0, location: response.headers.location, body: Buffer.concat(chunks).toString("utf8") }));
      response.on("error", reject);
    });
    request.on("timeout", () => request.destroy(new HttpTimeout(`no response within ${timeoutMs} ms`)));
    request.on("error", reject);
  });
}
