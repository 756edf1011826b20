/**
 * The health alarms' common facts: the defaults of every threshold (the stack config and the
 * layers import them from here), the physical names that the operations topic's and key's
 * policies match, and the two shapes every layer builds: a metric alarm that notifies the
 * operations topic, and an EventBridge rule whose target is that topic.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "./names";

/** Defaults of the `datalake:ops` thresholds (one source of truth: config.ts and the layers use these). */
export const OPS_DEFAULTS = {
  /** Messages visible in a dead-letter queue that raise its alarm (one lost batch is already a loss). */
  dlqDepthThreshold: 1,
  /** Firehose freshness alarm at this many buffering intervals (the issue asks for about two). */
  firehoseFreshnessFactor: 2,
  /**
   * Free storage below this share of a data node's volume raises the alarm. AWS recommends 25 %
   * of each node's storage (Recommended CloudWatch alarms for Amazon OpenSearch Service,
   * https://docs.aws.amazon.com/opensearch-service/latest/developerguide/cloudwatch-alarms.html).
   */
  freeStorageSharePercent: 25,
  /** JVMMemoryPressure (maximum, 3 × 1 minute) at or above this percentage; the same page recommends 95. */
  jvmMemoryPressurePercent: 95,
  /** Minutes without a single event in the application log group before the heartbeat alarm. */
  heartbeatMinutes: 10,
} as const;

/** Freshness thresholds below this (seconds) would alarm on normal S3 delivery latency with tiny buffers. */
export const MIN_FRESHNESS_THRESHOLD_SECONDS = 60;

/** `datalake-<stack>`: every alarm and rule name starts with it, and the topic and key policies match it. */
export function opsNamePrefix(stack: string): string {
  return `${PROJECT}-${stack}`;
}

/** The name of a layer's alarm or rule: `datalake-<stack>-<layer>-<role>`, at most 64 characters (EventBridge's limit). */
export function opsResourceName(stack: string, layer: string, role: string): string {
  const full = `${opsNamePrefix(stack)}-${layer}-${role}`;
  if (full.length > 64)
    throw new Error(
      `alarm or rule name "${full}" is longer than 64 characters; shorten "${layer}" or "${role}".`,
    );
  return full;
}

/** What one health alarm says: the metric, how it is judged, and what missing data means. */
export interface OpsAlarmSpec {
  /** `<role>` of the logical name `${name}-<role>` and the physical name. */
  readonly role: string;
  readonly description: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, pulumi.Input<string>>;
  readonly statistic: "Sum" | "Maximum" | "Minimum" | "Average";
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  /** Defaults to evaluationPeriods (every period must breach). */
  readonly datapointsToAlarm?: number;
  readonly threshold: number;
  readonly comparisonOperator:
    | "GreaterThanOrEqualToThreshold"
    | "GreaterThanThreshold"
    | "LessThanThreshold"
    | "LessThanOrEqualToThreshold";
  /**
   * notBreaching where a metric is only published when something happens (errors, throttles);
   * breaching where silence is the fault (the heartbeat); missing where silence is unknown.
   */
  readonly treatMissingData: "notBreaching" | "breaching" | "missing";
}

/** Where a layer creates its alarms: the layer (parent), its name, the stack and the operations topic. */
export interface OpsScope {
  readonly parent: pulumi.Resource;
  /** The layer's name: logical names `${name}-<role>`, physical names `datalake-<stack>-<name>-<role>`. */
  readonly name: string;
  readonly stack: string;
  readonly topicArn: pulumi.Input<string>;
}

/**
 * One metric alarm that notifies the operations topic when it fires and when it recovers.
 * `dependsOn` delays its creation (an alarm that can only be judged once something else exists).
 */
export function opsAlarm(
  scope: OpsScope,
  spec: OpsAlarmSpec,
  dependsOn?: pulumi.Input<pulumi.Resource>[],
): aws.cloudwatch.MetricAlarm {
  return new aws.cloudwatch.MetricAlarm(
    `${scope.name}-${spec.role}`,
    {
      name: opsResourceName(scope.stack, scope.name, spec.role),
      alarmDescription: spec.description,
      namespace: spec.namespace,
      metricName: spec.metricName,
      dimensions: spec.dimensions,
      statistic: spec.statistic,
      period: spec.periodSeconds,
      evaluationPeriods: spec.evaluationPeriods,
      datapointsToAlarm: spec.datapointsToAlarm ?? spec.evaluationPeriods,
      threshold: spec.threshold,
      comparisonOperator: spec.comparisonOperator,
      treatMissingData: spec.treatMissingData,
      actionsEnabled: true,
      alarmActions: [scope.topicArn],
      okActions: [scope.topicArn],
    },
    { parent: scope.parent, ...(dependsOn ? { dependsOn } : {}) },
  );
}

/** An EventBridge rule on the default bus whose only target is the operations topic. */
export function opsEventRule(
  scope: OpsScope,
  role: string,
  description: string,
  eventPattern: pulumi.Input<string>,
): aws.cloudwatch.EventRule {
  const rule = new aws.cloudwatch.EventRule(
    `${scope.name}-${role}`,
    { name: opsResourceName(scope.stack, scope.name, role), description, eventPattern },
    { parent: scope.parent },
  );
  // No roleArn: SNS targets are authorized by the topic's resource policy, and a role breaks
  // delivery to KMS-encrypted topics (Using resource-based policies for Amazon EventBridge,
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html).
  new aws.cloudwatch.EventTarget(
    `${scope.name}-${role}-target`,
    { rule: rule.name, arn: scope.topicArn },
    { parent: scope.parent },
  );
  return rule;
}
