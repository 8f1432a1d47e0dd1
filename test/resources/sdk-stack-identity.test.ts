/**
 * The SDK tells the provider which stack a resource belongs to (`__cpsStack`): the create journal is
 * keyed by it, so an interrupted create resumes only this stack's own enrollment.
 */
import * as pulumi from "@pulumi/pulumi";

describe("Enrollment inputs from the SDK", () => {
  it("carry organization/project/stack and the resource name", async () => {
    const seen: Array<Record<string, unknown>> = [];
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          seen.push(args.inputs as Record<string, unknown>);
          return { id: "10001", state: args.inputs };
        },
        call: () => ({}),
      },
      "proj",
      "staging",
      false,
      "acme-org",
    );
    const { Enrollment } = await import("../../sdk/enrollment");
    const cert = new Enrollment("www", { contractId: "K-0N7RAK71", commonName: "www.example.com" });
    await new Promise<void>((resolve) => cert.urn.apply(() => resolve()));
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ __cpsName: "www", __cpsStack: "acme-org/proj/staging" });
  });
});
