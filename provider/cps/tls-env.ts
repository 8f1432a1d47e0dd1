/**
 * `NODE_TLS_REJECT_UNAUTHORIZED=0` makes Node accept any server certificate
 * (https://nodejs.org/api/cli.html#node_tls_reject_unauthorizedvalue): every signed request would
 * hand the EdgeGrid client and access tokens, and a signature, to whoever answers on the API host.
 * The client refuses to start instead of sending credentials unverified. A private or corporate CA
 * (a TLS-inspecting proxy, the local emulator) is trusted with `caCertPath`, which keeps verification on.
 */
import { CpsConfigError } from "./errors";

export function refuseUnverifiedTls(env: NodeJS.ProcessEnv = process.env): void {
  if (env.NODE_TLS_REJECT_UNAUTHORIZED !== "0") return;
  throw new CpsConfigError(
    "NODE_TLS_REJECT_UNAUTHORIZED=0 is set: Node would not verify the Akamai API server's certificate, and the client would send your EdgeGrid credentials to whoever answers. " +
      "Unset NODE_TLS_REJECT_UNAUTHORIZED; to trust a private or corporate CA, set pulumi-akamai-cps:caCertPath (or PULUMI_AKAMAI_CPS_CA_CERT_PATH) to its PEM file. " +
      "See docs/troubleshooting.md#credentials-sent-unverified.",
    { code: "CredentialsSentUnverified" },
  );
}
