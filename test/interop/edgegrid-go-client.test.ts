/**
 * Akamai's own Go client (edgegrid-golang v13, pkg/cps with pkg/session and pkg/edgegrid; pkg/dns
 * for the dns-01 records) drives the emulator through test/interop/go-cps: a DV enrollment to
 * completion, its deployments and histories, a SAN added and rescheduled, a third-party enrollment
 * with pre- and post-verification warnings, removal. Every response must decode into the Go types
 * without losing a member the emulator sent (strict decoding and re-encoding, see go-cps/check.go).
 */
import { execFile } from "node:child_process";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { buildGoProgram, onPath, PEER_EMULATOR_OPTIONS } from "./peers";

const hasGo = onPath("go");
if (!hasGo) {
  console.warn("SKIPPED: `go` is not on PATH; the Go client interop test needs the Go toolchain (https://go.dev/doc/install)");
}
const describeWithGo = hasGo ? describe : describe.skip;

interface Step {
  step: string;
  error?: string;
  fidelity?: { unknown?: string; gaps?: string[]; lost?: string[] };
  result?: unknown;
}

const ZONE = "gointerop.test";
const CONTRACT = "K-0N7RAK71";

function runProgram(binary: string, emulator: RunningEmulator): Promise<{ code: number; steps: Step[]; stderr: string }> {
  return new Promise((resolve) => {
    const env = {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      AKAMAI_EDGERC: emulator.edgerc,
      AKAMAI_EDGERC_SECTION: emulator.section,
      CPS_CONTRACT_ID: CONTRACT,
      CPS_ZONE: ZONE,
      SSL_CERT_FILE: emulator.caCert, // how any Go program on Linux is told to trust a private CA
    };
    execFile(binary, [], { env, timeout: 240_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const steps = stdout
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as Step);
      resolve({ code: error ? Number(error.code ?? 1) : 0, steps, stderr });
    });
  });
}

describeWithGo("Akamai's Go client (edgegrid-golang pkg/cps) against the emulator", () => {
  let emulator: RunningEmulator;
  let steps: Step[] = [];
  const named = (name: string): Step[] => steps.filter((s) => s.step === name);
  const result = <T>(name: string): T => {
    const found = named(name);
    expect(found.length).toBeGreaterThan(0);
    return found[found.length - 1].result as T;
  };

  beforeAll(async () => {
    const binary = buildGoProgram();
    emulator = await startEmulator(PEER_EMULATOR_OPTIONS);
    const zone = await fetch(`${emulator.admin}/dns/zones`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ zone: ZONE }) });
    expect(zone.status).toBe(201);
    const run = await runProgram(binary, emulator);
    steps = run.steps;
    if (run.code !== 0) console.error(`go-cps exited ${run.code}\n${run.stderr}\n${JSON.stringify(steps.slice(-3), null, 2)}`);
  }, 300_000);
  afterAll(async () => {
    await emulator?.stop();
  });

  it("runs every step to the end without a failed call", () => {
    expect(steps.filter((s) => s.error)).toEqual([]);
    expect(steps[steps.length - 1]?.step).toBe("end");
  });

  it("decodes every response into the Go types without losing a member the emulator sent", () => {
    const losses = steps
      .filter((s) => s.fidelity && (s.fidelity.unknown || (s.fidelity.lost ?? []).length > 0))
      .map((s) => ({ step: s.step, ...s.fidelity }));
    expect(losses).toEqual([]);
    // the only members the Go types lack are the documented ones go-cps/check.go lists (knownGaps)
    const gaps = new Set(steps.flatMap((s) => s.fidelity?.gaps ?? []).map((p) => p.split(".").pop()));
    expect([...gaps]).toEqual(["fipsMode"]);
  });

  it("answers an unknown enrollment with the 404 the Go client recognises as cps.ErrNotFound", () => {
    expect(result<{ isNotFound: boolean; error: { statusCode: number } }>("GetEnrollment(unknown id)")).toMatchObject({ isNotFound: true, error: { statusCode: 404 } });
  });

  it("completes the DV change through dns-01 records written with the Go client's Edge DNS calls", () => {
    const order = steps.map((s) => s.step);
    const sequence = ["CreateEnrollment", "GetChangeLetsEncryptChallenges", "dns.CreateRecord", "AcknowledgeDVChallenges", "GetChangeManagementInfo", "GetChangeDeploymentInfo", "AcknowledgeChangeManagement", "GetProductionDeployment"];
    const positions = sequence.map((name) => order.indexOf(name));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    const challenges = named("GetChangeLetsEncryptChallenges")[0].result as { dv: { domain: string; challenges: { type: string }[] }[] };
    expect(challenges.dv.map((d) => d.domain).sort()).toEqual([`api.${ZONE}`, `www.${ZONE}`]);
    expect(challenges.dv.every((d) => d.challenges.some((c) => c.type === "dns-01"))).toBe(true);
  });

  it("reads deployments and histories of the live certificate", () => {
    const production = result<{ primaryCertificate: { certificate: string }; networkConfiguration: { dnsNames: string[] } }>("GetProductionDeployment");
    expect(production.primaryCertificate.certificate).toContain("BEGIN CERTIFICATE");
    expect([...production.networkConfiguration.dnsNames].sort()).toEqual([`api.${ZONE}`, `www.${ZONE}`]);
    const listed = result<{ production: { primaryCertificate: { certificate: string } }; staging: unknown }>("ListDeployments");
    expect(listed.production.primaryCertificate.certificate).toBe(production.primaryCertificate.certificate);
    expect(listed.staging).not.toBeNull();
    expect(result<{ changes: { status: string }[] }>("GetChangeHistory").changes[0]).toMatchObject({ status: "completed" });
    expect(result<{ certificates: unknown[] }>("GetCertificateHistory").certificates.length).toBeGreaterThan(0);
  });

  it("adds a SAN with UpdateEnrollment, reschedules that change and completes it", () => {
    const update = result<{ changes: string[] }>("UpdateEnrollment");
    expect(update.changes).toHaveLength(1);
    // the enrollment read while that change is pending names it (PendingChange in the Go types)
    const pending = result<{ pendingChanges?: { location: string; changeType: string }[]; csr: { sans: string[] } }>("GetEnrollment(pending change)");
    expect(pending.pendingChanges).toEqual([{ location: update.changes[0], changeType: "modify-san" }]);
    const schedule = result<{ notAfter?: string }>("GetDeploymentSchedule(after update)");
    expect(Date.parse(schedule.notAfter ?? "")).toBeGreaterThan(Date.now());
    const statuses = named("GetChangeStatus").map((s) => (s.result as { statusInfo: { status: string } }).statusInfo.status);
    expect(statuses.filter((s) => s === "complete")).toHaveLength(3);
  });

  it("uploads a third-party certificate for CPS's CSR and reads the warnings CPS raises", () => {
    expect(result<{ csrs: { csr: string }[] }>("GetChangeThirdPartyCSR").csrs[0].csr).toContain("BEGIN CERTIFICATE REQUEST");
    expect(named("UploadThirdPartyCertAndTrustChain")).toHaveLength(1);
    // a SAN shared with the DV enrollment, and one the test CA left out of the certificate
    expect(result<{ warnings: string }>("GetChangePreVerificationWarnings").warnings).toMatch(/is overlapping DNS name of one or more enrollments/);
    expect(result<{ warnings: string }>("GetChangePostVerificationWarnings").warnings).toMatch(/SAN name \[[^\]]+\] is missing from the certificate/);
    expect(named("AcknowledgePostVerificationWarnings")).toHaveLength(1);
  });

  it("cancels a forced renewal with CancelChange", () => {
    const renewal = result<{ changes: string[] }>("UpdateEnrollment(force-renewal)").changes[0];
    expect(result<{ change: string }>("CancelChange").change).toBe(renewal);
    expect(result<{ statusInfo: { state: string } }>("GetChangeStatus(cancelled)").statusInfo.state).toBe("cancelled");
  });

  it("removes both enrollments", () => {
    expect(result<{ enrollment: string }>("RemoveEnrollment").enrollment).toMatch(/\/cps\/v2\/enrollments\/\d+$/);
    expect(result<{ enrollment: string }>("RemoveEnrollment(third-party)").enrollment).toMatch(/\/cps\/v2\/enrollments\/\d+$/);
  });
});
