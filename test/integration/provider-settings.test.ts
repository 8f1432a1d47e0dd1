/**
 * A bad provider setting fails before any resource is created, through the real dynamic-provider
 * host (which configures a provider once and caches it even when configure threw), naming the
 * stack-config key and the environment variable.
 */
import { startEmulator, RunningEmulator } from "../../emulator";
import { StackDriver } from "./stack-driver";
import { enrollmentInputs } from "./fixtures";

jest.setTimeout(60_000);

describe("provider settings through the dynamic-provider host", () => {
  let emulator: RunningEmulator;
  let driver: StackDriver | undefined;
  beforeAll(async () => {
    emulator = await startEmulator({});
  });
  afterAll(async () => {
    await driver?.stop();
    await emulator?.stop();
  });

  it("refuses every resource's check before any API call when a setting is malformed", async () => {
    driver = await StackDriver.start({
      "pulumi-akamai-cps:edgerc": emulator.edgerc,
      "pulumi-akamai-cps:section": emulator.section,
      "pulumi-akamai-cps:caCertPath": emulator.caCert,
      "pulumi-akamai-cps:requestsPerTwoSeconds": "0.01",
      "pulumi-akamai-cps:dnsResolvers": "not-an-ip,,:::",
    });
    const before = emulator.stats().requests;
    for (const name of ["first", "second"]) {
      const attempt = driver.up("Enrollment", name, enrollmentInputs("settings.test", { commonName: `${name}.settings.test`, sans: [] }));
      await expect(attempt).rejects.toThrow(/pulumi-akamai-cps:requestsPerTwoSeconds \(environment variable PULUMI_AKAMAI_CPS_REQUESTS_PER_2S\) = "0\.01" from stack config: must be a positive whole number/);
      await expect(driver.up("DvValidation", `${name}-dv`, { enrollmentId: 1 })).rejects.toThrow(/pulumi-akamai-cps:dnsResolvers \(environment variable PULUMI_AKAMAI_CPS_DNS_RESOLVERS\)/);
    }
    expect(emulator.stats().requests).toBe(before);
    expect(driver.states.size).toBe(0);
  });
});
