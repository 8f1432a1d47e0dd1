/** Free loopback ports for servers that must be told their port before they start (pebble, the emulator's DNS). */
import * as net from "node:net";

/** A port the OS just handed out on 127.0.0.1 and released again, for a server started right after. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
