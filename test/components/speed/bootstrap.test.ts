import * as assert from "assert";
import * as http from "http";
import { AddressInfo } from "net";
import { BootstrapEvent, runBootstrap } from "../../../components/speed/bootstrap/handler";
import {
  BootstrapSettings,
  bootstrapRequests,
  ismPolicy,
  settingsHash,
  validateSettings,
} from "../../../components/speed/bootstrap/requests";

const SETTINGS: BootstrapSettings = {
  writerRole: "datalake_log_writer",
  writerBackendRoles: ["arn:aws:iam::123456789012:role/gen", "arn:aws:iam::123456789012:role/fwd"],
  indexPrefixes: ["testappec2log", "cwl"],
  retentionDays: 14,
  replicas: 0,
  ismPolicyId: "datalake-log-retention",
};

/**
 * A loopback fake of the OpenSearch security, index template and ISM APIs: PUT stores, GET reads,
 * ISM refuses to overwrite a policy without if_seq_no/if_primary_term (like the real plugin).
 */
class FakeDomain {
  readonly store = new Map<string, unknown>();
  readonly log: string[] = [];
  failNext: number[] = [];
  seqNo = 0;
  private server = http.createServer((req, res) => this.handle(req, res));
  url = "";
  auth = "Basic " + Buffer.from("admin:S3cret!pass").toString("base64");

  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private reply(res: http.ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    let text = "";
    req.on("data", (c) => (text += c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", this.url);
      this.log.push(`${req.method} ${url.pathname}${url.search}`);
      if (req.headers.authorization !== this.auth) return this.reply(res, 401, { error: "unauthorized" });
      const fail = this.failNext.shift();
      if (fail) return this.reply(res, fail, { error: "try later" });
      const path = url.pathname;
      const body = text ? JSON.parse(text) : undefined;
      if (path.startsWith("/_plugins/_ism/policies/")) {
        const existing = this.store.get(path) as { seq: number } | undefined;
        if (req.method === "GET") {
          if (!existing) return this.reply(res, 404, { error: { type: "status_exception" }, status: 404 });
          const { seq, policy } = existing as { seq: number; policy: unknown };
          return this.reply(res, 200, { _id: "x", _seq_no: seq, _primary_term: 1, policy });
        }
        if (existing && url.searchParams.get("if_seq_no") !== String(existing.seq)) {
          return this.reply(res, 409, { error: { type: "version_conflict_engine_exception" } });
        }
        this.store.set(path, {
          seq: ++this.seqNo,
          policy: { ...body.policy, policy_id: path.split("/").pop(), last_updated_time: Date.now() },
        });
        return this.reply(res, existing ? 200 : 201, { _id: "x" });
      }
      if (path.startsWith("/_plugins/_ism/add/"))
        return this.reply(res, 200, { updated_indices: 0, failures: false, failed_indices: [] });
      if (
        req.method === "PUT" &&
        (path.startsWith("/_plugins/_security/api/") || path.startsWith("/_index_template/"))
      ) {
        const existed = this.store.has(path);
        this.store.set(path, body);
        return this.reply(res, existed ? 200 : 201, { status: existed ? "OK" : "CREATED" });
      }
      return this.reply(res, 400, { error: `unexpected ${req.method} ${path}` });
    });
  }
}

describe("speed bootstrap requests (pure)", () => {
  it("maps the writers' IAM roles to a writer role that can only create and write the two index families", () => {
    const [role, mapping, ...templates] = bootstrapRequests(SETTINGS);
    assert.deepStrictEqual(role, {
      method: "PUT",
      path: "/_plugins/_security/api/roles/datalake_log_writer",
      body: {
        description: "Writes the speed layer's log indices (agent and subscription forwarder)",
        cluster_permissions: ["cluster:monitor/main", "indices:data/write/bulk"],
        index_permissions: [
          {
            index_patterns: ["testappec2log-*", "cwl-*"],
            allowed_actions: [
              "indices:admin/create",
              "indices:admin/mapping/put",
              "indices:data/write/index",
              "indices:data/write/bulk*",
            ],
          },
        ],
      },
    });
    assert.deepStrictEqual(mapping.body, {
      backend_roles: ["arn:aws:iam::123456789012:role/fwd", "arn:aws:iam::123456789012:role/gen"],
      description: "IAM roles of the agent and the forwarder",
    });
    assert.deepStrictEqual(
      templates.map((t) => t.path),
      ["/_index_template/testappec2log", "/_index_template/cwl"],
    );
    const props = (templates[1].body as any).template.mappings.properties;
    assert.deepStrictEqual(
      [props["@timestamp"], props.alarmlevel, props.host, props.user],
      [{ type: "date" }, { type: "keyword" }, { type: "keyword" }, { type: "keyword" }],
    );
  });

  it("deletes indices after retentionDays in the ISM policy, and fingerprints it", () => {
    const p = ismPolicy(SETTINGS).policy;
    assert.deepStrictEqual(p.states[0].transitions, [
      { state_name: "delete", conditions: { min_index_age: "14d" } },
    ]);
    assert.deepStrictEqual(p.states[1].actions, [{ delete: {} }]);
    assert.deepStrictEqual(p.ism_template, [{ index_patterns: ["testappec2log-*", "cwl-*"], priority: 100 }]);
    assert.notStrictEqual(ismPolicy({ ...SETTINGS, retentionDays: 30 }).policy.description, p.description);
  });

  it("hashes settings independent of role order and sensitive to retention", () => {
    const reversed = { ...SETTINGS, writerBackendRoles: [...SETTINGS.writerBackendRoles].reverse() };
    assert.strictEqual(settingsHash(reversed), settingsHash(SETTINGS));
    assert.notStrictEqual(settingsHash({ ...SETTINGS, retentionDays: 15 }), settingsHash(SETTINGS));
  });

  const bad: [Partial<BootstrapSettings>, string][] = [
    [{ retentionDays: 0 }, "bootstrap: retentionDays is 0; use a whole number of days, at least 1"],
    [{ replicas: 9 }, "bootstrap: replicas is 9; use 0 to 5"],
    [
      { writerRole: "Bad Role" },
      'bootstrap: writerRole "Bad Role" must be lower-case letters, digits, _ or -',
    ],
    [
      { writerBackendRoles: ["arn:aws:iam::123456789012:user/u"] },
      "bootstrap: writerBackendRoles must be IAM role ARNs",
    ],
  ];
  for (const [patch, message] of bad) {
    it(`rejects ${JSON.stringify(patch)}`, () => {
      assert.throws(() => validateSettings({ ...SETTINGS, ...patch }), { message });
    });
  }
});

describe("speed bootstrap against a loopback fake domain", function () {
  this.timeout(20_000);
  const domain = new FakeDomain();
  const event = (): BootstrapEvent => ({
    endpoint: domain.url,
    username: "admin",
    password: "S3cret!pass",
    settings: SETTINGS,
  });
  const fast = { sleep: async () => undefined, maxAttempts: 3, timeoutMs: 2_000 };

  before(() => domain.start());
  after(() => domain.stop());
  beforeEach(() => {
    domain.store.clear();
    domain.log.length = 0;
    domain.failNext = [];
    domain.seqNo = 0;
  });

  it("creates role, mapping, templates and the ISM policy; a second run changes nothing", async () => {
    const first = await runBootstrap(event(), fast);
    assert.deepStrictEqual(
      first.steps.map((s) => `${s.step} ${s.outcome}`),
      [
        "PUT /_plugins/_security/api/roles/datalake_log_writer applied",
        "PUT /_plugins/_security/api/rolesmapping/datalake_log_writer applied",
        "PUT /_index_template/testappec2log applied",
        "PUT /_index_template/cwl applied",
        "PUT /_plugins/_ism/policies/datalake-log-retention created",
        "POST /_plugins/_ism/add/testappec2log-*,cwl-* unchanged",
      ],
    );
    const snapshot = JSON.stringify([...domain.store.entries()]);
    const second = await runBootstrap(event(), fast);
    assert.strictEqual(second.steps[4].outcome, "unchanged");
    assert.strictEqual(
      JSON.stringify([...domain.store.entries()]),
      snapshot,
      "the second run leaves the domain as it was",
    );
    assert.ok(!JSON.stringify(second).includes("S3cret!pass"), "the result never carries the password");
  });

  it("updates a changed ISM policy with if_seq_no/if_primary_term", async () => {
    await runBootstrap(event(), fast);
    const result = await runBootstrap({ ...event(), settings: { ...SETTINGS, retentionDays: 30 } }, fast);
    assert.strictEqual(result.steps[4].outcome, "updated");
    assert.ok(
      domain.log.includes("PUT /_plugins/_ism/policies/datalake-log-retention?if_seq_no=1&if_primary_term=1"),
    );
    const stored = domain.store.get("/_plugins/_ism/policies/datalake-log-retention") as any;
    assert.strictEqual(stored.policy.states[0].transitions[0].conditions.min_index_age, "30d");
  });

  it("retries 503 from a domain that is still starting", async () => {
    domain.failNext = [503, 503];
    const result = await runBootstrap(event(), fast);
    assert.strictEqual(result.steps.length, 6);
    assert.strictEqual(
      domain.log.filter((l) => l === "PUT /_plugins/_security/api/roles/datalake_log_writer").length,
      3,
    );
  });

  it("fails with the status and path when the domain refuses the master user", async () => {
    await assert.rejects(runBootstrap({ ...event(), password: "wrong" }, fast), {
      name: "BootstrapError",
      message:
        'bootstrap: PUT /_plugins/_security/api/roles/datalake_log_writer failed with HTTP 401: {"error":"unauthorized"}',
    });
  });

  it("rejects a payload without a password", async () => {
    await assert.rejects(runBootstrap({ ...event(), password: "" }, fast), {
      message: "bootstrap: the payload needs a non-empty password",
    });
  });
});
