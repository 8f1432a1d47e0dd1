import { FakeCpsServer } from "./support/fake-cps-server";
import { testClient } from "./support/client-factory";
import { example } from "./support/examples";

describe("listing a contract's enrollments", () => {
  let server: FakeCpsServer;
  beforeAll(async () => {
    server = await FakeCpsServer.start();
  });
  afterAll(async () => {
    await server.stop();
  });

  it("skips (and reports once) an enrollment in a shape it cannot parse instead of failing the whole list", async () => {
    const { client, logs } = testClient(server);
    const known = (example("newer/enrollments.v12.json") as { enrollments: unknown[] }).enrollments;
    const foreign = { location: "/cps/v2/enrollments/999", csr: "not an object", ra: 7 };
    server.reset(() => ({ body: { enrollments: [...known, foreign] } }));
    const first = await client.listEnrollments("K-1");
    expect(first).toHaveLength(known.length);
    await client.listEnrollments("K-1");
    const warnings = logs.filter((l) => l.level === "warn" && /skipped 1 enrollment/.test(l.message));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toContain("/cps/v2/enrollments/999");
    client.close();
  });
});
