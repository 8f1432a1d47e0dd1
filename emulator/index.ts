import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AdminServer } from "./admin/admin-server";
import { EdgeGridVerifier } from "./auth/edgegrid-verifier";
import { ScaledClock } from "./clock";
import { createCpsRoutes } from "./cps/api";
import { CpsEngine, DEFAULT_STEP_DURATIONS, type StepDurations } from "./cps/engine";
import { emptyState } from "./cps/model";
import { AdminValidationBook, StandInCertificateAuthority, StandInEdgeNetwork, StandInKeyFactory } from "./cps/stand-ins";
import { Store } from "./cps/store";
import { generateCredentials, writeEdgercSection, type ApiCredentials } from "./credentials";
import { ApiServer, type RequestStats } from "./http/api-server";
import { loadState, StateWriter } from "./persistence";
import type { CertificateAuthority, EdgeNetwork, EmulatorClock, KeyFactory } from "./seams";
import { createTlsIdentity } from "./tls-identity";

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
  /** One enrollment creation per contract per 5 minutes (409 inside the window). Default off. */
  createThrottle?: boolean;
  /** `coodinate-domain-validation` (default: what the live API returns) or `coordinate-domain-validation`. */
  dvStatusSpelling?: "coodinate-domain-validation" | "coordinate-domain-validation";
  /** Seams (part 2 injects the real implementations). Defaults: the part-1 stand-ins. */
  clock?: ScaledClock;
  keyFactory?: KeyFactory;
  ca?: CertificateAuthority | ((ctx: { clock: EmulatorClock }) => CertificateAuthority);
  staging?: EdgeNetwork;
  production?: EdgeNetwork;
  /** Extra ready-line fields contributed by injected seams (dns, edgeRoots...). */
  extraInfo?: Partial<Pick<RunningEmulator, "dns" | "staging" | "production" | "edgeRoots">>;
  /** Diagnostics (never secrets). */
  log?: (message: string) => void;
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
  clock: ScaledClock;
  stop(): Promise<void>;
  stats(): RequestStats;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "cps-emulator-"));
  fs.mkdirSync(dataDir, { recursive: true });
  const section = options.section ?? "default";
  const edgercPath = options.edgerc ?? path.join(dataDir, ".edgerc");
  const clock = options.clock ?? new ScaledClock({ timeScale: options.timeScale ?? 1 });
  const identity = await createTlsIdentity();
  const caCertPath = path.join(dataDir, "ca.pem");
  fs.writeFileSync(caCertPath, identity.caCertPem);

  const store = new Store((options.stateFile && loadState(options.stateFile)) || emptyState());
  const book = new AdminValidationBook();
  const staging = options.staging ?? new StandInEdgeNetwork("staging");
  const production = options.production ?? new StandInEdgeNetwork("production");
  const ca = typeof options.ca === "function" ? options.ca({ clock }) : (options.ca ?? new StandInCertificateAuthority(clock));
  const engine = new CpsEngine({
    store,
    clock,
    keyFactory: options.keyFactory ?? new StandInKeyFactory(),
    ca,
    staging,
    production,
    book,
    durations: { ...DEFAULT_STEP_DURATIONS, ...options.stepDurations },
    dvStatus: options.dvStatusSpelling ?? "coodinate-domain-validation",
    log: options.log,
  });
  const writer = options.stateFile ? new StateWriter(options.stateFile, () => store.state) : undefined;
  if (writer) store.onChange(() => writer.schedule());
  clock.onAdvance(() => void engine.tick());

  const stats: RequestStats = { requests: 0, byOperation: {} };
  let apiHost = "127.0.0.1";
  const routes = createCpsRoutes({ store, engine, now: () => clock.now(), host: () => apiHost, createThrottleMs: options.createThrottle ? 5 * 60_000 : 0 });
  // credentials are minted once the port is known (the host includes it); the verifier reads them lazily
  const verifierHolder: { verifier?: EdgeGridVerifier } = {};
  const api = new ApiServer({
    routes,
    verifier: {
      verify: (request) => verifierHolder.verifier?.verify(request) ?? { ok: false, status: 401, kind: "deny", detail: "Emulator not ready" },
    },
    tls: { certPem: identity.certPem, keyPem: identity.keyPem },
    stats,
  });
  const admin = new AdminServer({ store, engine, clock, book, stats, edges: [staging, production] });
  const apiPort = await api.listen(options.port ?? 0);
  const adminPort = await admin.listen(options.adminPort ?? 0);
  apiHost = `127.0.0.1:${apiPort}`;
  const credentials = generateCredentials(apiHost);
  verifierHolder.verifier = new EdgeGridVerifier({ credentials: [credentials], timestampWindowMs: options.authWindowMs ?? 5 * 60_000 });
  writeEdgercSection(edgercPath, section, credentials);
  engine.start();

  let stopped = false;
  return {
    api: `https://${apiHost}`,
    admin: `http://127.0.0.1:${adminPort}`,
    caCert: caCertPath,
    caCertPem: identity.caCertPem,
    edgerc: edgercPath,
    section,
    credentials,
    ...options.extraInfo,
    clock,
    stats: () => stats,
    async stop() {
      if (stopped) return;
      stopped = true;
      engine.stop();
      await engine.idle();
      await Promise.all([api.close(), admin.close()]);
      writer?.flush();
      if (!options.staging) await staging.close();
      if (!options.production) await production.close();
      if (!options.ca) await ca.close();
    },
  };
}
