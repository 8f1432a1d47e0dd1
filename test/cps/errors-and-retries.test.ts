import * as net from "node:net";
import { FakeCpsServer } from "./support/fake-cps-server";
import { testClient } from "./support/client-factory";
import { example } from "./support/examples";
import { CpsApiError, CpsClient, type AllowedInput } from "../../provider/cps";
import { dvEnrollment } from "./support/fixtures";

const problemHeaders = { "Content-Type": "application/problem+json" };
const okChange = { body: { change: "/cps/v2/enrollments/10/changes/20" } };
const ackInput: AllowedInput = {
  type: "pre-verification-warnings-acknowledgement",
  requiredToProceed: true,
  info: "/cps/v2/enrollments/10/changes/20/input/info/pre-verification-warnings",
  update: "/cps/v2/enrollments/10/changes/20/input/update/pre-verification-warnings-ack",
};

describe("errors and retries", () => {
  let server: FakeCpsServer;
  beforeAll(async () => {
    server = await FakeCpsServer.start();
  });
  afterAll(async () => {
    await server.stop();
  });

  async function failure(promise: Promise<unknown>): Promise<CpsApiError> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CpsApiError);
    return error as CpsApiError;
  }

  describe("problem+json", () => {
    it("CPS family: type/title/detail/instance and the instance ?id= as request id", async () => {
      const { client } = testClient(server);
      server.reset(() => ({ status: 409, headers: problemHeaders, body: example("newer/409.json") }));
      const error = await failure(client.cancelChange(10, 20));
      expect(error).toMatchObject({
        status: 409,
        method: "DELETE",
        path: "/cps/v2/enrollments/10/changes/20",
        title: "Cannot cancel pending change.",
        detail: "There is a pending change on the enrollment.",
        requestId: "cca4df3cb6f246b09f966b2ac1c7d9e5",
      });
      expect(error.type).toMatch(/error-types\/cannot-cancel-pending-change$/);
      expect(error.message).toBe(
        "DELETE /cps/v2/enrollments/10/changes/20 failed: 409 Cannot cancel pending change.: There is a pending change on the enrollment. (request id cca4df3cb6f246b09f966b2ac1c7d9e5) [RequestRefused, see docs/troubleshooting.md#request-refused]",
      );
      expect(error.code).toBe("RequestRefused");
      expect(server.requests).toHaveLength(1);
      client.close();
    });

    it("gateway family: requestId member, with charset parameter on the content type", async () => {
      const { client } = testClient(server);
      server.reset(() => ({ status: 400, headers: { "Content-Type": "application/problem+json; charset=utf-8" }, body: example("newer/400.json") }));
      const error = await failure(client.getEnrollment(5));
      expect(error).toMatchObject({ status: 400, title: "Bad request", detail: "Authorization header missing", requestId: "140dd1e2" });
      expect(error.problem).toMatchObject({ serverIp: "192.0.2.53" });
      client.close();
    });

    it("404 problem without detail parses", async () => {
      const { client } = testClient(server);
      server.reset(() => ({ status: 404, headers: problemHeaders, body: { type: "https://h/cps/v2/error-types/not-found", title: "Not Found", instance: "https://h/cps/v2/error-types/not-found?id=abc123" } }));
      const error = await failure(client.getEnrollment(5));
      expect(error.plainMessage).toBe("GET /cps/v2/enrollments/5 failed: 404 Not Found (request id abc123)");
      expect(error.code).toBe("RequestRefused");
      expect(error.detail).toBeUndefined();
      client.close();
    });

    it("a non-JSON error body still yields a CpsApiError with the status", async () => {
      const { client } = testClient(server, { retry: { maxAttempts: 1 } });
      server.reset(() => ({ status: 502, headers: { "Content-Type": "text/html" }, body: "<html>Bad gateway</html>" }));
      const error = await failure(client.getEnrollment(5));
      expect(error.status).toBe(502);
      client.close();
    });

    it("never puts the client secret or tokens in errors or logs", async () => {
      const { client, logs } = testClient(server, { retry: { maxAttempts: 2 } });
      server.reset(() => ({ status: 500, headers: problemHeaders, body: example("newer/500.json") }));
      const error = await failure(client.getEnrollment(5));
      const everything = JSON.stringify({ message: error.message, error, logs });
      expect(everything).not.toContain("test-secret-do-not-print");
      expect(everything).not.toContain("akab-access-token-test");
      client.close();
    });
  });

  describe("retries", () => {
    it("GET: 503, 503, 200 → three requests, two jittered backoffs, each logged at debug with the reason", async () => {
      const { client, sleeps, logs } = testClient(server, { retry: { baseDelayMs: 100, maxDelayMs: 10_000 } });
      let calls = 0;
      server.reset(() => (++calls < 3 ? { status: 503, headers: problemHeaders, body: { title: "Service Unavailable" } } : { body: example("deployment-schedule.v1.json") }));
      await client.getDeploymentSchedule(10, 20);
      expect(server.requests).toHaveLength(3);
      // random() = 0.5 → half of base·2^(n-1)
      expect(sleeps).toEqual([50, 100]);
      const retryLogs = logs.filter((l) => l.message.startsWith("retrying"));
      expect(retryLogs).toHaveLength(2);
      expect(retryLogs.every((l) => l.level === "debug" && l.message.includes("HTTP 503"))).toBe(true);
      client.close();
    });

    it("GET gives up after maxAttempts and throws the last error", async () => {
      const { client, sleeps } = testClient(server, { retry: { maxAttempts: 3 } });
      server.reset(() => ({ status: 500, headers: problemHeaders, body: { title: "Server Error" } }));
      const error = await failure(client.getChangeHistory(10));
      expect(error.status).toBe(500);
      expect(server.requests).toHaveLength(3);
      expect(sleeps).toHaveLength(2);
      client.close();
    });

    it("backoff grows exponentially and is capped at maxDelayMs", async () => {
      const { client, sleeps } = testClient(server, { retry: { maxAttempts: 6, baseDelayMs: 1000, maxDelayMs: 5000 } });
      server.reset(() => ({ status: 503 }));
      await failure(client.getDvHistory(10));
      expect(sleeps).toEqual([500, 1000, 2000, 2500, 2500]);
      client.close();
    });

    it("429 with Retry-After seconds waits exactly that long", async () => {
      const { client, sleeps } = testClient(server);
      let calls = 0;
      server.reset(() => (++calls === 1 ? { status: 429, headers: { ...problemHeaders, "Retry-After": "3" }, body: { title: "Too Many Requests" } } : { body: { changes: [] } }));
      await client.getChangeHistory(10);
      expect(server.requests).toHaveLength(2);
      expect(sleeps).toEqual([3000]);
      client.close();
    });

    it("429 with Retry-After as an HTTP date", async () => {
      const { client, sleeps } = testClient(server);
      let calls = 0;
      const at = new Date(Date.now() + 60_000).toUTCString();
      server.reset(() => (++calls === 1 ? { status: 429, headers: { "Retry-After": at } } : { body: { changes: [] } }));
      await client.getChangeHistory(10);
      expect(sleeps).toHaveLength(1);
      expect(sleeps[0]!).toBeGreaterThan(50_000);
      expect(sleeps[0]!).toBeLessThanOrEqual(60_000);
      client.close();
    });

    it("429 with only the 'Retry after: N seconds' detail (official example), also for POST", async () => {
      const { client, sleeps } = testClient(server);
      let calls = 0;
      server.reset(() => (++calls === 1 ? { status: 429, headers: problemHeaders, body: example("newer/429.json") } : { status: 202, body: example("enrollment-status.v1.json") }));
      const result = await client.createEnrollment({ contractId: "K-1", enrollment: dvEnrollment });
      expect(result.enrollmentId).toBe(10002);
      expect(server.requests.map((r) => r.method)).toEqual(["POST", "POST"]);
      expect(sleeps).toEqual([21_000]);
      client.close();
    });

    it("POST is not retried on 5xx (it may have been applied)", async () => {
      const { client, sleeps } = testClient(server);
      server.reset(() => ({ status: 500, headers: problemHeaders, body: { title: "Server Error" } }));
      await failure(client.createEnrollment({ contractId: "K-1", enrollment: dvEnrollment }));
      expect(server.requests).toHaveLength(1);
      expect(sleeps).toEqual([]);
      client.close();
    });

    it("ack POST: transient 409 then 404 then success → three requests in order", async () => {
      const { client, logs } = testClient(server);
      const replies = [{ status: 409, headers: problemHeaders, body: { title: "Conflict" } }, { status: 404, headers: problemHeaders, body: { title: "Not Found" } }, okChange];
      server.reset(() => replies.shift()!);
      await client.acknowledgePreVerificationWarnings(ackInput, "acknowledge");
      expect(server.requests.map((r) => `${r.method} ${r.path} ${r.body}`)).toEqual(
        Array(3).fill(`POST /cps/v2/enrollments/10/changes/20/input/update/pre-verification-warnings-ack {"acknowledgement":"acknowledge"}`),
      );
      expect(logs.filter((l) => l.level === "debug" && /HTTP 409|HTTP 404/.test(l.message))).toHaveLength(2);
      client.close();
    });

    it("ack POST: a persistent 409 is retried only a bounded number of times, then surfaces", async () => {
      const { client } = testClient(server, { retry: { maxAttempts: 10 } });
      server.reset(() => ({ status: 409, headers: problemHeaders, body: { title: "Conflict", detail: "no input expected" } }));
      const error = await failure(client.acknowledgePreVerificationWarnings(ackInput, "acknowledge"));
      expect(error.status).toBe(409);
      expect(server.requests).toHaveLength(4);
      client.close();
    });

    it("non-ack POSTs never retry 409", async () => {
      const { client } = testClient(server);
      server.reset(() => ({ status: 409, headers: problemHeaders, body: { title: "Conflict" } }));
      await failure(client.createEnrollment({ contractId: "K-1", enrollment: dvEnrollment }));
      expect(server.requests).toHaveLength(1);
      client.close();
    });

    it("GET retries a dropped connection (network error)", async () => {
      const { client, logs } = testClient(server);
      let calls = 0;
      server.reset(() => (++calls === 1 ? { destroy: true } : { body: example("deployment-schedule.v1.json") }));
      await client.getDeploymentSchedule(10, 20);
      expect(server.requests).toHaveLength(2);
      expect(logs.some((l) => l.level === "debug" && l.message.includes("network error"))).toBe(true);
      client.close();
    });

    it("POST is not retried when the connection drops after the request was sent", async () => {
      const { client } = testClient(server);
      server.reset(() => ({ destroy: true }));
      await expect(client.createEnrollment({ contractId: "K-1", enrollment: dvEnrollment })).rejects.toThrow(/POST \/cps\/v2\/enrollments/);
      expect(server.requests).toHaveLength(1);
      client.close();
    });

    it("POST is retried on ECONNREFUSED (nothing was written)", async () => {
      const closedPort = await new Promise<number>((resolve) => {
        const probe = net.createServer().listen(0, "127.0.0.1", () => {
          const port = (probe.address() as net.AddressInfo).port;
          probe.close(() => resolve(port));
        });
      });
      const logs: string[] = [];
      const sleeps: number[] = [];
      const client = CpsClient.create(
        { host: `127.0.0.1:${closedPort}`, clientToken: "c", clientSecret: "s", accessToken: "a", env: {}, edgercPath: "/none", retry: { maxAttempts: 3 }, log: (_l, m) => logs.push(m) },
        { clock: { sleep: async (ms) => void sleeps.push(ms), random: () => 0 } },
      );
      await expect(client.createEnrollment({ contractId: "K-1", enrollment: dvEnrollment })).rejects.toMatchObject({ name: "CpsNetworkError", errno: "ECONNREFUSED", code: "Unreachable" });
      expect(logs.filter((m) => m.includes("network error ECONNREFUSED"))).toHaveLength(2);
      expect(sleeps).toHaveLength(2);
      client.close();
    });
  });

  describe("enrollment version negotiation", () => {
    it("falls back from v12 to v11 once on 406 and remembers it for this client", async () => {
      const { client, logs } = testClient(server);
      server.reset((req) =>
        String(req.headers.accept).includes("enrollment.v12") || String(req.headers["content-type"]).includes("enrollment.v12")
          ? { status: 406, headers: problemHeaders, body: { title: "Not Acceptable" } }
          : req.method === "GET"
            ? { body: example("enrollment.v11.json") }
            : { status: 202, body: example("enrollment-status.v1.json") },
      );
      const enrollment = await client.getEnrollment(10001);
      expect(enrollment.id).toBe(10001);
      expect(enrollment.orgId).toBe("645263546");
      expect(server.requests.map((r) => r.headers.accept)).toEqual(["application/vnd.akamai.cps.enrollment.v12+json", "application/vnd.akamai.cps.enrollment.v11+json"]);
      expect(client.enrollmentVersion).toBe(11);
      expect(logs.some((l) => l.level === "info" && l.message.includes("enrollment.v11"))).toBe(true);

      server.requests.length = 0;
      await client.createEnrollment({ contractId: "K-1", enrollment: { ...dvEnrollment, orgId: 42 } });
      expect(server.requests).toHaveLength(1);
      expect(server.requests[0]!.headers["content-type"]).toBe("application/vnd.akamai.cps.enrollment.v11+json");
      // an integer, as Akamai's v11 schema and Go client have it; preferredTrustChain omitted when unset (never null)
      expect(server.requests[0]!.json).toMatchObject({ orgId: 42 });
      expect(server.requests[0]!.json).not.toHaveProperty("csr.preferredTrustChain");
      expect(server.requests[0]!.json).not.toHaveProperty("networkConfiguration.fipsMode");
      client.close();
    });

    it("does not fall back on other errors", async () => {
      const { client } = testClient(server);
      server.reset(() => ({ status: 400, headers: problemHeaders, body: { title: "Bad Request" } }));
      await failure(client.getEnrollment(1));
      expect(server.requests).toHaveLength(1);
      expect(client.enrollmentVersion).toBe(12);
      client.close();
    });
  });
});
