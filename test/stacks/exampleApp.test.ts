/**
 * The example stack of a team's own web service (Pulumi.example-app.yaml: generator off, two
 * existing log groups, one producer), rendered by `npm run plan` as a user would: what the
 * sources add, what turning the generator off removes, the policy gate, and the IAM of the new
 * principals proven with @cloud-copilot/iam-simulate.
 */
import * as assert from "assert";
import { CLOUDWATCH_LOGS_PROCESSING } from "../../components/batch/firehose";
import { Graph } from "../iam/helpers/graph";
import { decide } from "../iam/helpers/simulate";
import { RenderedStack, renderedStack } from "../helpers/renderedStacks";
import { sourceKey } from "../../components/shared/sources";
import { EVENT_SCHEMA_ARGUMENT } from "../../components/etl/layout";
import { FORWARDER_ENV } from "../../components/speed/forwarder/env";
import { declaredFieldsOf } from "../../components/speed/mapping";
import type { EventSchema } from "../../components/shared/schema";

const GROUPS = ["/ecs/web-service/api", "/ecs/web-service/worker"];
const STREAM = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream";
const FILTER = "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter";

describe("example-app stack (generator off, two log groups, one producer)", function () {
  let r: RenderedStack;
  let g: Graph;
  before(async () => {
    r = await renderedStack("example-app");
    assert.strictEqual(r.code, 0, r.stderr);
    g = new Graph("example-app", r.state);
  });

  it("renders with zero mandatory and zero advisory violations of the policy pack", () => {
    assert.deepStrictEqual(
      r.gate.violations.map((v) => `${v.level} ${v.policy}: ${v.message}`),
      [],
    );
  });

  it("has no generator: no instance, agent, its role, SSM association or heartbeat alarm", () => {
    const types = new Set(g.resources.map((x) => x.type));
    for (const t of [
      "aws:ec2/instance:Instance",
      "aws:ssm/association:Association",
      "aws:ssm/document:Document",
    ]) {
      assert.ok(!types.has(t), `${t} is in the graph`);
    }
    const names = g.resources.map((x) => x.urn.split("::").pop());
    for (const n of [
      "network-generator-role",
      "speed-generator-grants",
      "batch-generator-firehose",
      "speed-app-log-heartbeat",
      "speed-domain-from-generator",
    ]) {
      assert.ok(!names.includes(n), `${n} is in the graph`);
    }
    assert.ok(!g.resources.some((x) => x.type === "datalake:network:GeneratorAgent"));
  });

  it("subscribes each group twice: to the forwarder (with its own invoke permission) and to the logs stream", () => {
    const filters = g.ofType(FILTER).filter((f) => GROUPS.includes(String(g.prop(f, "logGroup"))));
    assert.strictEqual(filters.length, 4);
    const forwarderArn = g.arnOf("aws:lambda/function:Function", "speed-forwarder");
    const logsStreamArn = g.arnOf(STREAM, "sources-firehose");
    for (const group of GROUPS) {
      const mine = filters.filter((f) => g.prop(f, "logGroup") === group);
      assert.deepStrictEqual(
        mine.map((f) => g.prop(f, "destinationArn")).sort(),
        [forwarderArn, logsStreamArn].sort(),
      );
      const permission = g.named(
        "aws:lambda/permission:Permission",
        `speed-forwarder-invoke-${sourceKey(group)}`,
      );
      assert.strictEqual(
        g.prop(permission, "sourceArn"),
        `arn:aws:logs:${g.region}:${g.account}:log-group:${group}:*`,
      );
    }
  });

  it("the logs stream decompresses, extracts the message and ends each record with a newline; the raw stream does not", () => {
    const logs = g.named(STREAM, "sources-firehose");
    const raw = g.named(STREAM, "batch-firehose");
    const cfg = (s: typeof logs) =>
      (g.prop(s, "extendedS3Configuration") as Record<string, unknown>).processingConfiguration;
    assert.deepStrictEqual(cfg(logs), CLOUDWATCH_LOGS_PROCESSING);
    assert.strictEqual(cfg(raw), undefined);
    const dest = (s: typeof logs) =>
      (g.prop(s, "extendedS3Configuration") as Record<string, unknown>).bucketArn;
    assert.strictEqual(dest(logs), dest(raw), "both streams deliver into the raw bucket");
  });

  it("exports the sources: groups, logs stream, and the producer's policy and role", () => {
    assert.deepStrictEqual(g.outputs.sourceLogGroupNames, GROUPS);
    assert.strictEqual(g.outputs.sourceLogsStreamName, g.prop(g.named(STREAM, "sources-firehose"), "name"));
    const grants = g.outputs.producerGrants as Record<string, { policyArn: string; roleArn: string }>;
    assert.deepStrictEqual(Object.keys(grants), ["web-batch"]);
    assert.match(grants["web-batch"].policyArn, /:policy\/datalake-example-app-producer-web-batch$/);
    assert.match(grants["web-batch"].roleArn, /:role\//);
    assert.match(String(g.outputs.dashboardsPortForwardCommand), /^\(no hop: the generator is off/);
  });

  it("the dashboard draws each configured group and the logs stream", () => {
    const body = JSON.parse(
      String(g.prop(g.ofType("aws:cloudwatch/dashboard:Dashboard")[0], "dashboardBody")),
    );
    const last = body.widgets[body.widgets.length - 1].properties;
    assert.match(last.title, /Configured log groups/);
    assert.deepStrictEqual(
      last.metrics.filter((m: unknown[]) => m[1] === "IncomingLogEvents").map((m: unknown[]) => m[3]),
      GROUPS,
    );
  });

  it("IAM: CloudWatch Logs may assume the delivery role for the configured groups only, and put into the logs stream only", async () => {
    const role = g.role("sources-logs-delivery-role");
    const logsStream = g.arnOf(STREAM, "sources-firehose");
    const rawStream = g.arnOf(STREAM, "batch-firehose");
    const assume = (group: string, account = g.account) =>
      decide(
        {
          principal: "logs.amazonaws.com",
          action: "sts:AssumeRole",
          resource: role.arn,
          context: {
            "aws:SourceArn": `arn:aws:logs:${g.region}:${account}:log-group:${group}:*`,
            "aws:SourceAccount": account,
          },
        },
        { resourcePolicy: role.trust },
      );
    assert.strictEqual(await assume(GROUPS[0]), "Allowed");
    assert.strictEqual(await assume(GROUPS[1]), "Allowed");
    assert.notStrictEqual(await assume("/ecs/other-service"), "Allowed");
    assert.notStrictEqual(await assume(GROUPS[0], "999999999999"), "Allowed");
    const put = (stream: string) =>
      decide(
        {
          principal: role.arn,
          action: "firehose:PutRecordBatch",
          resource: stream,
          resourceAccount: g.account,
          context: { "aws:PrincipalArn": role.arn, "aws:PrincipalAccount": g.account },
        },
        { identity: role.policies },
      );
    assert.strictEqual(await put(logsStream), "Allowed");
    assert.notStrictEqual(await put(rawStream), "Allowed");
  });

  it("IAM: the producer's role is assumed by its service and may put into the raw stream only", async () => {
    const role = g.role("sources-producer-web-batch-role");
    const policy = g.doc(g.named("aws:iam/policy:Policy", "sources-producer-web-batch"), "policy");
    const rawStream = g.arnOf(STREAM, "batch-firehose");
    const logsStream = g.arnOf(STREAM, "sources-firehose");
    const assume = (principal: string) =>
      decide({ principal, action: "sts:AssumeRole", resource: role.arn }, { resourcePolicy: role.trust });
    assert.strictEqual(await assume("ecs-tasks.amazonaws.com"), "Allowed");
    assert.notStrictEqual(await assume("lambda.amazonaws.com"), "Allowed");
    const call = (action: string, stream: string) =>
      decide(
        {
          principal: role.arn,
          action,
          resource: stream,
          resourceAccount: g.account,
          context: { "aws:PrincipalArn": role.arn, "aws:PrincipalAccount": g.account },
        },
        { identity: [{ name: "producer", policy }] },
      );
    assert.strictEqual(await call("firehose:PutRecordBatch", rawStream), "Allowed");
    assert.strictEqual(await call("firehose:PutRecord", rawStream), "Allowed");
    assert.notStrictEqual(await call("firehose:PutRecordBatch", logsStream), "Allowed");
    assert.notStrictEqual(await call("firehose:DeleteDeliveryStream", rawStream), "Allowed");
    const attachment = g
      .ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
      .filter((a) => g.prop(a, "role") === role.name);
    assert.strictEqual(attachment.length, 1);
  });

  it("the lake follows the web-service format: raw and curated columns, the generic named queries", () => {
    const cols = (logical: string) =>
      (
        g.prop(g.named("aws:glue/catalogTable:CatalogTable", logical), "storageDescriptor") as {
          columns: { name: string; type: string }[];
        }
      ).columns.map((c) => `${c.name}:${c.type}`);
    const raw = [
      "timestamp:string",
      "method:string",
      "path:string",
      "status:string",
      "latency_ms:string",
      "user_id:string",
    ];
    assert.deepStrictEqual(cols("batch-raw-table"), raw);
    assert.deepStrictEqual(cols("batch-raw-unpartitioned-table"), raw);
    assert.deepStrictEqual(cols("etl-curated-table"), [
      "event_time:timestamp",
      "timestamp:timestamp",
      "method:string",
      "path:string",
      "status:bigint",
      "latency_ms:double",
      "user_id:string",
      "attributes:map<string,string>",
    ]);
    assert.deepStrictEqual(
      g
        .ofType("aws:athena/namedQuery:NamedQuery")
        .map((q) => g.prop(q, "name"))
        .sort(),
      ["01 Events per hour", "02 Events per method", "03 Latest 100 events"],
    );
  });

  it("the speed layer and the ETL job are handed the same format the stack exports", () => {
    const exported = g.outputs.eventFormat;
    assert.strictEqual((exported as { name: string }).name, "web-service");
    const env = (
      g.prop(g.named("aws:lambda/function:Function", "speed-forwarder"), "environment") as {
        variables: Record<string, string>;
      }
    ).variables;
    assert.deepStrictEqual(JSON.parse(env[FORWARDER_ENV.eventSchema]), exported);
    const args = g.prop(g.named("aws:glue/job:Job", "etl-job"), "defaultArguments") as Record<string, string>;
    assert.deepStrictEqual(JSON.parse(args[EVENT_SCHEMA_ARGUMENT]), exported);
    // The bootstrap's templates declare exactly the format's fields (ours, and why members moved).
    const input = g.prop(g.named("aws:lambda/invocation:Invocation", "speed-bootstrap-run"), "input") as
      string | { plaintext: string };
    const payload = JSON.parse(
      typeof input === "string" ? input : (JSON.parse(input.plaintext) as string),
    ) as {
      settings: { declaredFields: unknown };
    };
    assert.deepStrictEqual(payload.settings.declaredFields, declaredFieldsOf(exported as EventSchema));
  });
});
