/** The SpeedLayer's ERROR alarm: metric filter → alarm → SNS topic (KMS) → optional e-mail. */
import * as aws from "@pulumi/aws";
import { BURST_LEVEL } from "../shared/logformat";
import { LayerContext } from "./context";
import { metricNamespace } from "./metrics";

/** CloudWatch metric the error filter emits. */
export const ERROR_METRIC_NAME = "ErrorLogEvents";

export interface AlarmInputs extends LayerContext {
  /** The layer's key: the topic is encrypted with it. */
  readonly key: aws.kms.Key;
  /** The application log group the agent writes its JSON events to. */
  readonly appLogs: aws.cloudwatch.LogGroup;
  /** ERROR events per period that trip the alarm. */
  readonly threshold: number;
  /** Alarm period (seconds). */
  readonly periodSeconds: number;
  /** Address subscribed to the topic; none when undefined. */
  readonly email: string | undefined;
}

/** The alarm path on the app log group; returns the topic the alarm notifies. */
export function alarm(inputs: AlarmInputs): aws.sns.Topic {
  const { name, parent, prefix, stack, logPath, key, appLogs, threshold, periodSeconds } = inputs;
  const namespace = metricNamespace(stack);
  new aws.cloudwatch.LogMetricFilter(
    `${name}-error-filter`,
    {
      name: `${prefix}-error-events`,
      logGroupName: appLogs.name,
      pattern: `{ $.alarmlevel = "${BURST_LEVEL}" }`,
      metricTransformation: {
        name: ERROR_METRIC_NAME,
        namespace,
        value: "1",
        unit: "Count",
      },
    },
    { parent },
  );
  const topic = new aws.sns.Topic(
    `${name}-alarm-topic`,
    { kmsMasterKeyId: key.arn, displayName: `${prefix} error alarm` },
    { parent },
  );
  new aws.cloudwatch.MetricAlarm(
    `${name}-error-alarm`,
    {
      name: `${prefix}-error-burst`,
      alarmDescription: `${BURST_LEVEL} log events reached ${threshold} within ${periodSeconds} s in ${logPath}/app`,
      namespace,
      metricName: ERROR_METRIC_NAME,
      statistic: "Sum",
      period: periodSeconds,
      evaluationPeriods: 1,
      threshold,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
      alarmActions: [topic.arn],
      okActions: [topic.arn],
    },
    { parent },
  );
  if (inputs.email !== undefined) {
    new aws.sns.TopicSubscription(
      `${name}-alarm-email`,
      { topic: topic.arn, protocol: "email", endpoint: inputs.email },
      { parent },
    );
  }
  return topic;
}
