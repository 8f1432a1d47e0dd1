import { startEmulator, type EmulatorOptions, type StepDurations } from "./index";

const USAGE = `Usage: npm run emulator -- [options]
  --port N              API (HTTPS) port, default 0 (ephemeral)
  --admin-port N        admin (HTTP) port, default 0 (ephemeral)
  --edgerc PATH         .edgerc to write (other sections are kept), default <data-dir>/.edgerc
  --section NAME        .edgerc section, default "default"
  --state FILE          persist state to FILE and reload it on start
  --data-dir DIR        folder for generated files (CA PEM, .edgerc), default a temp dir
  --time-scale N        emulator ms per real ms, default 1
  --step STEP=MS        duration of one step in emulator ms (repeatable), e.g. --step deploy-cert-to-production=2000
  --auth-window-ms N    accepted EdgeGrid timestamp skew, default 300000
  --create-throttle     one enrollment creation per contract per 5 minutes (409 inside the window)
  --dv-status-spelling  coodinate-domain-validation (default) | coordinate-domain-validation
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
    switch (flag) {
      case "--port": options.port = num(); break;
      case "--admin-port": options.adminPort = num(); break;
      case "--edgerc": options.edgerc = value(); break;
      case "--section": options.section = value(); break;
      case "--state": options.stateFile = value(); break;
      case "--data-dir": options.dataDir = value(); break;
      case "--time-scale": options.timeScale = num(); break;
      case "--auth-window-ms": options.authWindowMs = num(); break;
      case "--create-throttle": options.createThrottle = true; break;
      case "--dv-status-spelling": {
        const v = value();
        if (v !== "coodinate-domain-validation" && v !== "coordinate-domain-validation") throw new Error(`unknown spelling ${v}`);
        options.dvStatusSpelling = v;
        break;
      }
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
