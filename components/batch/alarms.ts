/**
 * The BatchLayer's health alarms, notifying the operations topic: Firehose delivery to the raw
 * bucket falling behind (DeliveryToS3.DataFreshness) and records throttled at ingestion.
 * Metric names and statistics: "Monitoring Amazon Data Firehose with CloudWatch metrics"
 * (https://docs.aws.amazon.com/firehose/latest/dev/monitoring-with-cloudwatch-metrics.html).
 */
import * as pulumi from "@pulumi/pulumi";
import { MIN_FRESHNESS_THRESHOLD_SECONDS, OpsAlarmSpec, OpsScope, opsAlarm } from "../shared/alarms";

export interface BatchAlarmInputs extends OpsScope {
  /** The delivery stream's name (an output of the stream, so the alarm depends on it). */
  readonly streamName: pulumi.Output<string>;
  /** The stream's buffering interval (seconds). */
  readonly bufferSeconds: number;
  /** The freshness alarm fires at this many buffering intervals. */
  readonly freshnessFactor: number;
}

/**
 * Seconds of DataFreshness (age of the oldest record not yet in S3) that raise the alarm: a
 * factor of the buffering interval, never below a minute (S3 delivery itself takes seconds).
 */
export function freshnessThresholdSeconds(bufferSeconds: number, factor: number): number {
  if (!(factor >= 1)) {
    throw new Error(`BatchLayer: firehoseFreshnessFactor is ${factor}; use 1 or more buffering intervals.`);
  }
  return Math.max(Math.ceil(bufferSeconds * factor), MIN_FRESHNESS_THRESHOLD_SECONDS);
}

/** The two specs, pure. */
export function batchAlarmSpecs(
  dimensions: Record<string, pulumi.Input<string>>,
  bufferSeconds: number,
  factor: number,
): OpsAlarmSpec[] {
  const threshold = freshnessThresholdSeconds(bufferSeconds, factor);
  return [
    {
      role: "firehose-freshness",
      description: `Firehose has held a record for more than ${threshold} s (${factor} × the ${bufferSeconds} s buffer) without delivering it to the raw bucket.`,
      namespace: "AWS/Firehose",
      metricName: "DeliveryToS3.DataFreshness",
      dimensions,
      statistic: "Maximum",
      periodSeconds: 300,
      evaluationPeriods: 1,
      threshold,
      comparisonOperator: "GreaterThanThreshold",
      // Published only while records flow; an idle stream is the heartbeat alarm's concern.
      treatMissingData: "notBreaching",
    },
    {
      role: "firehose-throttled",
      description: "Firehose throttled records because ingestion exceeded the stream's quota.",
      namespace: "AWS/Firehose",
      metricName: "ThrottledRecords",
      dimensions,
      statistic: "Sum",
      periodSeconds: 300,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
    },
  ];
}

/** Creates the Firehose alarms on the operations topic. */
export function createBatchAlarms(i: BatchAlarmInputs): void {
  for (const spec of batchAlarmSpecs(
    { DeliveryStreamName: i.streamName },
    i.bufferSeconds,
    i.freshnessFactor,
  ))
    opsAlarm(i, spec);
}
