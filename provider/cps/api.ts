/**
 * What the resource and lifecycle layers depend on: the CPS operations, not the HTTP client that
 * implements them (as edgegrid-golang's pkg/cps has `type CPS interface` beside its client, so that
 * callers can be tested against a mock). `CpsClient` implements it; test/support has a fake.
 */
import type { CpsClient } from "./client";

export type CpsApi = Omit<CpsClient, "close">;
