/** Start and stop the emulator's HTTP(S) servers on loopback (port 0 = ephemeral). */
import type * as http from "http";
import type { AddressInfo } from "net";

/** Listen on `host:port` and resolve with the port actually bound. */
export async function listenOn(server: http.Server, port: number, host = "127.0.0.1"): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

/** Stop accepting and drop keep-alive connections, so `stop()` never waits on an idle client. */
export function closeServer(server: http.Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
