import * as assert from "assert";
import * as http from "http";
import { AddressInfo } from "net";
import {
  BootstrapEvent,
  BootstrapOptions,
  DEADLINE_MARGIN_MS,
  backoffMs,
  deadlineFrom,
  handler,
  runBootstrap,
} from "../../../components/speed/bootstrap/handler";
import { REDACTED, redact } from "../../../components/speed/bootstrap/redact";
import {
  BootstrapSettings,
  bootstrapRequests,
  formatSettings,
  ismPolicy,
  ismPolicyMatches,
  settingsHash,
  storedIsmPolicyContent,
  validateSettings,
} from "../../../components/speed/bootstrap/requests";
import { HANDS_ON_SCHEMA } from "../../../components/shared/schema";
import { DECLARED_FIELDS, declaredFieldsOf, templateMappings } from "../../../components/speed/mapping";
import { TEXT_SCHEMA, WEB_SCHEMA } from "./formats";

const SETTINGS: BootstrapSettings = {
  writerRole: "datalake_log_writer",
  writerBackendRoles: ["arn:aws:iam::123456789012:role/gen", "arn:aws:iam::123456789012:role/fwd"],
  indexPrefixes: ["testappec2log", "cwl"],
  retentionDays: 14,
  replicas: 0,
  ismPolicyId: "datalake-log-retention",
};

const PASSWORD = "S3cret!pass";
const BASIC = Buffer.from(`admin:${PASSWORD}`).toString("base64");

/** A canned failure: a status and, optionally, the body (the default is a short JSON error). */
type Failure = number | { status: number; body: unknown };

/**
 * A loopback fake of the OpenSearch security, index template and ISM APIs: PUT stores, GET reads,
 * ISM refuses to overwrite a policy without a matching if_seq_no/if_primary_term and answers 409
 * (like the real plugin), and stores a policy the way ISM does: with policy_id,
 * last_updated_time, schema_version, a null error_notification, the default retry of each action
 * and last_updated_time on each ISM template.
 */
class FakeDomain {
  readonly store = new Map<string, unknown>();
  readonly log: string[] = [];
  failNext: Failure[] = [];
  /** Answer every request with this until cleared (a domain whose security plugin never starts). */
  failAlways: Failure | undefined;
  /** Runs once before the next ISM policy PUT is handled (another writer, racing the bootstrap). */
  beforeIsmPut: (() => void) | undefined;
  /** Echo the request headers in the body of the next failure (what some proxies do). */
  echoHeaders = false;
  seqNo = 0;
  private server = http.createServer((req, res) => this.handle(req, res));
  url = "";
  auth = `Basic ${BASIC}`;

  /** Stores a policy as ISM does, with the fields ISM adds. */
  storeIsmPolicy(path: string, policy: any): void {
    this.store.set(path, {
      seq: ++this.seqNo,
      policy: {
        policy_id: path.split("/").pop(),
        description: policy.description,
        last_updated_time: Date.now(),
        schema_version: 21,
        error_notification: null,
        default_state: policy.default_state,
        states: policy.states.map((st: any) => ({
          ...st,
          actions: st.actions.map((a: any) => ({
            retry: { count: 3, backoff: "exponential", delay: "1m" },
            ...a,
          })),
        })),
        ism_template: policy.ism_template.map((t: any) => ({ ...t, last_updated_time: Date.now() })),
      },
    });
  }

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
      const fail = this.failAlways ?? this.failNext.shift();
      if (fail !== undefined) {
        const { status, body } =
          typeof fail === "number" ? { status: fail, body: { error: "try later" } } : fail;
        return this.reply(
          res,
          status,
          this.echoHeaders ? { error: body, request: { headers: req.headers } } : body,
        );
      }
      const path = url.pathname;
      const body = text ? JSON.parse(text) : undefined;
      if (path.startsWith("/_plugins/_ism/policies/")) {
        const existing = this.store.get(path) as { seq: number } | undefined;
        if (req.method === "GET") {
          if (!existing) return this.reply(res, 404, { error: { type: "status_exception" }, status: 404 });
          const { seq, policy } = existing as { seq: number; policy: unknown };
          return this.reply(res, 200, { _id: "x", _seq_no: seq, _primary_term: 1, policy });
        }
        const race = this.beforeIsmPut;
        this.beforeIsmPut = undefined;
        race?.();
        const stored = this.store.get(path) as { seq: number } | undefined;
        if (stored && url.searchParams.get("if_seq_no") !== String(stored.seq)) {
          return this.reply(res, 409, { error: { type: "version_conflict_engine_exception" } });
        }
        this.storeIsmPolicy(path, body.policy);
        return this.reply(res, stored ? 200 : 201, { _id: "x" });
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
    const mappings = (templates[1].body as any).template.mappings;
    const props = mappings.properties;
    const keyword = { type: "keyword", ignore_above: 8191 };
    assert.strictEqual(mappings.dynamic, false);
    assert.deepStrictEqual(
      [props["@timestamp"], props.alarmlevel, props.host, props.user, props["@moved"]],
      [{ type: "date" }, keyword, keyword, keyword, { type: "object", enabled: false }],
    );
    assert.strictEqual((templates[1].body as any).template.settings["index.mapping.depth.limit"], 20);
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

  it("adds nothing for the hands-on's format, and a format's declared fields to the templates and the hash", () => {
    assert.deepStrictEqual(formatSettings(HANDS_ON_SCHEMA), {});
    assert.strictEqual(
      JSON.stringify({ ...SETTINGS, ...formatSettings(HANDS_ON_SCHEMA) }),
      JSON.stringify(SETTINGS),
    );
    const web = { ...SETTINGS, ...formatSettings(WEB_SCHEMA) };
    assert.deepStrictEqual(web.declaredFields, declaredFieldsOf(WEB_SCHEMA));
    const templates = bootstrapRequests(web).slice(2);
    for (const t of templates)
      assert.deepStrictEqual((t.body as any).template.mappings, templateMappings(web.declaredFields));
    const props = (templates[1].body as any).template.mappings.properties;
    assert.deepStrictEqual(
      [props.status, props.timestamp, props.alarmlevel],
      [
        { type: "long", ignore_malformed: true },
        { type: "date", format: "strict_date_optional_time", ignore_malformed: true },
        undefined,
      ],
    );
    const hands = (bootstrapRequests(SETTINGS)[3].body as any).template.mappings;
    assert.deepStrictEqual(hands, templateMappings(DECLARED_FIELDS));
    assert.notStrictEqual(settingsHash(web), settingsHash(SETTINGS));
    assert.notStrictEqual(settingsHash({ ...SETTINGS, ...formatSettings(TEXT_SCHEMA) }), settingsHash(web));
  });

  const bad: [Partial<BootstrapSettings>, string][] = [
    [{ declaredFields: {} }, "bootstrap: declaredFields is empty; leave it unset for the hands-on's fields"],
    [
      { declaredFields: { "@id": { type: "keyword", ignore_above: 8191 }, "Bad.Name": { type: "text" } } },
      'bootstrap: declaredFields names ["Bad.Name"]; name fields like /^@?[a-z][a-z0-9_]{0,127}$/',
    ],
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

describe("speed bootstrap: ISM content comparison and redaction (pure)", () => {
  const desired = ismPolicy(SETTINGS);
  const asStored = (policy: any) => ({
    policy_id: "datalake-log-retention",
    last_updated_time: 1,
    schema_version: 21,
    error_notification: null,
    user: { name: "admin" },
    ...policy,
    states: policy.states.map((st: any) => ({
      ...st,
      actions: st.actions.map((a: any) => ({
        retry: { count: 3, backoff: "exponential", delay: "1m" },
        ...a,
      })),
    })),
    ism_template: policy.ism_template.map((t: any) => ({ ...t, last_updated_time: 2 })),
  });

  it("treats a stored policy with only ISM's own fields added as unchanged", () => {
    assert.deepStrictEqual(storedIsmPolicyContent(asStored(desired.policy)), desired.policy);
    assert.strictEqual(ismPolicyMatches(asStored(desired.policy), desired), true);
  });

  const edits: [string, (p: any) => void][] = [
    ["a shorter retention", (p) => (p.states[0].transitions[0].conditions.min_index_age = "1d")],
    ["an added state", (p) => p.states.push({ name: "warm", actions: [], transitions: [] })],
    ["a removed ISM template", (p) => (p.ism_template = [])],
    [
      "a non-default retry",
      (p) => (p.states[1].actions[0].retry = { count: 0, backoff: "constant", delay: "1m" }),
    ],
    ["an error notification", (p) => (p.error_notification = { destination: { slack: { url: "x" } } })],
  ];
  for (const [what, edit] of edits) {
    it(`sees ${what} behind an unchanged description`, () => {
      const stored = asStored(JSON.parse(JSON.stringify(desired.policy)));
      edit(stored);
      assert.strictEqual(stored.description, desired.policy.description);
      assert.strictEqual(ismPolicyMatches(stored, desired), false);
    });
  }

  const cases: [string, string][] = [
    [`{"headers":{"authorization":"Basic ${BASIC}"}}`, `{"headers":{"authorization":"${REDACTED}"}}`],
    [`Authorization: Basic ${BASIC}\r\nHost: x`, `Authorization: ${REDACTED}\r\nHost: x`],
    [`{"password":"${PASSWORD}","user":"admin"}`, `{"password":"${REDACTED}","user":"admin"}`],
    [`{\\"password\\":\\"hunter2xx\\"}`, `{\\"password\\":\\"${REDACTED}\\"}`],
    [`GET /x?token=abc123&size=1`, `GET /x?token=${REDACTED}&size=1`],
    [`x-amz-security-token: IQoJb3JpZ2luX2Vj`, `x-amz-security-token: ${REDACTED}`],
    [`{"Authorization":"Bearer eyJhbGciOi.J9"}`, `{"Authorization":"${REDACTED}"}`],
    [`user admin failed with ${PASSWORD} in the text`, `user admin failed with ${REDACTED} in the text`],
    [`url-encoded ${encodeURIComponent(PASSWORD)}`, `url-encoded ${REDACTED}`],
    [`nothing secret: HTTP 400 {"error":"bad"}`, `nothing secret: HTTP 400 {"error":"bad"}`],
  ];
  for (const [input, expected] of cases) {
    it(`redacts ${JSON.stringify(input.slice(0, 40))}`, () => {
      assert.strictEqual(redact(input, [PASSWORD, `admin:${PASSWORD}`]), expected);
    });
  }

  it("derives the deadline from the Lambda's remaining time, less the margin", () => {
    assert.strictEqual(
      deadlineFrom({ getRemainingTimeInMillis: () => 900_000 }, 1_000),
      1_000 + 900_000 - DEADLINE_MARGIN_MS,
    );
    assert.strictEqual(deadlineFrom({ getRemainingTimeInMillis: () => 5_000 }, 1_000), 1_000);
    assert.strictEqual(deadlineFrom(undefined, 1_000), 121_000);
    assert.deepStrictEqual(
      [1, 2, 3, 4, 5, 6, 30].map(backoffMs),
      [500, 1000, 2000, 4000, 8000, 10000, 10000],
    );
  });
});

// A fake domain: the security and ISM plugin APIs, "503 Security not initialized", 409 conflicts and
// echoed credentials cannot be produced by the local node (it has no such plugins). The index
// templates and settings are applied to a real OpenSearch node in speed.opensearch.ts.
describe("speed bootstrap against a loopback fake domain", function () {
  this.timeout(20_000);
  const domain = new FakeDomain();
  const event = (): BootstrapEvent => ({
    endpoint: domain.url,
    username: "admin",
    password: PASSWORD,
    settings: SETTINGS,
  });
  /** A simulated clock: sleeping advances it, so minutes of retries take milliseconds. */
  let clock = 0;
  let logs: Record<string, unknown>[] = [];
  const fast = (budgetMs = 120_000): BootstrapOptions => ({
    now: () => clock,
    sleep: async (ms) => {
      clock += ms;
    },
    deadline: clock + budgetMs,
    timeoutMs: 2_000,
    log: (r) => logs.push(r),
  });

  before(() => domain.start());
  after(() => domain.stop());
  beforeEach(() => {
    domain.store.clear();
    domain.log.length = 0;
    domain.failNext = [];
    domain.failAlways = undefined;
    domain.beforeIsmPut = undefined;
    domain.echoHeaders = false;
    domain.seqNo = 0;
    clock = 1_000_000;
    logs = [];
  });
  const ISM = "/_plugins/_ism/policies/datalake-log-retention";

  it("creates role, mapping, templates and the ISM policy; a second run changes nothing", async () => {
    const first = await runBootstrap(event(), fast());
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
    const second = await runBootstrap(event(), fast());
    assert.strictEqual(second.steps[4].outcome, "unchanged");
    assert.strictEqual(
      JSON.stringify([...domain.store.entries()]),
      snapshot,
      "the second run leaves the domain as it was",
    );
    assert.ok(!JSON.stringify(second).includes(PASSWORD), "the result never carries the password");
  });

  it("adds the probe's read-only role and mapping when readerRole is set", async () => {
    const settings = {
      ...SETTINGS,
      readerRole: "datalake_log_reader",
      readerBackendRoles: ["arn:aws:iam::123456789012:role/probe"],
    };
    const result = await runBootstrap({ ...event(), settings }, fast());
    assert.deepStrictEqual(
      result.steps.slice(2, 4).map((s) => s.step),
      [
        "PUT /_plugins/_security/api/roles/datalake_log_reader",
        "PUT /_plugins/_security/api/rolesmapping/datalake_log_reader",
      ],
    );
    assert.deepStrictEqual(domain.store.get("/_plugins/_security/api/roles/datalake_log_reader"), {
      description: "Searches the speed layer's log indices (the post-deploy verify probe)",
      cluster_permissions: [],
      index_permissions: [
        { index_patterns: ["testappec2log-*", "cwl-*"], allowed_actions: ["indices:data/read/search*"] },
      ],
    });
    assert.deepStrictEqual(domain.store.get("/_plugins/_security/api/rolesmapping/datalake_log_reader"), {
      backend_roles: ["arn:aws:iam::123456789012:role/probe"],
      description: "IAM role of the verify probe",
    });
    assert.notStrictEqual(settingsHash(settings), settingsHash(SETTINGS));
  });

  it("updates a changed ISM policy with if_seq_no/if_primary_term", async () => {
    await runBootstrap(event(), fast());
    const result = await runBootstrap({ ...event(), settings: { ...SETTINGS, retentionDays: 30 } }, fast());
    assert.strictEqual(result.steps[4].outcome, "updated");
    assert.ok(domain.log.includes(`PUT ${ISM}?if_seq_no=1&if_primary_term=1`));
    const stored = domain.store.get(ISM) as any;
    assert.strictEqual(stored.policy.states[0].transitions[0].conditions.min_index_age, "30d");
  });

  it("repairs a policy edited by hand whose description was kept", async () => {
    await runBootstrap(event(), fast());
    const stored = domain.store.get(ISM) as any;
    stored.policy.states[0].transitions[0].conditions.min_index_age = "1d";
    const result = await runBootstrap(event(), fast());
    assert.strictEqual(result.steps[4].outcome, "updated");
    const repaired = domain.store.get(ISM) as any;
    assert.strictEqual(repaired.policy.states[0].transitions[0].conditions.min_index_age, "14d");
    assert.strictEqual(repaired.policy.description, ismPolicy(SETTINGS).policy.description);
  });

  it("re-reads and retries when another writer changes the policy between read and write (409)", async () => {
    await runBootstrap({ ...event(), settings: { ...SETTINGS, retentionDays: 30 } }, fast());
    domain.beforeIsmPut = () =>
      domain.storeIsmPolicy(ISM, ismPolicy({ ...SETTINGS, retentionDays: 60 }).policy);
    const result = await runBootstrap(event(), fast());
    assert.strictEqual(result.steps[4].outcome, "updated");
    assert.deepStrictEqual(
      domain.log.filter((l) => l.startsWith(`PUT ${ISM}`) || l === `GET ${ISM}`).slice(-4),
      [
        `GET ${ISM}`,
        `PUT ${ISM}?if_seq_no=1&if_primary_term=1`,
        `GET ${ISM}`,
        `PUT ${ISM}?if_seq_no=2&if_primary_term=1`,
      ],
    );
    assert.strictEqual(
      (domain.store.get(ISM) as any).policy.states[0].transitions[0].conditions.min_index_age,
      "14d",
    );
    assert.deepStrictEqual(logs.filter((l) => l.outcome === "conflict").length, 1);
  });

  it("re-reads when another writer creates the policy first (409 on create) and finds it equal", async () => {
    domain.beforeIsmPut = () => domain.storeIsmPolicy(ISM, ismPolicy(SETTINGS).policy);
    const result = await runBootstrap(event(), fast());
    assert.strictEqual(result.steps[4].outcome, "unchanged");
    assert.deepStrictEqual(
      domain.log.filter((l) => l.startsWith(`PUT ${ISM}`) || l === `GET ${ISM}`),
      [`GET ${ISM}`, `PUT ${ISM}`, `GET ${ISM}`],
    );
  });

  it("gives up on version conflicts only at the deadline", async () => {
    await runBootstrap({ ...event(), settings: { ...SETTINGS, retentionDays: 30 } }, fast());
    const racer = () => {
      domain.storeIsmPolicy(ISM, ismPolicy({ ...SETTINGS, retentionDays: 60 }).policy);
      domain.beforeIsmPut = racer;
    };
    domain.beforeIsmPut = racer;
    await assert.rejects(runBootstrap(event(), fast(30_000)), (err: Error) => {
      assert.match(
        err.message,
        /^bootstrap: PUT \/_plugins\/_ism\/policies\/datalake-log-retention kept meeting version conflicts \(409\) until the deadline \(\d+ conflicts\)$/,
      );
      return true;
    });
    assert.ok(
      clock >= 1_000_000 + 30_000 && clock <= 1_000_000 + 30_000,
      "stops at the deadline, not before or after",
    );
  });

  it("keeps retrying '503 OpenSearch Security not initialized' well past 15 s, then succeeds", async () => {
    const notReady = { status: 503, body: "OpenSearch Security not initialized." };
    domain.failNext = Array(20).fill(notReady);
    const result = await runBootstrap(event(), fast(290_000));
    assert.strictEqual(result.steps.length, 6);
    assert.strictEqual(
      domain.log.filter((l) => l === "PUT /_plugins/_security/api/roles/datalake_log_writer").length,
      21,
    );
    assert.ok(clock - 1_000_000 > 120_000, `waited ${clock - 1_000_000} ms of simulated time`);
    assert.strictEqual(logs.filter((l) => l.outcome === "retrying").length, 20);
    assert.deepStrictEqual(logs[0], {
      outcome: "retrying",
      request: "PUT /_plugins/_security/api/roles/datalake_log_writer",
      attempt: 1,
      reason: "HTTP 503: OpenSearch Security not initialized.",
      waitMs: 500,
    });
  });

  it("stops at the deadline (not after a fixed number of attempts) and says so", async () => {
    domain.failAlways = { status: 503, body: "OpenSearch Security not initialized." };
    await assert.rejects(runBootstrap(event(), fast(60_000)), {
      name: "BootstrapError",
      message:
        "bootstrap: PUT /_plugins/_security/api/roles/datalake_log_writer did not succeed before the deadline " +
        "(60 s after the start, 10 attempts; last: HTTP 503: OpenSearch Security not initialized.)",
    });
    assert.strictEqual(clock, 1_000_000 + 60_000, "the last pause is cut to the deadline");
  });

  it("removes credentials echoed by the domain from the error and from every log record", async () => {
    domain.echoHeaders = true;
    domain.failNext = [503, { status: 400, body: { reason: `bad request from admin:${PASSWORD}` } }];
    let message = "";
    await assert.rejects(runBootstrap(event(), fast()), (err: Error) => {
      message = err.message;
      return true;
    });
    const everything = message + JSON.stringify(logs);
    assert.ok(
      everything.includes("authorization"),
      "the echoed headers are there, so the test means something",
    );
    for (const secret of [PASSWORD, BASIC, encodeURIComponent(PASSWORD)]) {
      assert.ok(!everything.includes(secret), `${secret} leaked: ${everything}`);
    }
    assert.ok(message.includes(`"authorization":"${REDACTED}"`), message);
    assert.ok(
      message.startsWith(
        "bootstrap: PUT /_plugins/_security/api/roles/datalake_log_writer failed with HTTP 400: ",
      ),
    );
  });

  it("the Lambda handler redacts what it logs and throws, and bounds retries by the remaining time", async () => {
    domain.echoHeaders = true;
    domain.failAlways = 503;
    const lines: string[] = [];
    const original = [console.log, console.error];
    console.log = console.error = (line: string) => lines.push(line);
    const started = Date.now();
    try {
      await assert.rejects(
        handler(event(), { getRemainingTimeInMillis: () => DEADLINE_MARGIN_MS + 1_500 }),
        (err: Error) => {
          assert.match(err.message, /did not succeed before the deadline/);
          assert.ok(!err.message.includes(BASIC) && !err.message.includes(PASSWORD));
          return true;
        },
      );
    } finally {
      [console.log, console.error] = original;
    }
    assert.ok(Date.now() - started < 5_000, "1.5 s of remaining time (after the margin) bounds the retries");
    assert.ok(
      lines.length > 0 && lines.every((l) => !l.includes(BASIC) && !l.includes(PASSWORD)),
      lines.join("\n"),
    );
  });

  it("fails with the status and path when the domain refuses the master user", async () => {
    await assert.rejects(runBootstrap({ ...event(), password: "wrong" }, fast()), {
      name: "BootstrapError",
      message:
        'bootstrap: PUT /_plugins/_security/api/roles/datalake_log_writer failed with HTTP 401: {"error":"unauthorized"}',
    });
  });

  it("rejects a payload without a password", async () => {
    await assert.rejects(runBootstrap({ ...event(), password: "" }, fast()), {
      message: "bootstrap: the payload needs a non-empty password",
    });
  });
});
