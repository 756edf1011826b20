import * as assert from "assert";
import { BatchLayer } from "../../../components/batch";
import { freshnessThresholdSeconds } from "../../../components/batch/alarms";
import { EtlLayer, glueJobFailurePattern } from "../../../components/etl";
import { GeneratorAgent } from "../../../components/network";
import { associationFailurePattern } from "../../../components/network/alarms";
import { json, mockSession, unwrap } from "../../helpers/mocks";

const TOPIC = "arn:aws:sns:ap-northeast-1:123456789012:ops-topic";

describe("layer failure rules and Firehose alarms (under mocks)", function () {
  this.timeout(60_000);

  it("EtlLayer: one rule on the job's FAILED/TIMEOUT/ERROR runs, targeting the topic", async () => {
    const session = await mockSession();
    const etl = new EtlLayer("etl", {
      keyArn: "arn:aws:kms:ap-northeast-1:123456789012:key/k",
      rawBucketName: "raw",
      rawBucketArn: "arn:aws:s3:::raw",
      curatedBucketName: "cur",
      curatedBucketArn: "arn:aws:s3:::cur",
      databaseName: "db",
      rawTableName: "t",
      workgroupName: "wg",
      operationsTopicArn: TOPIC,
    });
    const jobName = await unwrap(etl.jobName);
    assert.strictEqual(await unwrap(etl.failureRuleName), "datalake-test-etl-job-failed");
    await session.settle();
    const rule = session.named("etl-job-failed");
    assert.deepStrictEqual(json(rule.inputs.eventPattern), {
      source: ["aws.glue"],
      "detail-type": ["Glue Job State Change"],
      detail: { jobName: [jobName], state: ["FAILED", "TIMEOUT", "ERROR"] },
    });
    assert.deepStrictEqual(rule.propertyDependencies?.eventPattern, [session.named("etl-job").urn]);
    const target = session.named("etl-job-failed-target");
    assert.deepStrictEqual(
      [target.inputs.rule, target.inputs.arn, target.inputs.roleArn],
      ["datalake-test-etl-job-failed", TOPIC, undefined],
    );
  });

  it("EtlLayer: no rule without a topic", async () => {
    const session = await mockSession();
    const etl = new EtlLayer("etl", {
      keyArn: "k",
      rawBucketName: "raw",
      rawBucketArn: "arn:aws:s3:::raw",
      curatedBucketName: "cur",
      curatedBucketArn: "arn:aws:s3:::cur",
      databaseName: "db",
      rawTableName: "t",
      workgroupName: "wg",
    });
    assert.strictEqual(await unwrap(etl.failureRuleName), undefined);
    await session.settle();
    assert.strictEqual(session.ofType("aws:cloudwatch/eventRule:EventRule").length, 0);
  });

  it("GeneratorAgent: one rule on the association's Failed runs", async () => {
    const session = await mockSession();
    const agent = new GeneratorAgent("agent", {
      instanceId: "i-1",
      documentName: "d",
      parameterName: "/p",
      destinations: { firehose: { deliveryStreamName: "s", region: "ap-northeast-1" } },
      operationsTopicArn: TOPIC,
    });
    const id = await unwrap(agent.associationId);
    await session.settle();
    const rule = session.named("agent-association-failed");
    assert.strictEqual(rule.inputs.name, "datalake-test-agent-association-failed");
    assert.deepStrictEqual(json(rule.inputs.eventPattern), associationFailurePattern(id));
    assert.deepStrictEqual(associationFailurePattern("a-1").detail, {
      "association-id": ["a-1"],
      status: ["Failed"],
    });
    assert.strictEqual(session.named("agent-association-failed-target").inputs.arn, TOPIC);
  });

  it("BatchLayer: freshness and throttling alarms on the stream, threshold from the factor", async () => {
    const session = await mockSession();
    const batch = new BatchLayer("batch", {
      generatorRoleName: "r",
      enableWarehouse: false,
      firehoseBufferSeconds: 300,
      firehoseFreshnessFactor: 3,
      operationsTopicArn: TOPIC,
    });
    await unwrap(batch.firehoseStreamArn);
    await session.settle();
    assert.strictEqual(batch.firehoseFreshnessThresholdSeconds, 900);
    const fresh = session.named("batch-firehose-freshness");
    const stream = session.named("batch-firehose");
    assert.deepStrictEqual(
      [
        fresh.inputs.metricName,
        fresh.inputs.statistic,
        fresh.inputs.threshold,
        fresh.inputs.treatMissingData,
        fresh.inputs.alarmActions,
      ],
      ["DeliveryToS3.DataFreshness", "Maximum", 900, "notBreaching", [TOPIC]],
    );
    assert.deepStrictEqual(fresh.propertyDependencies?.dimensions, [stream.urn]);
    assert.strictEqual(session.named("batch-firehose-throttled").inputs.metricName, "ThrottledRecords");
  });

  it("freshnessThresholdSeconds: factor × buffer, at least 60 s, factor ≥ 1", () => {
    const table: [number, number, number][] = [
      [60, 2, 120],
      [300, 2, 600],
      [0, 2, 60],
      [20, 1.5, 60],
      [100, 1.5, 150],
    ];
    for (const [buffer, factor, want] of table)
      assert.strictEqual(freshnessThresholdSeconds(buffer, factor), want);
    assert.throws(() => freshnessThresholdSeconds(60, 0.5), {
      message: "BatchLayer: firehoseFreshnessFactor is 0.5; use 1 or more buffering intervals.",
    });
    assert.deepStrictEqual(glueJobFailurePattern("j").detail.state, ["FAILED", "TIMEOUT", "ERROR"]);
  });
});
