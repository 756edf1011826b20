/**
 * The SpeedLayer's health alarms, all notifying the operations topic: the forwarder's dead-letter
 * queue, errors, throttles and the documents it recorded as rejected; the OpenSearch domain's health; and the heartbeat of the
 * application log group (the generator and its agent are alive and shipping).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { OpsAlarmSpec, OpsScope, opsAlarm } from "../shared/alarms";
import { LayerContext } from "./context";
import { REJECTED_DOCUMENTS_METRIC_NAME, metricNamespace } from "./metrics";

export interface HealthAlarmInputs extends LayerContext {
  readonly topicArn: pulumi.Input<string>;
  readonly appLogs: aws.cloudwatch.LogGroup;
  readonly forwarder: aws.lambda.Function;
  readonly deadLetter: aws.sqs.Queue;
  readonly domain: aws.opensearch.Domain;
  /** gp3 volume per data node (GiB): the free-storage threshold is a share of it. */
  readonly volumeSizeGiB: number;
  /** Replicas per shard the index templates ask for (0 on a single node). */
  readonly replicas: number;
  readonly dlqDepthThreshold: number;
  readonly freeStorageSharePercent: number;
  readonly jvmMemoryPressurePercent: number;
  readonly heartbeatMinutes: number;
  /** Create the app log group's heartbeat alarm (only a stack with a generator has a steady writer). @default true */
  readonly heartbeat?: boolean;
}

/** FreeStorageSpace is reported in MiB per node; the threshold is `share` % of one node's volume. */
export function freeStorageThresholdMiB(volumeSizeGiB: number, sharePercent: number): number {
  return Math.floor((volumeSizeGiB * 1024 * sharePercent) / 100);
}

/** The alarm specs, pure (tested without mocks); dimensions are filled in by {@link healthAlarms}. */
export function healthAlarmSpecs(
  i: Omit<
    HealthAlarmInputs,
    keyof LayerContext | "topicArn" | "appLogs" | "forwarder" | "deadLetter" | "domain"
  > & {
    readonly logPath: string;
    readonly stack: string;
  },
  dims: {
    readonly queue: Record<string, pulumi.Input<string>>;
    readonly fn: Record<string, pulumi.Input<string>>;
    readonly domain: Record<string, pulumi.Input<string>>;
    readonly logGroup: Record<string, pulumi.Input<string>>;
  },
): OpsAlarmSpec[] {
  const event = (
    role: string,
    namespace: string,
    metricName: string,
    dimensions: Record<string, pulumi.Input<string>>,
    description: string,
    periodSeconds = 300,
    evaluationPeriods = 1,
  ): OpsAlarmSpec => ({
    role,
    description,
    namespace,
    metricName,
    dimensions,
    statistic: namespace === "AWS/ES" ? "Maximum" : "Sum",
    periodSeconds,
    evaluationPeriods,
    threshold: 1,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    treatMissingData: "notBreaching",
  });
  const specs: OpsAlarmSpec[] = [
    {
      role: "forwarder-dlq-depth",
      description: `The forwarder's dead-letter queue holds ${i.dlqDepthThreshold} or more batches that never reached OpenSearch; they expire after 14 days (docs/operations.md).`,
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: dims.queue,
      statistic: "Maximum",
      periodSeconds: 300,
      evaluationPeriods: 1,
      threshold: i.dlqDepthThreshold,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
    },
    event(
      "forwarder-errors",
      "AWS/Lambda",
      "Errors",
      dims.fn,
      "The subscription forwarder failed at least once in 5 minutes.",
    ),
    event(
      "forwarder-throttles",
      "AWS/Lambda",
      "Throttles",
      dims.fn,
      "The subscription forwarder was throttled at least once in 5 minutes.",
    ),
    // Documents OpenSearch refused for their content: not retried and not in the dead-letter
    // queue, so this alarm is what tells an operator to inspect and replay them (docs/speed.md).
    // The metric comes from a metric filter on the forwarder's log group (forwarderFunction.ts).
    event(
      "forwarder-rejected-documents",
      metricNamespace(i.stack),
      REJECTED_DOCUMENTS_METRIC_NAME,
      {},
      "The forwarder recorded at least one document OpenSearch rejected in 5 minutes; inspect and replay it (docs/speed.md, Rejected documents).",
    ),
    // OpenSearch: the statistics, periods and evaluation counts AWS recommends
    // (https://docs.aws.amazon.com/opensearch-service/latest/developerguide/cloudwatch-alarms.html).
    event(
      "opensearch-red",
      "AWS/ES",
      "ClusterStatus.red",
      dims.domain,
      "At least one primary shard of the domain is unassigned (cluster status red).",
      60,
    ),
    event(
      "opensearch-writes-blocked",
      "AWS/ES",
      "ClusterIndexWritesBlocked",
      dims.domain,
      "The domain is blocking writes (ClusterBlockException).",
      300,
    ),
    event(
      "opensearch-snapshot-failed",
      "AWS/ES",
      "AutomatedSnapshotFailure",
      dims.domain,
      "An automated snapshot of the domain failed.",
      60,
    ),
    {
      role: "opensearch-free-storage",
      description: `A data node has less than ${i.freeStorageSharePercent} % of its ${i.volumeSizeGiB} GiB volume free.`,
      namespace: "AWS/ES",
      metricName: "FreeStorageSpace",
      dimensions: dims.domain,
      // Minimum: the node with the least free space (the metric is in MiB per node).
      statistic: "Minimum",
      periodSeconds: 60,
      evaluationPeriods: 1,
      threshold: freeStorageThresholdMiB(i.volumeSizeGiB, i.freeStorageSharePercent),
      comparisonOperator: "LessThanOrEqualToThreshold",
      treatMissingData: "missing",
    },
    {
      role: "opensearch-jvm-pressure",
      description: `JVM memory pressure of a node reached ${i.jvmMemoryPressurePercent} % for 3 minutes.`,
      namespace: "AWS/ES",
      metricName: "JVMMemoryPressure",
      dimensions: dims.domain,
      statistic: "Maximum",
      periodSeconds: 60,
      evaluationPeriods: 3,
      threshold: i.jvmMemoryPressurePercent,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "missing",
    },
  ];
  // Yellow means a replica is unassigned; with no replicas asked for (a single node) it cannot
  // happen for our indices, and a node that cannot host replicas would stay yellow forever.
  if (i.replicas > 0) {
    specs.push(
      event(
        "opensearch-yellow",
        "AWS/ES",
        "ClusterStatus.yellow",
        dims.domain,
        "At least one replica shard of the domain is unassigned for 5 minutes (cluster status yellow).",
        60,
        5,
      ),
    );
  }
  if (i.heartbeat === false) return specs;
  specs.push({
    role: "app-log-heartbeat",
    description: `No event reached ${i.logPath}/app for ${i.heartbeatMinutes} minutes: the generator or its agent has stopped.`,
    namespace: "AWS/Logs",
    metricName: "IncomingLogEvents",
    dimensions: dims.logGroup,
    statistic: "Sum",
    periodSeconds: 60,
    evaluationPeriods: i.heartbeatMinutes,
    threshold: 1,
    comparisonOperator: "LessThanThreshold",
    // IncomingLogEvents is not published for a minute without events: silence is the fault.
    treatMissingData: "breaching",
  });
  return specs;
}

/** Creates the alarms; returns them in spec order. */
export function healthAlarms(i: HealthAlarmInputs): aws.cloudwatch.MetricAlarm[] {
  const scope: OpsScope = { parent: i.parent, name: i.name, stack: i.stack, topicArn: i.topicArn };
  const specs = healthAlarmSpecs(i, {
    queue: { QueueName: i.deadLetter.name },
    fn: { FunctionName: i.forwarder.name },
    // OpenSearch publishes domain metrics with the account id as ClientId.
    domain: { DomainName: i.domain.domainName, ClientId: i.accountId },
    logGroup: { LogGroupName: i.appLogs.name },
  });
  return specs.map((spec) => opsAlarm(scope, spec));
}
