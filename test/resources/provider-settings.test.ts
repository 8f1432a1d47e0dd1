/**
 * Provider settings are checked when the provider is configured: a bad value fails naming the
 * stack-config key and the environment variable, instead of being ignored (requestsPerTwoSeconds
 * "abc"/"-5"), reported under an internal name ("0.01" → "rateLimit: …"), or failing only at
 * DvValidation after the enrollment exists (dnsResolvers "not-an-ip,,:::").
 */
import { configureFrom, getClient, resetProviderConfig, txtLookup } from "../../provider/resources/provider-config";

const configOf = (values: Record<string, string>) => ({ get: (key: string) => values[key] });

describe("provider settings are checked at configure", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    resetProviderConfig();
  });

  it.each(["abc", "-5", "0.01", "0", "20 requests"])("refuses requestsPerTwoSeconds %j, naming the key and the variable", (value) => {
    expect(() => configureFrom(configOf({ "pulumi-akamai-cps:requestsPerTwoSeconds": value }))).toThrow(
      new RegExp(`pulumi-akamai-cps:requestsPerTwoSeconds \\(environment variable PULUMI_AKAMAI_CPS_REQUESTS_PER_2S\\) = ${JSON.stringify(value).replace(/[.*+?^${}()|[\]\\-]/g, "\\$&")} from stack config: must be a positive whole number`),
    );
  });

  it.each([
    ["requestsPerMinute", "PULUMI_AKAMAI_CPS_REQUESTS_PER_MINUTE", "35/min", "must be a positive whole number"],
    ["requestsPerMinute", "PULUMI_AKAMAI_CPS_REQUESTS_PER_MINUTE", "0", "must be a positive whole number"],
    ["budgetShare", "PULUMI_AKAMAI_CPS_BUDGET_SHARE", "50%", "must be a number greater than 0 and at most 1"],
    ["budgetShare", "PULUMI_AKAMAI_CPS_BUDGET_SHARE", "2", "must be a number greater than 0 and at most 1"],
    ["budgetShare", "PULUMI_AKAMAI_CPS_BUDGET_SHARE", "0", "must be a number greater than 0 and at most 1"],
  ])("refuses %s (%s) = %j (it was silently ignored before), naming the key and the variable", (key, env, value, problem) => {
    expect(() => configureFrom(configOf({ [`pulumi-akamai-cps:${key}`]: value }))).toThrow(`pulumi-akamai-cps:${key} (environment variable ${env}) = ${JSON.stringify(value)} from stack config: ${problem}`);
  });

  it("refuses a bad dnsResolvers list from the environment, naming each bad entry", () => {
    process.env.PULUMI_AKAMAI_CPS_DNS_RESOLVERS = "not-an-ip,,:::";
    let message = "";
    try {
      configureFrom(configOf({}));
    } catch (e) {
      message = e instanceof Error ? e.message : String(e);
    }
    expect(message).toContain("pulumi-akamai-cps:dnsResolvers (environment variable PULUMI_AKAMAI_CPS_DNS_RESOLVERS)");
    expect(message).toContain("from the environment");
    expect(message).toContain("without empty entries");
    process.env.PULUMI_AKAMAI_CPS_DNS_RESOLVERS = "not-an-ip, 192.0.2.1:99999";
    expect(() => configureFrom(configOf({}))).toThrow(/"not-an-ip" is not an IP address.*"192\.0\.2\.1:99999" has an invalid port/);
    // The DNS check that would have failed at DvValidation refuses the same setting on its own too.
    expect(() => txtLookup()).toThrow(/pulumi-akamai-cps:dnsResolvers/);
  });

  it("refuses a bad setting even when only the environment sets it and configure never ran", () => {
    process.env.PULUMI_AKAMAI_CPS_REQUESTS_PER_2S = "abc";
    expect(() => getClient()).toThrow(/PULUMI_AKAMAI_CPS_REQUESTS_PER_2S.*must be a positive whole number/);
    const thrown = (() => {
      try {
        getClient();
      } catch (e) {
        return e;
      }
    })();
    expect(thrown).toMatchObject({ code: "ProviderSettingInvalid" });
  });

  it("accepts well-formed settings", () => {
    expect(() =>
      configureFrom(configOf({ "pulumi-akamai-cps:requestsPerTwoSeconds": "10", "pulumi-akamai-cps:requestsPerMinute": "1000000", "pulumi-akamai-cps:budgetShare": "0.8", "pulumi-akamai-cps:dnsResolvers": "127.0.0.1:5353, ::1, [2001:db8::53]:53,192.0.2.1" })),
    ).not.toThrow();
  });
});
