/**
 * Provider-level configuration, received at run time through the dynamic provider's `configure`
 * (the whole stack config, namespaced `pulumi-akamai-cps:*`) or environment variables. Credentials
 * live here, never in resource inputs (they would land in state) and never in the serialized
 * provider. One CpsClient per configuration per process, shared by every resource, so the rate
 * limiter and the enrollment list cache are shared too.
 */
import { CpsClient, CpsClientOptions, CpsConfigError } from "../cps";
import { authoritativeResolvers, fixedResolvers, TxtLookup } from "../lifecycle/dns-propagation";
import { positiveInteger, resolverList, SettingChecker, shareOfOne } from "./provider-settings-check";

export const CONFIG_NAMESPACE = "pulumi-akamai-cps";

/** Keys read from stack config (`pulumi config set pulumi-akamai-cps:<key> ...`) and their env fallbacks. */
const KEYS = {
  edgerc: "PULUMI_AKAMAI_CPS_EDGERC",
  section: "PULUMI_AKAMAI_CPS_SECTION",
  host: "PULUMI_AKAMAI_CPS_HOST",
  clientToken: "PULUMI_AKAMAI_CPS_CLIENT_TOKEN",
  clientSecret: "PULUMI_AKAMAI_CPS_CLIENT_SECRET",
  accessToken: "PULUMI_AKAMAI_CPS_ACCESS_TOKEN",
  accountKey: "PULUMI_AKAMAI_CPS_ACCOUNT_KEY",
  caCertPath: "PULUMI_AKAMAI_CPS_CA_CERT_PATH",
  dnsResolvers: "PULUMI_AKAMAI_CPS_DNS_RESOLVERS",
  requestsPerTwoSeconds: "PULUMI_AKAMAI_CPS_REQUESTS_PER_2S",
  requestsPerMinute: "PULUMI_AKAMAI_CPS_REQUESTS_PER_MINUTE",
  budgetShare: "PULUMI_AKAMAI_CPS_BUDGET_SHARE",
} as const;

export type ProviderSettingKey = keyof typeof KEYS;
export type ProviderSettings = Partial<Record<ProviderSettingKey, string>>;

/** The format of each setting that has one (a new numeric setting adds a line here). */
const CHECKS: Partial<Record<ProviderSettingKey, SettingChecker>> = {
  dnsResolvers: resolverList,
  requestsPerTwoSeconds: positiveInteger,
  requestsPerMinute: positiveInteger,
  budgetShare: shareOfOne,
};

interface ConfigSource {
  get(key: string): string | undefined;
}

let configured: ProviderSettings = {};

/**
 * Called from the dynamic provider's `configure` with the stack configuration. Throws on a bad
 * setting (stack config or environment), so the first resource's check fails before anything exists.
 */
export function configureFrom(config: ConfigSource): void {
  const next: ProviderSettings = {};
  for (const key of Object.keys(KEYS) as ProviderSettingKey[]) {
    const value = config.get(`${CONFIG_NAMESPACE}:${key}`);
    if (value !== undefined && value !== "") next[key] = value;
  }
  configured = next;
  settingsProblem();
}

/** Settings: stack config first, then `PULUMI_AKAMAI_CPS_*` environment variables. */
export function currentSettings(env: NodeJS.ProcessEnv = process.env): ProviderSettings {
  const out: ProviderSettings = {};
  for (const [key, envName] of Object.entries(KEYS) as Array<[ProviderSettingKey, string]>) {
    const value = configured[key] ?? env[envName];
    if (value !== undefined && value !== "") out[key] = value;
  }
  return out;
}

/**
 * Every setting checked against its format; throws a CpsConfigError naming, for each bad one, the
 * stack-config key, the environment variable and which of the two the value came from.
 */
export function settingsProblem(env: NodeJS.ProcessEnv = process.env): void {
  const problems: string[] = [];
  for (const [key, envName] of Object.entries(KEYS) as Array<[ProviderSettingKey, string]>) {
    const check = CHECKS[key];
    const fromConfig = configured[key] !== undefined;
    const raw = configured[key] ?? env[envName];
    if (!check || raw === undefined || raw === "") continue;
    const problem = check(raw);
    if (problem) {
      problems.push(
        `${CONFIG_NAMESPACE}:${key} (environment variable ${envName}) = ${JSON.stringify(raw)} from ${fromConfig ? "stack config" : "the environment"}: ${problem}`,
      );
    }
  }
  if (problems.length > 0) {
    throw new CpsConfigError(`Invalid provider setting${problems.length > 1 ? "s" : ""}: ${problems.join("; ")}. See docs/troubleshooting.md#provider-settings.`, { code: "ProviderSettingInvalid" });
  }
}

const clients = new Map<string, CpsClient>();

/** The shared client for the current settings (credentials resolved by the client: explicit → env → .edgerc). */
export function getClient(): CpsClient {
  const s = currentSettings();
  const key = JSON.stringify(s);
  let client = clients.get(key);
  if (!client) {
    settingsProblem(); // environment-only setups never pass through configure
    const perTwoSeconds = s.requestsPerTwoSeconds ? Number(s.requestsPerTwoSeconds) : undefined;
    const perMinute = s.requestsPerMinute ? Number(s.requestsPerMinute) : undefined;
    const share = s.budgetShare ? Number(s.budgetShare) : undefined;
    const options: CpsClientOptions = {
      ...(s.edgerc ? { edgercPath: s.edgerc } : {}),
      ...(s.section ? { section: s.section } : {}),
      ...(s.host ? { host: s.host } : {}),
      ...(s.clientToken ? { clientToken: s.clientToken } : {}),
      ...(s.clientSecret ? { clientSecret: s.clientSecret } : {}),
      ...(s.accessToken ? { accessToken: s.accessToken } : {}),
      ...(s.accountKey ? { accountKey: s.accountKey } : {}),
      ...(s.caCertPath ? { caCertPath: s.caCertPath } : {}),
      ...(perTwoSeconds && perTwoSeconds > 0 ? { requestsPerTwoSeconds: perTwoSeconds } : {}),
      ...(perMinute && perMinute > 0 ? { requestsPerMinute: perMinute } : {}),
      ...(share && share > 0 && share <= 1 ? { budgetShare: share } : {}),
      log: (level, message) => {
        if (level !== "debug" || process.env.PULUMI_AKAMAI_CPS_DEBUG) process.stderr.write(`[cps] ${level}: ${message}\n`);
      },
    };
    client = CpsClient.create(options);
    clients.set(key, client);
  }
  return client;
}

/** Where DNS propagation checks look: configured resolvers, else the zone's authoritative servers. */
export function txtLookup(resolvers?: readonly string[]): TxtLookup {
  if (!(resolvers && resolvers.length > 0)) settingsProblem();
  const configuredResolvers = resolvers && resolvers.length > 0 ? [...resolvers] : currentSettings().dnsResolvers?.split(",").map((s) => s.trim()).filter(Boolean);
  return configuredResolvers && configuredResolvers.length > 0 ? fixedResolvers(configuredResolvers) : authoritativeResolvers();
}

/** For tests: forget configuration and clients (each test of settings starts from nothing). */
export function resetProviderConfig(): void {
  configured = {};
  clients.clear();
}
