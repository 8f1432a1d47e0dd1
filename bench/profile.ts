/**
 * The "realistic" CPS profile of the benchmarks: step durations of a DV certificate in CPS time,
 * in the range Akamai documents and users report (a minute to generate the CSR, minutes for the CA
 * and for each network deployment). TIME_SCALE compresses CPS time for the emulator (its steps, its
 * account-budget windows, its creation throttle: all on its clock) and for the provider under test
 * (bench/time-warp), so every limit keeps its proportion: 35 requests per CPS minute, one creation
 * per 5 CPS minutes. 100×: the 50-certificate stack (~265 CPS minutes, the throttle) takes ~160 s.
 */
import type { StepDurations } from "../emulator";

export const TIME_SCALE = 100;

export const REALISTIC_STEPS: Partial<StepDurations> = {
  "generate-csr": 60_000,
  "check-for-cert": 120_000,
  "deploy-cert-to-staging": 300_000,
  "deploy-cert-to-production": 600_000,
  "dv-recheck-interval": 60_000,
};

/** The provider signs with CPS-time timestamps (bench/time-warp), so the emulator must accept the skew. */
export const WIDE_AUTH_WINDOW_MS = 30 * 86_400_000;

export const CONTRACT = "K-0N7RAK71";
export const CONTACT = { firstName: "Ada", lastName: "Lovelace", email: "hostmaster@example.test", phone: "+1 617 555 0100" };

export function enrollmentInputs(zone: string, contractId = CONTRACT, commonName = `www.${zone}`, sans: string[] = [zone, `api.${zone}`]) {
  return {
    contractId,
    commonName,
    sans,
    secureNetwork: "enhanced-tls",
    sniOnly: true,
    changeManagement: true,
    adminContact: CONTACT,
    techContact: CONTACT,
    organization: { name: "Example Inc.", country: "US" },
    csr: { c: "US", st: "MA", l: "Cambridge", o: "Example Inc." },
    timeout: "2h",
  };
}
