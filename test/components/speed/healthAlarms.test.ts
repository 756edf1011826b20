import * as assert from "assert";
import { SpeedLayer, SpeedLayerArgs } from "../../../components/speed";
import { freeStorageThresholdMiB } from "../../../components/speed/healthAlarms";
import { mockSession, unwrap } from "../../helpers/mocks";

const TOPIC = "arn:aws:sns:ap-northeast-1:123456789012:ops-topic";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const NETWORK: SpeedLayerArgs = {
  vpcId: "vpc-0123456789abcdef0",
  subnetIds: ["subnet-a", "subnet-b", "subnet-c"],
  generatorSecurityGroupId: "sg-generator",
  generatorRoleName: "generator-role",
  generatorRoleArn: "arn:aws:iam::123456789012:role/generator-role",
  generatorInstanceId: "i-0123456789abcdef0",
};

async function build(args: Partial<SpeedLayerArgs> = {}) {
  const session = await mockSession();
  const layer = new SpeedLayer("speed", { ...NETWORK, ...args });
  await unwrap(layer.domainEndpoint);
  await session.settle();
  const alarms = session.ofType(ALARM).filter((a) => a.inputs.name !== "datalake-test-speed-error-burst");
  const byRole = Object.fromEntries(
    alarms.map((a) => [String(a.inputs.name).replace("datalake-test-speed-", ""), a]),
  );
  return { session, layer, alarms, byRole };
}

describe("SpeedLayer health alarms (under mocks)", function () {
  this.timeout(60_000);

  it("creates none without an operations topic", async () => {
    const { alarms } = await build();
    assert.deepStrictEqual(alarms, []);
  });

  it("creates the eleven single-node alarms on the operations topic, with the defaults", async () => {
    const { byRole, session } = await build({ operationsTopicArn: TOPIC });
    const summary = Object.fromEntries(
      Object.entries(byRole).map(([role, a]) => [
        role,
        [
          a.inputs.namespace,
          a.inputs.metricName,
          a.inputs.statistic,
          a.inputs.comparisonOperator,
          a.inputs.threshold,
          a.inputs.period,
          a.inputs.evaluationPeriods,
          a.inputs.treatMissingData,
        ],
      ]),
    );
    assert.deepStrictEqual(summary, {
      "forwarder-dlq-depth": [
        "AWS/SQS",
        "ApproximateNumberOfMessagesVisible",
        "Maximum",
        "GreaterThanOrEqualToThreshold",
        1,
        300,
        1,
        "notBreaching",
      ],
      "forwarder-errors": [
        "AWS/Lambda",
        "Errors",
        "Sum",
        "GreaterThanOrEqualToThreshold",
        1,
        300,
        1,
        "notBreaching",
      ],
      "forwarder-throttles": [
        "AWS/Lambda",
        "Throttles",
        "Sum",
        "GreaterThanOrEqualToThreshold",
        1,
        300,
        1,
        "notBreaching",
      ],
      "forwarder-rejected-documents": [
        "DataLake/test",
        "ForwarderRejectedDocuments",
        "Sum",
        "GreaterThanOrEqualToThreshold",
        1,
        300,
        1,
        "notBreaching",
      ],
      "opensearch-red": [
        "AWS/ES",
        "ClusterStatus.red",
        "Maximum",
        "GreaterThanOrEqualToThreshold",
        1,
        60,
        1,
        "notBreaching",
      ],
      "opensearch-writes-blocked": [
        "AWS/ES",
        "ClusterIndexWritesBlocked",
        "Maximum",
        "GreaterThanOrEqualToThreshold",
        1,
        300,
        1,
        "notBreaching",
      ],
      "opensearch-snapshot-failed": [
        "AWS/ES",
        "AutomatedSnapshotFailure",
        "Maximum",
        "GreaterThanOrEqualToThreshold",
        1,
        60,
        1,
        "notBreaching",
      ],
      "opensearch-free-storage": [
        "AWS/ES",
        "FreeStorageSpace",
        "Minimum",
        "LessThanOrEqualToThreshold",
        2560,
        60,
        1,
        "missing",
      ],
      "opensearch-jvm-pressure": [
        "AWS/ES",
        "JVMMemoryPressure",
        "Maximum",
        "GreaterThanOrEqualToThreshold",
        95,
        60,
        3,
        "missing",
      ],
      // The domain's customer-managed key: AWS publishes these only when the key fails.
      "opensearch-kms-key-error": [
        "AWS/ES",
        "KMSKeyError",
        "Maximum",
        "GreaterThanOrEqualToThreshold",
        1,
        60,
        1,
        "notBreaching",
      ],
      "opensearch-kms-key-inaccessible": [
        "AWS/ES",
        "KMSKeyInaccessible",
        "Maximum",
        "GreaterThanOrEqualToThreshold",
        1,
        60,
        1,
        "notBreaching",
      ],
    });
    for (const a of Object.values(byRole)) {
      assert.deepStrictEqual(
        [a.inputs.alarmActions, a.inputs.okActions, a.inputs.actionsEnabled],
        [[TOPIC], [TOPIC], true],
      );
      assert.strictEqual(a.inputs.datapointsToAlarm, a.inputs.evaluationPeriods);
      assert.ok(
        a.urn.includes("datalake:speed:SpeedLayer$aws:cloudwatch/metricAlarm:MetricAlarm::speed-"),
        a.urn,
      );
    }
    const domain = session.named("speed-domain");
    assert.deepStrictEqual(byRole["opensearch-red"].inputs.dimensions, {
      DomainName: domain.outputs.domainName,
      ClientId: "123456789012",
    });
    assert.deepStrictEqual(byRole["opensearch-red"].propertyDependencies?.dimensions, [domain.urn]);
    assert.deepStrictEqual(byRole["forwarder-dlq-depth"].propertyDependencies?.dimensions, [
      session.named("speed-forwarder-dlq").urn,
    ]);
    assert.strictEqual(byRole["app-log-heartbeat"], undefined, "the heartbeat is the GeneratorAgent's");
    assert.deepStrictEqual(byRole["opensearch-kms-key-error"].propertyDependencies?.dimensions, [domain.urn]);
  });

  it("adds the yellow alarm only where replicas can be allocated, and takes thresholds from the args", async () => {
    const { byRole } = await build({
      operationsTopicArn: TOPIC,
      availabilityZoneCount: 3,
      instanceCount: 3,
      volumeSizeGiB: 100,
      dlqDepthThreshold: 5,
      freeStorageSharePercent: 10,
      jvmMemoryPressurePercent: 80,
    });
    assert.strictEqual(Object.keys(byRole).length, 12);
    const y = byRole["opensearch-yellow"];
    assert.deepStrictEqual(
      [y.inputs.metricName, y.inputs.period, y.inputs.evaluationPeriods],
      ["ClusterStatus.yellow", 60, 5],
    );
    assert.strictEqual(byRole["forwarder-dlq-depth"].inputs.threshold, 5);
    assert.strictEqual(byRole["opensearch-free-storage"].inputs.threshold, 10240);
    assert.strictEqual(byRole["opensearch-jvm-pressure"].inputs.threshold, 80);
    assert.strictEqual(byRole["opensearch-master-cpu"], undefined, "no dedicated masters, no master alarms");
  });

  it("adds the master CPU and JVM alarms AWS recommends where dedicated masters exist", async () => {
    const { byRole } = await build({
      operationsTopicArn: TOPIC,
      availabilityZoneCount: 3,
      instanceCount: 3,
      dedicatedMasterCount: 3,
    });
    const pick = (role: string) => {
      const a = byRole[role].inputs;
      return [a.metricName, a.statistic, a.comparisonOperator, a.threshold, a.period, a.evaluationPeriods];
    };
    // "MasterCPUUtilization maximum is >= 50% for 15 minutes, 3 consecutive times";
    // "MasterJVMMemoryPressure maximum is >= 95% for 1 minute, 3 consecutive times".
    assert.deepStrictEqual(pick("opensearch-master-cpu"), [
      "MasterCPUUtilization",
      "Maximum",
      "GreaterThanOrEqualToThreshold",
      50,
      900,
      3,
    ]);
    assert.deepStrictEqual(pick("opensearch-master-jvm-pressure"), [
      "MasterJVMMemoryPressure",
      "Maximum",
      "GreaterThanOrEqualToThreshold",
      95,
      60,
      3,
    ]);
    assert.strictEqual(Object.keys(byRole).length, 14);
  });

  it("has no yellow alarm on two nodes in one zone (no replicas)", async () => {
    const { byRole } = await build({ operationsTopicArn: TOPIC, instanceCount: 2 });
    assert.strictEqual(byRole["opensearch-yellow"], undefined);
  });

  it("computes the free-storage threshold in MiB per node", () => {
    const table: [number, number, number][] = [
      [10, 25, 2560],
      [100, 25, 25600],
      [10, 33, 3379],
    ];
    for (const [gib, pct, mib] of table) assert.strictEqual(freeStorageThresholdMiB(gib, pct), mib);
  });
});
