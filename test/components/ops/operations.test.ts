import * as assert from "assert";
import { Operations, PipelineDashboard } from "../../../components/ops";
import { json, mockSession, unwrap } from "../../helpers/mocks";

const ACCOUNT = "123456789012";
const REGION = "ap-northeast-1";
const LAYERS = ["speed", "batch"];
const alarms = (layer: string) => `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:datalake-test-${layer}-*`;
const rules = (layer: string) => `arn:aws:events:${REGION}:${ACCOUNT}:rule/datalake-test-${layer}-*`;

function countByType(resources: readonly { type: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
  return counts;
}

describe("Operations (under mocks)", function () {
  this.timeout(30_000);

  it("creates the key, the encrypted topic and its policy, all children of the component", async () => {
    const session = await mockSession();
    const ops = new Operations("ops", { publisherLayers: LAYERS });
    await unwrap(ops.topicArn);
    const resources = await session.settle();
    assert.deepStrictEqual(countByType(resources), {
      "datalake:ops:Operations": 1,
      "aws:kms/key:Key": 1,
      "aws:sns/topic:Topic": 1,
      "aws:sns/topicPolicy:TopicPolicy": 1,
    });
    for (const r of resources.filter((r) => r.type !== "datalake:ops:Operations")) {
      assert.ok(r.urn.includes(`datalake:ops:Operations$${r.type}::ops-`), r.urn);
    }
    const key = session.named("ops-key");
    assert.strictEqual(key.inputs.enableKeyRotation, true);
    assert.strictEqual(key.inputs.deletionWindowInDays, 30);
    assert.strictEqual(key.protect ?? false, false);
    const topic = session.named("ops-topic");
    assert.strictEqual(topic.inputs.kmsMasterKeyId, key.outputs.arn);
    assert.strictEqual(await unwrap(ops.keyArn), key.outputs.arn);
  });

  it("lets only this stack's alarms and rules use the key and publish to the topic", async () => {
    const session = await mockSession();
    const ops = new Operations("ops", { publisherLayers: LAYERS });
    const topicArn = await unwrap(ops.topicArn);
    await session.settle();
    const keyPolicy = json(session.named("ops-key").inputs.policy);
    assert.deepStrictEqual(keyPolicy.Statement.slice(1), [
      {
        Sid: "CloudWatchAlarmsUseTopicKey",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
        Resource: "*",
        Condition: {
          StringEquals: { "aws:SourceAccount": ACCOUNT },
          ArnLike: { "aws:SourceArn": LAYERS.map(alarms) },
        },
      },
      {
        Sid: "EventBridgeRulesUseTopicKey",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
        Resource: "*",
      },
    ]);
    assert.deepStrictEqual(keyPolicy.Statement[0].Principal, { AWS: `arn:aws:iam::${ACCOUNT}:root` });
    const policy = session.named("ops-topic-policy");
    assert.strictEqual(policy.inputs.arn, topicArn);
    const doc = json(policy.inputs.policy);
    const publishers = doc.Statement.filter((s: { Principal: { Service?: string } }) => s.Principal.Service);
    assert.deepStrictEqual(publishers, [
      {
        Sid: "CloudWatchAlarmsPublish",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: "sns:Publish",
        Resource: topicArn,
        Condition: {
          StringEquals: { "aws:SourceAccount": ACCOUNT },
          ArnLike: { "aws:SourceArn": LAYERS.map(alarms) },
        },
      },
      {
        Sid: "EventBridgeRulesPublish",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sns:Publish",
        Resource: topicArn,
        Condition: {
          StringEquals: { "aws:SourceAccount": ACCOUNT },
          ArnLike: { "aws:SourceArn": LAYERS.map(rules) },
        },
      },
    ]);
    assert.deepStrictEqual(doc.Statement[0].Principal, { AWS: `arn:aws:iam::${ACCOUNT}:root` });
    assert.strictEqual(doc.Statement.length, 3);
  });

  it("subscribes the e-mail only when given, and protects the key when asked", async () => {
    const session = await mockSession();
    const ops = new Operations("ops", {
      publisherLayers: LAYERS,
      alarmEmail: "ops@example.com",
      protectStatefulResources: true,
    });
    const topicArn = await unwrap(ops.topicArn);
    await session.settle();
    const sub = session.named("ops-email");
    assert.deepStrictEqual(
      { topic: sub.inputs.topic, protocol: sub.inputs.protocol, endpoint: sub.inputs.endpoint },
      { topic: topicArn, protocol: "email", endpoint: "ops@example.com" },
    );
    assert.strictEqual(session.named("ops-key").protect, true);
  });

  it("rejects an alarmEmail that is not an address, in one sentence", async () => {
    await mockSession();
    assert.throws(() => new Operations("ops", { publisherLayers: LAYERS, alarmEmail: "ops" }), {
      message: 'Operations ops: alarmEmail "ops" is not an e-mail address.',
    });
  });
});

describe("PipelineDashboard (under mocks)", function () {
  this.timeout(30_000);

  it("creates one dashboard named after the stack, with the body of pipelineDashboardBody", async () => {
    const session = await mockSession();
    const dashboard = new PipelineDashboard("pipeline", {
      appLogGroupName: "/datalake/test/speed/app",
      errorMetricNamespace: "DataLake/test",
      errorMetricName: "ErrorLogEvents",
      forwarderFunctionName: "fwd",
      deadLetterQueueName: "dlq",
      domainName: "search",
      firehoseStreamName: "stream",
      glueJobName: "job",
      glueFailureRuleName: "job-failed",
      dlqDepthThreshold: 1,
      firehoseFreshnessThresholdSeconds: 120,
    });
    assert.strictEqual(
      await unwrap(dashboard.dashboardUrl),
      `https://${REGION}.console.aws.amazon.com/cloudwatch/home?region=${REGION}#dashboards/dashboard/datalake-test-pipeline`,
    );
    const resources = await session.settle();
    assert.deepStrictEqual(countByType(resources), {
      "datalake:ops:PipelineDashboard": 1,
      "aws:cloudwatch/dashboard:Dashboard": 1,
    });
    const d = session.named("pipeline-dashboard");
    assert.strictEqual(d.inputs.dashboardName, "datalake-test-pipeline");
    const body = json(d.inputs.dashboardBody);
    assert.strictEqual(body.widgets.length, 9);
    assert.ok(body.widgets.every((w: { properties: { region: string } }) => w.properties.region === REGION));
    assert.deepStrictEqual(body.widgets[4].properties.metrics[0].slice(0, 6), [
      "AWS/ES",
      "IndexingRate",
      "DomainName",
      "search",
      "ClientId",
      ACCOUNT,
    ]);
  });
});
