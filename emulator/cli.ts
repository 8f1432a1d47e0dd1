#!/usr/bin/env node
import * as fs from "fs";
import { startEmulator, type EmulatorOptions, type StepDurations } from "./index";
import { REALISTIC_FAULTS } from "./faults/fault-injector";

const USAGE = `Usage: cps-emulator [options]   (in a clone: npm run emulator -- [options])
  --port N              API (HTTPS) port, default 0 (ephemeral)
  --admin-port N        admin (HTTP) port, default 0 (ephemeral)
  --edgerc PATH         .edgerc to write (other sections are kept), default <data-dir>/.edgerc
  --section NAME        .edgerc section, default "default"
  --state FILE          persist state to FILE and reload it on start
  --data-dir DIR        folder for generated files (CA PEM, .edgerc), default a temp dir
  --time-scale N        emulator ms per real ms, default 1
  --step STEP=MS        duration of one step in emulator ms (repeatable), e.g. --step deploy-cert-to-production=2000
  --auth-window-ms N    accepted EdgeGrid timestamp skew, default 300000
  --auth-headers-to-sign H,H  headers the EdgeGrid signature covers (headers_to_sign), default none
  --auth-max-body N     POST body bytes the EdgeGrid content hash covers (max_body), default 131072
  --no-create-throttle  allow any number of enrollment creations (default: one per contract per 5 minutes, 409 inside the window, as Akamai documents)
  --no-automated-challenge-completion  every DV name needs its token (default: a name CNAMEd to an active edge hostname of its enrollment is validated by Akamai)
  --dv-status-spelling  coodinate-domain-validation (default) | coordinate-domain-validation
  --dns-port N          port of the emulator's DNS server (UDP+TCP), default 0 (ephemeral)
  --dns-server H:P      validate against this DNS server instead of the emulator's own
  --http-port N         port standing for :80 in http-01 checks (default 80)
  --validation-timeout-ms N  budget of each DNS query / HTTP fetch of a validation, default 5000
  --ca builtin|acme     CA backend for DV (default builtin; OV/EV always builtin)
  --acme-directory URL  ACME directory (with --ca acme), e.g. https://127.0.0.1:14000/dir
  --acme-ca-cert FILE   PEM of the CA of the ACME server's HTTPS certificate
  --acme-management URL pebble's management API (roots read from /roots/0)
  --eab-kid K --eab-hmac H   external account binding for the ACME CA
  --trusted-roots FILE  roots third-party trust chains must end in (default: not judged)
  --renewal-lead-days DV,OTHER  days before expiry at which renewals open, default 20,60 (Akamai's CPS workflow page)
fault injection (seeded, deterministic; also GET/PUT /faults on the admin API):
  --fault-seed N              seed of the fault sequence, default 1
  --fault-latency-ms N        added latency per request
  --fault-jitter-ms N         plus a uniform 0..N ms
  --fault-error-percent P     P % of requests answer a gateway forward-origin-error
  --fault-error-status 500|503  its status, default 503
  --fault-reset-percent P     P % of connections are reset
  --fault-methods M,M         errors and resets only for these methods (e.g. GET)
  --fault-lost-answer-percent P  P % of requests are applied, then their answer is lost (see --fault-lost-answer)
  --fault-lost-answer error|reset  a lost answer is a 500 forward-origin-error (default) or a dropped connection
  --fault-warning-404-reads K the first K reads of each change's warning info answer 404 (Terraform provider #648)
  --realistic                 the faults Akamai's sources report of the real service (currently: --fault-warning-404-reads 2)
  --rate-limit [N/MS]         429 with Retry-After above N requests per MS per client token (default 20/2000)
CPS's account budget (on by default; also GET/PUT /rate-limits on the admin API):
  --no-rate-limits            do not enforce it
  --requests-per-minute N     the account's minute budget, default 35 (Akamai's published limit)
  --other-tenant N            another user of each account sends N requests a minute, default 0
`;

function parseArgs(argv: string[]): EmulatorOptions {
  const options: EmulatorOptions = {};
  const steps: Partial<StepDurations> = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const num = (): number => {
      const n = Number(value());
      if (!Number.isFinite(n) || n < 0) throw new Error(`${flag} needs a non-negative number`);
      return n;
    };
    const eab = (): { kid: string; hmacKey: string } => (options.acme ??= { directoryUrl: "", caCertPem: "" }).eab ??= { kid: "", hmacKey: "" };
    const acme = (): NonNullable<EmulatorOptions["acme"]> => (options.acme ??= { directoryUrl: "", caCertPem: "" });
    switch (flag) {
      case "--port": options.port = num(); break;
      case "--admin-port": options.adminPort = num(); break;
      case "--edgerc": options.edgerc = value(); break;
      case "--section": options.section = value(); break;
      case "--state": options.stateFile = value(); break;
      case "--data-dir": options.dataDir = value(); break;
      case "--time-scale": options.timeScale = num(); break;
      case "--auth-window-ms": options.authWindowMs = num(); break;
      case "--auth-headers-to-sign": options.authHeadersToSign = value().split(",").filter(Boolean); break;
      case "--auth-max-body": options.authMaxBody = num(); break;
      case "--create-throttle": options.createThrottle = true; break;
      case "--no-create-throttle": options.createThrottle = false; break;
      case "--no-automated-challenge-completion": options.automatedChallengeCompletion = false; break;
      case "--dv-status-spelling": {
        const v = value();
        if (v !== "coodinate-domain-validation" && v !== "coordinate-domain-validation") throw new Error(`unknown spelling ${v}`);
        options.dvStatusSpelling = v;
        break;
      }
      case "--dns-port": options.dnsPort = num(); break;
      case "--dns-server": {
        const v = value();
        if (!/^[^:\s]+:\d+$/.test(v)) throw new Error("--dns-server needs HOST:PORT");
        options.dnsServer = v;
        break;
      }
      case "--http-port": options.httpPort = num(); break;
      case "--validation-timeout-ms": options.validationTimeoutMs = num(); break;
      case "--ca": {
        const v = value();
        if (v !== "builtin" && v !== "acme") throw new Error(`--ca must be builtin or acme, not ${v}`);
        options.ca = v;
        break;
      }
      case "--acme-directory": acme().directoryUrl = value(); break;
      case "--acme-ca-cert": acme().caCertPem = fs.readFileSync(value(), "utf8"); break;
      case "--acme-management": acme().managementUrl = value(); break;
      case "--eab-kid": eab().kid = value(); break;
      case "--eab-hmac": eab().hmacKey = value(); break;
      case "--trusted-roots": options.thirdPartyTrustedRootsPem = fs.readFileSync(value(), "utf8"); break;
      case "--renewal-lead-days": {
        const [dv, other] = value().split(",").map(Number);
        if (!Number.isFinite(dv) || !Number.isFinite(other)) throw new Error("--renewal-lead-days needs DV,OTHER (days)");
        options.renewalLeadDays = { dv: dv as number, other: other as number };
        break;
      }
      case "--fault-seed": (options.faults ??= {}).seed = Math.floor(num()); break;
      case "--fault-latency-ms": ((options.faults ??= {}).latency ??= {}).ms = num(); break;
      case "--fault-jitter-ms": ((options.faults ??= {}).latency ??= {}).jitterMs = num(); break;
      case "--fault-error-percent": ((options.faults ??= {}).errors ??= {}).percent = num(); break;
      case "--fault-error-status": {
        const v = num();
        if (v !== 500 && v !== 503) throw new Error("--fault-error-status must be 500 or 503");
        ((options.faults ??= {}).errors ??= {}).status = v;
        break;
      }
      case "--fault-reset-percent": ((options.faults ??= {}).resets ??= {}).percent = num(); break;
      case "--fault-lost-answer-percent": ((options.faults ??= {}).lostAnswers ??= {}).percent = num(); break;
      case "--fault-lost-answer": {
        const v = value();
        if (v !== "error" && v !== "reset") throw new Error("--fault-lost-answer must be error or reset");
        ((options.faults ??= {}).lostAnswers ??= {}).answer = v;
        break;
      }
      case "--fault-warning-404-reads": ((options.faults ??= {}).warningInfo404 ??= {}).reads = Math.floor(num()); break;
      case "--realistic": options.faults = { ...REALISTIC_FAULTS, ...options.faults }; break;
      case "--fault-methods": (options.faults ??= {}).methods = value().split(",").map((m) => m.trim().toUpperCase()).filter(Boolean); break;
      case "--rate-limit": {
        const limit = ((options.faults ??= {}).rateLimit ??= {});
        limit.enabled = true;
        const next = argv[i + 1];
        if (next && /^\d+\/\d+$/.test(next)) {
          const [requests, perMs] = value().split("/").map(Number);
          limit.requests = requests;
          limit.perMs = perMs;
        }
        break;
      }
      case "--no-rate-limits": (options.rateLimits ??= {}).enabled = false; break;
      case "--requests-per-minute": (options.rateLimits ??= {}).windows = [{ requests: Math.max(1, Math.floor(num())), perMs: 60_000 }, { requests: 20, perMs: 2_000 }]; break;
      case "--other-tenant": (options.rateLimits ??= {}).otherTenant = { requestsPerMinute: num() }; break;
      case "--step": {
        const [name, ms] = value().split("=");
        const n = Number(ms);
        if (!name || !Number.isFinite(n)) throw new Error("--step needs STEP=MS");
        (steps as Record<string, number>)[name] = n;
        break;
      }
      case "--help":
      case "-h":
        process.stdout.write(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${flag}\n${USAGE}`);
    }
  }
  if (Object.keys(steps).length > 0) options.stepDurations = steps;
  if (options.acme && options.ca !== "acme") throw new Error("--acme-* and --eab-* options need --ca acme");
  if (options.ca === "acme" && (!options.acme?.directoryUrl || !options.acme.caCertPem)) throw new Error("--ca acme needs --acme-directory URL and --acme-ca-cert FILE");
  if (options.acme?.eab && (!options.acme.eab.kid || !options.acme.eab.hmacKey)) throw new Error("--eab-kid and --eab-hmac go together");
  return options;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const emulator = await startEmulator({ ...options, log: (m) => process.stderr.write(`${m}\n`) });
  const ready: Record<string, string> = {
    event: "ready",
    api: emulator.api,
    admin: emulator.admin,
    caCert: emulator.caCert,
    edgerc: emulator.edgerc,
    section: emulator.section,
  };
  for (const key of ["dns", "staging", "production", "edgeRoots"] as const) {
    const v = emulator[key];
    if (v) ready[key] = v;
  }
  process.stdout.write(JSON.stringify(ready) + "\n");
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    emulator.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`stop failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
