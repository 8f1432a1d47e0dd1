import { z } from "zod";

/**
 * PAPI edge hostnames, as Akamai's Go client models them (`pkg/papi/edgehostname.go` in
 * https://github.com/akamai/AkamaiOPEN-edgegrid-golang): create body, the `edgeHostnameLink`
 * answer of the create, and the `edgeHostnames.items[]` list a GET answers.
 */

/** Secure networks an edge hostname can use, and the domain suffix each one requires (Go client's Validate). */
export const SECURE_NETWORK_SUFFIX = {
  ENHANCED_TLS: "edgekey.net",
  STANDARD_TLS: "edgesuite.net",
  SHARED_CERT: "akamaized.net",
} as const;
export type EdgeHostnameSecureNetwork = keyof typeof SECURE_NETWORK_SUFFIX;
export const IP_VERSION_BEHAVIORS = ["IPV4", "IPV6_COMPLIANCE", "IPV6_PERFORMANCE"] as const;
export type IpVersionBehavior = (typeof IP_VERSION_BEHAVIORS)[number];

export const edgeHostnameCreateSchema = z.strictObject({
  productId: z.string().min(1),
  domainPrefix: z.string().min(1),
  domainSuffix: z.string().min(1),
  secure: z.boolean().optional(),
  secureNetwork: z.enum(["ENHANCED_TLS", "STANDARD_TLS", "SHARED_CERT"]).optional(),
  ipVersionBehavior: z.enum(IP_VERSION_BEHAVIORS),
  certEnrollmentId: z.number().int().positive().optional(),
  slotNumber: z.number().int().positive().optional(),
});
export type EdgeHostnameCreate = z.output<typeof edgeHostnameCreateSchema>;

export const edgeHostnameLinkSchema = z.looseObject({ edgeHostnameLink: z.string().min(1) });

export const edgeHostnameItemSchema = z.looseObject({
  edgeHostnameId: z.string().min(1),
  edgeHostnameDomain: z.string().min(1),
  productId: z.string().optional(),
  domainPrefix: z.string(),
  domainSuffix: z.string(),
  /** `PENDING` while Akamai provisions it (10–15 minutes), `ACTIVE` once usable; absent on some accounts. */
  status: z.string().optional(),
  secure: z.boolean().optional(),
  ipVersionBehavior: z.string().optional(),
});
export type EdgeHostnameItem = z.output<typeof edgeHostnameItemSchema>;

export const edgeHostnamesResponseSchema = z.looseObject({
  accountId: z.string().optional(),
  contractId: z.string().optional(),
  groupId: z.string().optional(),
  edgeHostnames: z.looseObject({ items: z.array(edgeHostnameItemSchema) }),
});
