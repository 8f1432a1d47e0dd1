import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AdminServer } from "./admin/admin-server";
import { EdgeGridVerifier } from "./auth/edgegrid-verifier";
import { createAcmeCa } from "./ca/acme-ca";
import { createBuiltinCa } from "./ca/builtin-ca";
import { createClock, type ScaledClock } from "./clock";
import { createCpsRoutes } from "./cps/api";
import { CpsEngine, DEFAULT_STEP_DURATIONS, type StepDurations } from "./cps/engine";
import { emptyState } from "./cps/model";
import { AdminValidationBook, StandInCertificateAuthority, StandInEdgeNetwork, StandInKeyFactory } from "./cps/stand-ins";
import { Store } from "./cps/store";
import { generateCredentials, writeEdgercSection, type ApiCredentials } from "./credentials";
import { handleEdgeDnsRequest } from "./dns/edge-dns-api";
import { startDnsServer, type DnsServer } from "./dns/server";
import { createZoneStore, type InMemoryZoneStore } from "./dns/zone-store";
import { startEdgeNetwork } from "./edge/edge-network";
import { FaultInjector, type FaultPatch } from "./faults/fault-injector";
import { AccountBudget, type AccountBudgetPatch } from "./faults/account-budget";
import { ApiServer, type RequestStats } from "./http/api-server";
import { loadState, StateWriter } from "./persistence";
import { createKeyFactory } from "./pki/key-factory";
import type { CertificateAuthority, DomainValidator, EdgeNetwork, EmulatorClock, KeyFactory } from "./seams";
import { createDomainValidator } from "./validation/domain-validator";
import { createTlsIdentity } from "./tls-identity";
import { EdgeHostnameRegistry } from "./papi/edge-hostnames";

export type { StepDurations } from "./cps/engine";
export { DEFAULT_STEP_DURATIONS } from "./cps/engine";

export interface EmulatorOptions {
  /** API (HTTPS) port; 0 = ephemeral (default). */
  port?: number;
  /** Admin (HTTP) port; 0 = ephemeral (default). */
  adminPort?: number;
  /** Where to write the .edgerc (default `<dataDir>/.edgerc`). An existing file keeps its other sections. */
  edgerc?: string;
  /** .edgerc section (default `default`). */
  section?: string;
  /** Persist state to this file (atomic writes) and reload it on start. */
  stateFile?: string;
  /** Folder for generated files (CA PEM, .edgerc); default a fresh temp dir. */
  dataDir?: string;
  /** Emulator-time durations per step (ms); merged over DEFAULT_STEP_DURATIONS. */
  stepDurations?: Partial<StepDurations>;
  /** Emulator ms per real ms (default 1). Ignored when `clock` is given. */
  timeScale?: number;
  /** Accepted EdgeGrid timestamp skew (default 5 minutes). */
  authWindowMs?: number;
  /**
   * Headers the EdgeGrid signature covers (`headers_to_sign` of Akamai's signers), in order. Default
   * none, as Akamai's CPS API; set it to check a client that signs headers. Names are case-insensitive.
   */
  authHeadersToSign?: string[];
  /** Bytes of a POST body the EdgeGrid content hash covers (`max_body`; default 131072, Akamai's). */
  authMaxBody?: number;
  /**
   * One enrollment creation per contract per 5 minutes of emulator time (409 inside the window), as
   * Akamai documents (akamai-apis apis/cps/v2/newer/paths/enrollments.yaml: "you can create one
   * certificate every five minutes, per account"). Default on; tests that create several enrollments
   * quickly and are not about it pass `false`.
   */
  createThrottle?: boolean;
  /** `coodinate-domain-validation` (default: what the live API returns) or `coordinate-domain-validation`. */
  dvStatusSpelling?: "coodinate-domain-validation" | "coordinate-domain-validation";
  /**
   * Seams. Defaults: the real ones — a scaled clock, RSA 2048 / ECDSA P-256 keys and CSRs, the builtin
   * CA validating through DNS/HTTP, TLS listeners for staging and production.
   */
  clock?: ScaledClock;
  keyFactory?: KeyFactory;
  /** `builtin` (default), `acme` (needs `acme`), an instance, or a factory. */
  ca?: "builtin" | "acme" | CertificateAuthority | ((ctx: { clock: EmulatorClock; validator: DomainValidator }) => CertificateAuthority | Promise<CertificateAuthority>);
  /** The ACME CA for `ca: "acme"` (OV/EV certificates still come from the builtin CA). */
  acme?: AcmeBackendOptions;
  staging?: EdgeNetwork;
  production?: EdgeNetwork;
  /** Port of the emulator's own DNS server (UDP+TCP); 0 = ephemeral (default). */
  dnsPort?: number;
  /** Validate against this DNS server (`HOST:PORT`) instead of the emulator's own. */
  dnsServer?: string;
  /** Port standing for :80 in http-01 checks (the validator connects to the domain's A record there). Default 80. */
  httpPort?: number;
  /** Budget of each DNS query / HTTP fetch of a validation (default 5000 ms). */
  validationTimeoutMs?: number;
  /** Roots a third-party trust chain must end in (PEM); without it chain termination is not judged. */
  thirdPartyTrustedRootsPem?: string;
  /**
   * Days before expiry at which CPS opens a renewal by itself: default DV 20, others 60, as Akamai's
   * CPS workflow page says (https://techdocs.akamai.com/cps/reference/about-the-cps-workflow).
   */
  renewalLeadDays?: { dv: number; other: number };
  /**
   * Test option: the part-1 stand-ins (admin-decided DV, a CA without chain, edges that serve
   * nothing, no DNS server). Individual seams given above still win.
   */
  standIns?: boolean;
  /** Fault injection (latency, 5xx, 429 rate limits, resets), also adjustable through the admin API. Default none. */
  faults?: FaultPatch;
  /**
   * CPS's per-account request budget (default on: 35/min + 20/2 s, `GET /active-certificates`
   * 10/min, no other tenant), also adjustable through the admin API's `/rate-limits`. Tests that are
   * not about limits pass `{ enabled: false }`.
   */
  rateLimits?: AccountBudgetPatch;
  /** Extra ready-line fields contributed by injected seams (dns, edgeRoots...). */
  extraInfo?: Partial<Pick<RunningEmulator, "dns" | "staging" | "production" | "edgeRoots">>;
  /**
   * Emulator ms a new secure edge hostname stays `PENDING` before it is `ACTIVE` and resolves
   * (Akamai: 10–15 minutes, https://techdocs.akamai.com/property-mgr/reference/post-edgehostnames). Default 600.
   */
  edgeHostnameActivationMs?: number;
  /**
   * CPS's automated challenge completion, from Akamai's secure provisioning seed documents: a name of
   * a DV change that is CNAMEd (in the emulator's own DNS zones) to an ACTIVE edge hostname of the
   * same enrollment is validated by Akamai without a token. Default on; `false` makes every name
   * need its token.
   */
  automatedChallengeCompletion?: boolean;
  /** Diagnostics (never secrets). */
  log?: (message: string) => void;
}

export interface AcmeBackendOptions {
  /** ACME directory, e.g. https://127.0.0.1:14000/dir */
  directoryUrl: string;
  /** PEM of the CA of the ACME server's HTTPS certificate. */
  caCertPem: string;
  /** pebble's management API (roots are read from `/roots/0`), or… */
  managementUrl?: string;
  /** …the roots given directly. */
  rootsPem?: string;
  eab?: { kid: string; hmacKey: string };
}

export interface RunningEmulator {
  /** https://127.0.0.1:PORT */
  api: string;
  /** http://127.0.0.1:PORT */
  admin: string;
  /** Path of the CA PEM that trusts the API's HTTPS certificate. */
  caCert: string;
  caCertPem: string;
  edgerc: string;
  section: string;
  credentials: ApiCredentials;
  /** Part 2: `127.0.0.1:PORT` of the DNS server and edge listeners, PEM file of edge roots. */
  dns?: string;
  staging?: string;
  production?: string;
  edgeRoots?: string;
  /** Content of the `edgeRoots` file. */
  edgeRootsPem: string;
  /** The zones of the emulator's DNS server (absent with `standIns` or `dnsServer`). */
  zones?: InMemoryZoneStore;
  /** The CA backend in use. */
  ca: CertificateAuthority;
  /** The fault injector in front of the API (same as the admin API's `/faults`). */
  faults: FaultInjector;
  /** Secure edge hostnames created through PAPI (`/papi/v1/edgehostnames`, HAPI deletes). */
  edgeHostnames: EdgeHostnameRegistry;
  /** The per-account request budget (same as the admin API's `/rate-limits`). */
  rateLimits: AccountBudget;
  clock: ScaledClock;
  stop(): Promise<void>;
  stats(): RequestStats;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "cps-emulator-"));
  fs.mkdirSync(dataDir, { recursive: true });
  const section = options.section ?? "default";
  const edgercPath = options.edgerc ?? path.join(dataDir, ".edgerc");
  const clock = options.clock ?? createClock({ timeScale: options.timeScale ?? 1 });
  const identity = await createTlsIdentity();
  const caCertPath = path.join(dataDir, "ca.pem");
  fs.writeFileSync(caCertPath, identity.caCertPem);

  // Everything started below is closed again, also when a later step of the start fails.
  const cleanups: Array<() => Promise<void> | void> = [];
  const cleanup = async (): Promise<void> => {
    for (const fn of cleanups.reverse()) await Promise.resolve(fn()).catch(() => undefined);
  };
  try {
    const standIns = options.standIns === true;
    let zones: InMemoryZoneStore | undefined;
    let dnsServer: DnsServer | undefined;
    if (!standIns && !options.dnsServer) {
      zones = createZoneStore();
      dnsServer = await startDnsServer(zones, { port: options.dnsPort ?? 0 });
      cleanups.push(() => dnsServer?.close());
    }
    const dnsAddress = options.dnsServer ?? dnsServer?.address;
    const validator = createDomainValidator({ dnsServer: dnsAddress ?? "127.0.0.1:53", httpPort: options.httpPort ?? 80, timeoutMs: options.validationTimeoutMs });

    const ca = await createCa(options, clock, validator, standIns);
    if (typeof options.ca !== "object") cleanups.push(() => ca.close());
    const staging = options.staging ?? (standIns ? new StandInEdgeNetwork("staging") : await startEdgeNetwork("staging"));
    if (!options.staging) cleanups.push(() => staging.close());
    const production = options.production ?? (standIns ? new StandInEdgeNetwork("production") : await startEdgeNetwork("production"));
    if (!options.production) cleanups.push(() => production.close());
    const edgeRootsPath = path.join(dataDir, "edge-roots.pem");
    const writeEdgeRoots = (): string => {
      const pem = ca.rootsPem();
      fs.writeFileSync(edgeRootsPath, pem);
      return pem;
    };
    let edgeRootsPem = writeEdgeRoots();

    const store = new Store((options.stateFile && loadState(options.stateFile)) || emptyState());
    const book = new AdminValidationBook();
    const engine = new CpsEngine({
      store,
      clock,
      keyFactory: options.keyFactory ?? (standIns ? new StandInKeyFactory() : createKeyFactory()),
      ca,
      staging,
      production,
      book,
      durations: { ...DEFAULT_STEP_DURATIONS, ...options.stepDurations },
      dvStatus: options.dvStatusSpelling ?? "coodinate-domain-validation",
      renewalLeadDays: options.renewalLeadDays,
      thirdPartyTrustedRootsPem: options.thirdPartyTrustedRootsPem,
      // edgeHostnames is created below; the engine asks only once changes run
      ...(options.automatedChallengeCompletion === false ? {} : { automatedValidation: (domain: string, enrollmentId: number) => edgeHostnames.edgeHostnameOf(domain, enrollmentId) }),
      log: options.log,
    });
    engine.restoreDeployments();
    const writer = options.stateFile ? new StateWriter(options.stateFile, () => store.state) : undefined;
    if (writer) store.onChange(() => writer.schedule());
    cleanups.push(() => writer?.flush());
    cleanups.push(clock.onAdvance(() => engine.clockAdvanced()));

    const stats: RequestStats = { requests: 0, byOperation: {} };
    let apiHost = "127.0.0.1";
    const routes = createCpsRoutes({ store, engine, now: () => clock.now(), host: () => apiHost, createThrottleMs: (options.createThrottle ?? true) ? 5 * 60_000 : 0 });
    // credentials are minted once the port is known (the host includes it); the verifier reads them lazily
    const verifierHolder: { verifier?: EdgeGridVerifier } = {};
    const edgeDnsZones = zones ?? createZoneStore();
    const faults = new FaultInjector(options.faults);
    const edgeHostnames = new EdgeHostnameRegistry({
      zones,
      productionAddress: () => production.address?.split(":")[0],
      enrollment: (id) => {
        const record = store.enrollment(id);
        return { exists: record !== undefined, onProduction: record?.production != null };
      },
      schedule: (delayMs, callback) => {
        cleanups.push(clock.schedule(new Date(clock.now().getTime() + delayMs), callback));
      },
      activationMs: options.edgeHostnameActivationMs ?? 600,
    });
    const rateLimits = new AccountBudget(
      options.rateLimits,
      () => clock.now().getTime(),
      (ms) => ms / clock.timeScale,
    );
    const api = new ApiServer({
      routes,
      verifier: {
        verify: (request) => verifierHolder.verifier?.verify(request) ?? { ok: false, status: 401, kind: "deny", detail: "Emulator not ready" },
      },
      tls: { certPem: identity.certPem, keyPem: identity.keyPem },
      stats,
      // The gateway's budget first: a request over it is turned away before anything else happens.
      before: (req, res) => rateLimits.handle(req, res) || faults.before(req, res),
      loseAnswer: (req) => faults.loseAnswer(req),
      sendLostAnswer: (req, res, kind) => faults.sendLostAnswer(req, res, kind),
      mounts: [
        { prefix: "/config-dns/", operation: "edge-dns", handle: (method, target, body) => handleEdgeDnsRequest(edgeDnsZones, method, target, body) },
        { prefix: "/papi/", operation: "papi", handle: (method, target, body) => edgeHostnames.handle(method, target, body) },
        { prefix: "/hapi/", operation: "hapi", handle: (method, target, body) => edgeHostnames.handle(method, target, body) },
      ],
    });
    const admin = new AdminServer({ store, engine, clock, book, stats, edges: [staging, production], zones: edgeDnsZones, faults, rateLimits });
    const apiPort = await api.listen(options.port ?? 0);
    cleanups.push(() => api.close());
    const adminPort = await admin.listen(options.adminPort ?? 0);
    cleanups.push(() => admin.close());
    apiHost = `127.0.0.1:${apiPort}`;
    const credentials = generateCredentials(apiHost);
    verifierHolder.verifier = new EdgeGridVerifier({
      credentials: [credentials],
      timestampWindowMs: options.authWindowMs ?? 5 * 60_000,
      headersToSign: options.authHeadersToSign,
      maxBody: options.authMaxBody,
    });
    writeEdgercSection(edgercPath, section, credentials);
    engine.start();
    cleanups.push(async () => {
      engine.stop();
      await engine.idle();
    });

    let stopped = false;
    const edgeInfo = {
      ...(dnsAddress ? { dns: dnsAddress } : {}),
      ...(staging.address ? { staging: staging.address } : {}),
      ...(production.address ? { production: production.address } : {}),
      edgeRoots: edgeRootsPath,
    };
    return {
      api: `https://${apiHost}`,
      admin: `http://127.0.0.1:${adminPort}`,
      caCert: caCertPath,
      caCertPem: identity.caCertPem,
      edgerc: edgercPath,
      section,
      credentials,
      ...edgeInfo,
      ...options.extraInfo,
      get edgeRootsPem() {
        // the stand-in CA makes its root lazily: keep the file current
        if (standIns) edgeRootsPem = writeEdgeRoots();
        return edgeRootsPem;
      },
      zones,
      ca,
      faults,
      edgeHostnames,
      rateLimits,
      clock,
      stats: () => stats,
      async stop() {
        if (stopped) return;
        stopped = true;
        await cleanup();
      },
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

async function createCa(options: EmulatorOptions, clock: ScaledClock, validator: DomainValidator, standIns: boolean): Promise<CertificateAuthority> {
  const choice = options.ca ?? (standIns ? undefined : "builtin");
  if (choice === undefined) return new StandInCertificateAuthority(clock);
  if (typeof choice === "function") return choice({ clock, validator });
  if (typeof choice === "object") return choice;
  const builtin = await createBuiltinCa({ validator, clock });
  if (choice === "builtin") return builtin;
  if (!options.acme) throw new Error("ca \"acme\" needs the acme options (directory URL and the CA certificate of its HTTPS listener)");
  return createAcmeCa({
    directoryUrl: options.acme.directoryUrl,
    caCertPem: options.acme.caCertPem,
    managementUrl: options.acme.managementUrl,
    rootsPem: options.acme.rootsPem,
    eab: options.acme.eab,
    // the local pre-check keeps an unpublished record from burning the one-shot ACME validation
    validator,
    ovEvIssuer: builtin,
  });
}
