/**
 * The monitoring rules (policies/rules/monitoring.ts), through the gate's gRPC path like
 * rules.test.ts: per rule a compliant graph, violating ones, one it does not apply to, and one
 * with a value unknown at preview. Then, as stacks.test.ts does for the other rules, a declared
 * mutation of the rendered prod graph per rule that the gate must report as exactly that rule.
 */
import * as assert from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { monitoringPolicies } from "../../policies/rules/monitoring";
import {
  ExportedResource,
  ExportedState,
  GateResult,
  PackSession,
  PolicyConfigMap,
  readPolicyConfig,
} from "../../tools/offline/policyGate";
import { patch, res, seeds, state, T, UNKNOWN_STRING } from "./fixtures";

const ROOT = path.resolve(__dirname, "..", "..");
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const RULE = "aws:cloudwatch/eventRule:EventRule";
const TARGET = "aws:cloudwatch/eventTarget:EventTarget";
const TOPIC_ARN = "arn:aws:sns:ap-northeast-1:123456789012:ops";

// ---- Synthetic graphs ---------------------------------------------------------------------------

const topic = () => seeds.topic();

/** A metric alarm on `metric` whose dimensions come from `target`, notifying the topic. */
function alarm(
  name: string,
  target: ExportedResource,
  namespace: string,
  metricName: string,
  threshold: number,
  opts: { topic?: ExportedResource | null } = {},
): ExportedResource {
  const t = opts.topic === undefined ? topic() : opts.topic;
  return res(
    ALARM,
    name,
    {
      namespace,
      metricName,
      dimensions: { Name: `${target.urn}-name` },
      threshold,
      actionsEnabled: true,
      alarmActions: t ? [TOPIC_ARN] : [],
    },
    { deps: { dimensions: [target], ...(t ? { alarmActions: [t] } : {}) } },
  );
}

/** A function whose on-failure destination is a queue, with (or without) a depth alarm on it. */
function failureQueue(opts: { alarm?: boolean; threshold?: number; viaDeadLetterConfig?: boolean } = {}) {
  const queue = seeds.queue();
  const fn = res(
    T.lambdaFunction,
    "fn",
    {
      role: "arn:aws:iam::123456789012:role/fn",
      runtime: "nodejs22.x",
      handler: "index.handler",
      ...(opts.viaDeadLetterConfig ? { deadLetterConfig: { targetArn: "arn:aws:sqs:::queue" } } : {}),
    },
    opts.viaDeadLetterConfig ? { deps: { deadLetterConfig: [queue] } } : {},
  );
  const out = [topic(), queue, fn];
  if (!opts.viaDeadLetterConfig) {
    out.push(
      res(
        T.eventInvokeConfig,
        "fn-async",
        { functionName: "fn", destinationConfig: { onFailure: { destination: "arn:aws:sqs:::queue" } } },
        { deps: { functionName: [fn], destinationConfig: [queue] } },
      ),
    );
  }
  if (opts.alarm ?? true) {
    out.push(alarm("dlq-depth", queue, "AWS/SQS", "ApproximateNumberOfMessagesVisible", opts.threshold ?? 1));
  }
  return out;
}

function streamWithAlarm(opts: { alarm?: boolean; threshold?: number; buffer?: number } = {}) {
  const stream = patch(seeds.firehose(), "extendedS3Configuration.bufferingInterval", opts.buffer ?? 60);
  const out = [topic(), stream];
  if (opts.alarm ?? true)
    out.push(alarm("freshness", stream, "AWS/Firehose", "DeliveryToS3.DataFreshness", opts.threshold ?? 120));
  return out;
}

const GLUE_PATTERN = (states: string[]) =>
  JSON.stringify({
    source: ["aws.glue"],
    "detail-type": ["Glue Job State Change"],
    detail: { jobName: ["job"], state: states },
  });

function jobWithRule(opts: { rule?: boolean; states?: string[]; target?: boolean; pattern?: string } = {}) {
  const job = seeds.glueJob();
  const t = topic();
  const out = [t, job];
  if (opts.rule ?? true) {
    const rule = res(
      RULE,
      "job-failed",
      {
        name: "job-failed",
        eventPattern: opts.pattern ?? GLUE_PATTERN(opts.states ?? ["FAILED", "TIMEOUT", "ERROR"]),
      },
      { deps: { eventPattern: [job] } },
    );
    out.push(rule);
    if (opts.target ?? true)
      out.push(
        res(
          TARGET,
          "job-failed-target",
          { rule: "job-failed", arn: TOPIC_ARN },
          { deps: { rule: [rule], arn: [t] } },
        ),
      );
  }
  return out;
}

const DOMAIN_METRICS = [
  "ClusterStatus.red",
  "ClusterIndexWritesBlocked",
  "FreeStorageSpace",
  "JVMMemoryPressure",
  "AutomatedSnapshotFailure",
];

function domainWithAlarms(metrics: string[] = DOMAIN_METRICS) {
  const domain = seeds.domain();
  return [
    topic(),
    domain,
    ...metrics.map((m) => alarm(`domain-${m.toLowerCase().replace(/\./g, "-")}`, domain, "AWS/ES", m, 1)),
  ];
}

// ---- Cases ----------------------------------------------------------------------------------------

interface RuleCase {
  readonly compliant: ExportedResource[][];
  readonly violating: ExportedResource[][];
  readonly notApplicable: ExportedResource[][];
  readonly unknown: ExportedResource[];
  readonly config?: Record<string, unknown>;
}

const withAt = (rs: ExportedResource[], name: string, dotted: string, value: unknown) =>
  rs.map((r) => (r.urn.endsWith(`::${name}`) ? patch(r, dotted, value) : r));

const CASES: Record<string, RuleCase> = {
  "datalake-sqs-queue-requires-depth-alarm": {
    config: { maxThreshold: 5 },
    compliant: [failureQueue(), failureQueue({ viaDeadLetterConfig: true }), failureQueue({ threshold: 5 })],
    violating: [
      failureQueue({ alarm: false }),
      failureQueue({ alarm: false, viaDeadLetterConfig: true }),
      failureQueue({ threshold: 6 }),
      withAt(failureQueue(), "dlq-depth", "metricName", "NumberOfMessagesSent"),
    ],
    // A queue that catches no failures needs no depth alarm.
    notApplicable: [[seeds.queue()], [seeds.kmsKey()]],
    unknown: withAt(failureQueue(), "dlq-depth", "metricName", UNKNOWN_STRING),
  },
  "datalake-firehose-deliverystream-requires-freshness-alarm": {
    config: { maxBufferFactor: 2 },
    compliant: [
      streamWithAlarm(),
      streamWithAlarm({ buffer: 0, threshold: 120 }),
      streamWithAlarm({ buffer: 300, threshold: 600 }),
    ],
    violating: [
      streamWithAlarm({ alarm: false }),
      streamWithAlarm({ threshold: 121 }),
      withAt(streamWithAlarm(), "freshness", "metricName", "IncomingRecords"),
    ],
    notApplicable: [[seeds.kmsKey()]],
    unknown: withAt(streamWithAlarm(), "freshness", "metricName", UNKNOWN_STRING),
  },
  "datalake-cloudwatch-metricalarm-requires-sns-action": {
    compliant: [streamWithAlarm(), failureQueue()],
    violating: [
      [
        seeds.firehose(),
        alarm("freshness", seeds.firehose(), "AWS/Firehose", "DeliveryToS3.DataFreshness", 1, {
          topic: null,
        }),
      ],
      withAt(streamWithAlarm(), "freshness", "actionsEnabled", false),
    ],
    notApplicable: [[seeds.topic()]],
    unknown: withAt(streamWithAlarm(), "freshness", "actionsEnabled", UNKNOWN_STRING),
  },
  "datalake-glue-job-requires-failure-rule": {
    compliant: [jobWithRule(), jobWithRule({ states: ["FAILED", "TIMEOUT", "ERROR", "STOPPED"] })],
    violating: [
      jobWithRule({ rule: false }),
      jobWithRule({ target: false }),
      jobWithRule({ states: ["FAILED"] }),
      jobWithRule({ pattern: "not json" }),
    ],
    notApplicable: [[seeds.glueCrawler()]],
    unknown: withAt(jobWithRule(), "job-failed", "eventPattern", UNKNOWN_STRING),
  },
  "datalake-opensearch-domain-requires-health-alarms": {
    compliant: [domainWithAlarms(), domainWithAlarms([...DOMAIN_METRICS, "ClusterStatus.yellow"])],
    violating: [domainWithAlarms([]), domainWithAlarms(DOMAIN_METRICS.slice(1))],
    notApplicable: [[seeds.kmsKey()]],
    unknown: withAt(domainWithAlarms(), "domain-freestoragespace", "metricName", UNKNOWN_STRING),
  },
};

describe("monitoring rules (through the gate's gRPC path)", function () {
  let pack: PackSession;
  before(async () => {
    pack = await PackSession.start();
  });
  after(() => pack?.close());

  const run = (policy: string, resources: ExportedResource[]): Promise<GateResult> => {
    const config: PolicyConfigMap = {
      all: { enforcementLevel: "mandatory" },
      "datalake-stack-statefulresource-requires-protection": { properties: { requireProtection: true } },
    };
    const props = CASES[policy].config;
    if (props) config[policy] = { properties: props };
    return pack.analyze(state(...resources), config);
  };

  it("has a case for every monitoring rule", () => {
    assert.deepStrictEqual(Object.keys(CASES).sort(), monitoringPolicies.map((p) => p.name).sort());
  });

  for (const [policy, c] of Object.entries(CASES)) {
    describe(policy, () => {
      c.compliant.forEach((resources, i) => {
        it(`passes compliant resources (${i + 1})`, async () => {
          const result = await run(policy, resources);
          assert.deepStrictEqual(result.violations, []);
          assert.ok(!result.notApplicable.some((n) => n.policy === policy), `${policy} did not apply`);
        });
      });
      c.violating.forEach((resources, i) => {
        it(`reports a violation when the guarded property is broken (${i + 1})`, async () => {
          const result = await run(policy, resources);
          assert.ok(result.violations.length > 0, "no violation");
          assert.deepStrictEqual(
            [...new Set(result.violations.map((v) => `${v.level} ${v.policy}`))],
            [`mandatory ${policy}`],
          );
          for (const v of result.violations) {
            assert.ok(
              resources.some((r) => r.urn === v.urn),
              `violation names ${v.urn}`,
            );
            assert.match(v.message, /\.\s|\.$/);
          }
        });
      });
      c.notApplicable.forEach((resources, i) => {
        it(`is not applicable to other resources (${i + 1})`, async () => {
          const result = await run(policy, resources);
          assert.deepStrictEqual(
            result.violations.filter((v) => v.policy === policy),
            [],
          );
          assert.ok(
            result.notApplicable.some((n) => n.policy === policy),
            `${policy} applied`,
          );
        });
      });
      it("downgrades to advisory when a value is unknown at preview", async () => {
        const result = await run(policy, c.unknown);
        const mine = result.violations.filter((v) => v.policy === policy);
        assert.strictEqual(mine.length, 1, JSON.stringify(result.violations));
        assert.strictEqual(mine[0].level, "advisory");
        assert.match(mine[0].message, /can't run policy .* during preview/);
      });
    });
  }
});

// ---- Mutations of the rendered prod graph ------------------------------------------------------

function renderProd(dir: string): Promise<ExportedState> {
  const out = path.join(dir, "prod.json");
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [require.resolve("ts-node/dist/bin.js"), "--transpile-only", "tools/plan.ts", "prod", "--out", out],
      { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
      (err, _stdout, stderr) => {
        if (err) return reject(new Error(`plan prod failed: ${stderr}`));
        resolve(JSON.parse(fs.readFileSync(out, "utf8")) as ExportedState);
      },
    );
  });
}

const resourcesOf = (s: ExportedState) => s.deployment.resources!;

/** The alarm on `metricName` whose dimensions depend on a resource of `targetType`. */
function alarmOn(s: ExportedState, targetType: string, metricName: string): ExportedResource {
  const targets = new Set(
    resourcesOf(s)
      .filter((r) => r.type === targetType)
      .map((r) => r.urn),
  );
  const found = resourcesOf(s).find(
    (r) =>
      r.type === ALARM &&
      r.inputs?.metricName === metricName &&
      (r.propertyDependencies?.dimensions ?? []).some((u) => targets.has(u)),
  );
  assert.ok(found, `no ${metricName} alarm on a ${targetType} in the prod graph`);
  return found;
}

function replace(s: ExportedState, r: ExportedResource, next: ExportedResource): ExportedState {
  const list = resourcesOf(s);
  list[list.findIndex((x) => x.urn === r.urn)] = next;
  return s;
}

const MUTATIONS: Record<
  string,
  { readonly what: string; readonly apply: (s: ExportedState) => ExportedState }
> = {
  "datalake-sqs-queue-requires-depth-alarm": {
    what: "point the dead-letter queue's alarm at another SQS metric",
    apply: (s) => {
      const a = alarmOn(s, T.queue, "ApproximateNumberOfMessagesVisible");
      return replace(s, a, patch(a, "metricName", "NumberOfMessagesSent"));
    },
  },
  "datalake-firehose-deliverystream-requires-freshness-alarm": {
    what: "raise the freshness alarm's threshold to an hour",
    apply: (s) => {
      const a = alarmOn(s, T.firehose, "DeliveryToS3.DataFreshness");
      return replace(s, a, patch(a, "threshold", 3600));
    },
  },
  "datalake-cloudwatch-metricalarm-requires-sns-action": {
    what: "drop the heartbeat alarm's actions",
    apply: (s) => {
      const a = alarmOn(s, T.logGroup, "IncomingLogEvents");
      const next = patch(patch(a, "alarmActions", []), "okActions", []);
      next.propertyDependencies = { ...next.propertyDependencies, alarmActions: [], okActions: [] };
      return replace(s, a, next);
    },
  },
  "datalake-glue-job-requires-failure-rule": {
    what: "let the job's failure rule match FAILED only",
    apply: (s) => {
      const rule = resourcesOf(s).find(
        (r) => r.type === RULE && String(r.inputs?.eventPattern).includes("aws.glue"),
      );
      assert.ok(rule, "no Glue failure rule in the prod graph");
      const p = JSON.parse(String(rule.inputs!.eventPattern)) as { detail: { state: string[] } };
      p.detail.state = ["FAILED"];
      return replace(s, rule, patch(rule, "eventPattern", JSON.stringify(p)));
    },
  },
  "datalake-opensearch-domain-requires-health-alarms": {
    what: "turn the red-status alarm into a CPU alarm",
    apply: (s) => {
      const a = alarmOn(s, T.domain, "ClusterStatus.red");
      return replace(s, a, patch(a, "metricName", "CPUUtilization"));
    },
  },
};

describe("the rendered prod graph against the monitoring rules", function () {
  let prod: ExportedState;
  let dir: string;
  let pack: PackSession;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "datalake-monitoring-"));
    [prod, pack] = await Promise.all([renderProd(dir), PackSession.start()]);
  });
  after(() => {
    pack?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("declares a mutation for every monitoring rule", () => {
    assert.deepStrictEqual(Object.keys(MUTATIONS).sort(), monitoringPolicies.map((p) => p.name).sort());
  });

  const prodConfig = readPolicyConfig(path.join(ROOT, "policies", "config", "prod.json"));
  it("passes every monitoring rule as rendered", async () => {
    const result = await pack.analyze(prod, prodConfig);
    assert.deepStrictEqual(result.violations, []);
    const names = monitoringPolicies.map((p) => p.name);
    assert.deepStrictEqual(
      result.notApplicable.filter((n) => names.includes(n.policy)),
      [],
    );
  });
  for (const [policy, mutation] of Object.entries(MUTATIONS)) {
    it(`reports ${policy} as mandatory when we ${mutation.what}`, async () => {
      const mutated = mutation.apply(JSON.parse(JSON.stringify(prod)) as ExportedState);
      const result = await pack.analyze(mutated, prodConfig);
      const mandatory = [
        ...new Set(result.violations.filter((v) => v.level === "mandatory").map((v) => v.policy)),
      ];
      assert.deepStrictEqual(mandatory, [policy], JSON.stringify(result.violations, null, 1));
    });
  }
});
