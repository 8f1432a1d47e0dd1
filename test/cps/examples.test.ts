import type { z } from "zod";
import { example } from "./support/examples";
import {
  activeCertificatesSchema,
  certificateHistorySchema,
  changeHistorySchema,
  changeIdSchema,
  changeManagementInfoSchema,
  changeStatusSchema,
  csrsSchema,
  deploymentScheduleSchema,
  deploymentSchema,
  deploymentsSchema,
  dvChallengesSchema,
  dvHistorySchema,
  enrollmentSchema,
  enrollmentsSchema,
  enrollmentStatusSchema,
  problemSchema,
  toEnrollmentRequest,
  warningsSchema,
} from "../../provider/cps";

/** Every official example body of a version the client reads must parse. */
const cases: Array<[string, z.ZodType]> = [
  ["enrollment.v7.json", enrollmentSchema],
  ["enrollment.v9.json", enrollmentSchema],
  ["enrollment.v10.json", enrollmentSchema],
  ["enrollment.v11.json", enrollmentSchema],
  ["newer/enrollment.v12.json", enrollmentSchema],
  ["enrollments.v7.json", enrollmentsSchema],
  ["enrollments.v9.json", enrollmentsSchema],
  ["enrollments.v10.json", enrollmentsSchema],
  ["enrollments.v11.json", enrollmentsSchema],
  ["newer/enrollments.v12.json", enrollmentsSchema],
  ["enrollment-status.v1.json", enrollmentStatusSchema],
  ["change-id.v1.json", changeIdSchema],
  ["change.v1-no-error-allowed-input-3p.json", changeStatusSchema],
  ["deployment-schedule.v1.json", deploymentScheduleSchema],
  ["dv-challenges.v2-sample.json", dvChallengesSchema],
  ["csr.v2.json", csrsSchema],
  ["warnings.v1-3p-post-verification.json", warningsSchema],
  ["warnings.v1-auto-pre-verification.json", warningsSchema],
  ["change-management-info.v5-3p.json", changeManagementInfoSchema],
  ["newer/change-management-info.v6-3p.json", changeManagementInfoSchema],
  ["deployment.v6-network.json", deploymentSchema],
  ["newer/deployment.v8.json", deploymentSchema],
  // The v6/v7 "single deployment" examples carry a {production, staging} wrapper (spec bug).
  ["deployment.v6.json", deploymentsSchema],
  ["deployment.v7.json", deploymentsSchema],
  ["deployments.v6-3p.json", deploymentsSchema],
  ["deployments.v7-3p.json", deploymentsSchema],
  ["newer/deployments.v8-3p.json", deploymentsSchema],
  ["dv-history.v1.json", dvHistorySchema],
  ["certificate-history.v2.json", certificateHistorySchema],
  ["change-history.v5.json", changeHistorySchema],
  ["newer/active-certificates.v2.json", activeCertificatesSchema],
  ["newer/400.json", problemSchema],
  ["newer/409.json", problemSchema],
  ["newer/429.json", problemSchema],
  ["newer/500.json", problemSchema],
];

describe("official example bodies parse", () => {
  it.each(cases)("%s", (file, schema) => {
    const result = schema.safeParse(example(file));
    expect(result.error?.issues ?? []).toEqual([]);
  });

  it("normalises ids, pendingChanges shapes and orgId", () => {
    const v9 = enrollmentSchema.parse(example("enrollment.v9.json"));
    expect(v9.id).toBe(10001); // from location: v9 has no id member
    expect(v9.pendingChanges).toEqual([{ location: "/cps-api/enrollments/10001/changes/10002", changeType: null, changeId: 10002 }]);
    const v11 = enrollmentSchema.parse(example("enrollment.v11.json"));
    expect(v11.id).toBe(10001);
    expect(v11.orgId).toBe("645263546");
    expect(enrollmentSchema.parse(example("newer/enrollment.v12.json")).orgId).toBe(645263546);
  });

  it("reads change-management-info v5 string booleans as booleans", () => {
    const v5 = changeManagementInfoSchema.parse(example("change-management-info.v5-3p.json"));
    expect(v5.pendingState.pendingNetworkConfiguration?.quicEnabled).toBe(false);
    expect(v5.pendingState.pendingNetworkConfiguration?.sniOnly).toBe(false);
    expect(v5.pendingState.pendingCertificates?.[0]?.ocspStapled).toBe(false);
  });

  it("maps ocspStapling True/False (v5/v7) to on/off and keeps unknown values", () => {
    const base = example("newer/deployment.v8.json") as { networkConfiguration: Record<string, unknown> };
    const parse = (value: string): unknown => deploymentSchema.parse({ ...base, networkConfiguration: { ...base.networkConfiguration, ocspStapling: value } }).networkConfiguration.ocspStapling;
    expect(parse("True")).toBe("on");
    expect(parse("False")).toBe("off");
    expect(parse("not-set")).toBe("not-set");
    expect(parse("sometimes")).toBe("sometimes");
  });

  it("accepts both DV status spellings and unknown statuses", () => {
    for (const status of ["coodinate-domain-validation", "coordinate-domain-validation", "brand-new-status"]) {
      const parsed = changeStatusSchema.parse({ statusInfo: { status, state: "brand-new-state", description: "" }, allowedInput: [] });
      expect(parsed.statusInfo.status).toBe(status);
    }
  });

  it("turns a fetched v11/v12 enrollment into a valid v12 request body (read-only members dropped)", () => {
    for (const file of ["enrollment.v11.json", "newer/enrollment.v12.json"]) {
      const request = toEnrollmentRequest(enrollmentSchema.parse(example(file)));
      expect(request).not.toHaveProperty("id");
      expect(request).not.toHaveProperty("pendingChanges");
      expect(request.orgId).toBe(645263546);
      expect(request.csr.cn).toBe("www.example.com");
    }
  });

  it("rejects a change status without statusInfo (a real contract break)", () => {
    expect(changeStatusSchema.safeParse({ allowedInput: [] }).success).toBe(false);
  });
});
