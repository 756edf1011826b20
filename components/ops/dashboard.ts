/**
 * The pipeline dashboard's body as plain data: one widget per hop, in the order a log line travels
 * (generator → CloudWatch Logs → forwarder → OpenSearch; generator → Firehose → S3 → Glue).
 * Pure: the PipelineDashboard serializes it, the tests compare it.
 *
 * Metric names, dimensions and statistics are those AWS documents for each service:
 * CloudWatch Logs (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CloudWatch-Logs-Monitoring-CloudWatch-Metrics.html),
 * Lambda (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html),
 * SQS (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html),
 * OpenSearch Service (https://docs.aws.amazon.com/opensearch-service/latest/developerguide/managedomains-cloudwatchmetrics.html),
 * Firehose (https://docs.aws.amazon.com/firehose/latest/dev/monitoring-with-cloudwatch-metrics.html),
 * Glue job metrics (https://docs.aws.amazon.com/glue/latest/dg/monitoring-awsglue-with-cloudwatch-metrics.html)
 * and EventBridge (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html).
 * The body format is the CloudWatch dashboard body structure
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html).
 */

/** The names the dashboard's metrics are keyed by, all resolved. */
export interface PipelineDashboardInput {
  readonly region: string;
  /** The account: OpenSearch metrics carry it as the ClientId dimension. */
  readonly accountId: string;
  readonly appLogGroupName: string;
  /** Namespace and name of the ERROR-line metric of the app log group's filter. */
  readonly errorMetricNamespace: string;
  readonly errorMetricName: string;
  readonly forwarderFunctionName: string;
  readonly deadLetterQueueName: string;
  readonly domainName: string;
  readonly firehoseStreamName: string;
  readonly glueJobName: string;
  /** The EventBridge rule that matches failed Glue job runs (its MatchedEvents count them). */
  readonly glueFailureRuleName: string;
  /** Thresholds drawn as horizontal lines on their widgets. */
  readonly dlqDepthThreshold: number;
  readonly firehoseFreshnessThresholdSeconds: number;
  /** The configured log groups (sources.logGroups): one more widget counts what each receives. */
  readonly sourceLogGroupNames?: readonly string[];
  /** The stream their subscriptions deliver through (set with sourceLogGroupNames). */
  readonly sourcesStreamName?: string;
}

/** One metric of a widget: namespace, name, dimension pairs, then the rendering options. */
export type MetricRef = [string, string, ...(string | { stat: string; label: string })[]];

export interface MetricWidget {
  readonly type: "metric";
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly properties: {
    readonly title: string;
    readonly region: string;
    readonly view: "timeSeries";
    readonly stacked: false;
    readonly period: number;
    readonly metrics: MetricRef[];
    readonly annotations?: { horizontal: { label: string; value: number }[] };
  };
}

export interface DashboardBody {
  readonly widgets: MetricWidget[];
}

/** Widgets per row and the size of each (the grid is 24 units wide). */
export const DASHBOARD_COLUMNS = 2;
export const WIDGET_WIDTH = 12;
export const WIDGET_HEIGHT = 6;
/** Every widget aggregates over 5 minutes: the SQS and Firehose metrics' own granularity. */
export const DASHBOARD_PERIOD_SECONDS = 300;

const m = (
  namespace: string,
  metric: string,
  dims: Record<string, string>,
  stat: string,
  label: string,
): MetricRef => [namespace, metric, ...Object.entries(dims).flat(), { stat, label }];

interface WidgetSpec {
  readonly title: string;
  readonly metrics: MetricRef[];
  readonly threshold?: { label: string; value: number };
}

/** The hops, in pipeline order. */
export function dashboardWidgets(i: PipelineDashboardInput): WidgetSpec[] {
  for (const [k, v] of Object.entries(i)) {
    if (typeof v === "string" && v.length === 0) throw new Error(`pipeline dashboard: ${k} is empty.`);
  }
  if (i.sourceLogGroupNames?.length && !i.sourcesStreamName) {
    throw new Error(
      "pipeline dashboard: sourceLogGroupNames needs sourcesStreamName, the stream they deliver through.",
    );
  }
  const logGroup = { LogGroupName: i.appLogGroupName };
  const fn = { FunctionName: i.forwarderFunctionName };
  const domain = { DomainName: i.domainName, ClientId: i.accountId };
  const stream = { DeliveryStreamName: i.firehoseStreamName };
  const job = { JobName: i.glueJobName, JobRunId: "ALL", Type: "count" };
  const widgets: WidgetSpec[] = [
    {
      title: "1. Lines written: events into the application log group",
      metrics: [
        m("AWS/Logs", "IncomingLogEvents", logGroup, "Sum", "log events in"),
        m(i.errorMetricNamespace, i.errorMetricName, {}, "Sum", "ERROR lines"),
      ],
    },
    {
      title: "2. Subscription forwarder: invocations, errors, throttles",
      metrics: [
        m("AWS/Lambda", "Invocations", fn, "Sum", "invocations"),
        m("AWS/Lambda", "Errors", fn, "Sum", "errors"),
        m("AWS/Lambda", "Throttles", fn, "Sum", "throttles"),
      ],
    },
    {
      title: "3. Subscription forwarder: duration (ms)",
      metrics: [
        m("AWS/Lambda", "Duration", fn, "Average", "average"),
        m("AWS/Lambda", "Duration", fn, "Maximum", "maximum"),
      ],
    },
    {
      title: "4. Forwarder dead-letter queue: messages waiting",
      metrics: [
        m(
          "AWS/SQS",
          "ApproximateNumberOfMessagesVisible",
          { QueueName: i.deadLetterQueueName },
          "Maximum",
          "visible messages",
        ),
      ],
      threshold: { label: "alarm", value: i.dlqDepthThreshold },
    },
    {
      title: "5. OpenSearch: indexing",
      metrics: [
        m("AWS/ES", "IndexingRate", domain, "Average", "indexing operations / min"),
        m("AWS/ES", "SearchableDocuments", domain, "Maximum", "searchable documents"),
      ],
    },
    {
      title: "6. OpenSearch: cluster health",
      metrics: [
        m("AWS/ES", "ClusterStatus.red", domain, "Maximum", "red"),
        m("AWS/ES", "ClusterStatus.yellow", domain, "Maximum", "yellow"),
        m("AWS/ES", "ClusterIndexWritesBlocked", domain, "Maximum", "writes blocked"),
      ],
    },
    {
      title: "7. Firehose: records in and delivered to S3",
      metrics: [
        m("AWS/Firehose", "IncomingRecords", stream, "Sum", "records in"),
        m("AWS/Firehose", "DeliveryToS3.Records", stream, "Sum", "records delivered"),
        m("AWS/Firehose", "ThrottledRecords", stream, "Sum", "throttled records"),
      ],
    },
    {
      title: "8. Firehose: age of the oldest undelivered record (s)",
      metrics: [m("AWS/Firehose", "DeliveryToS3.DataFreshness", stream, "Maximum", "data freshness")],
      threshold: { label: "alarm", value: i.firehoseFreshnessThresholdSeconds },
    },
    {
      title: "9. Glue ETL job runs",
      metrics: [
        // Maximum: each data point is the run's elapsed time so far, reported again while it runs,
        // so a Sum adds one run's running totals up into a meaningless figure (AWS Glue metrics,
        // https://docs.aws.amazon.com/glue/latest/dg/monitoring-awsglue-with-cloudwatch-metrics.html).
        m("Glue", "glue.driver.aggregate.elapsedTime", job, "Maximum", "run time (ms)"),
        m("AWS/Events", "MatchedEvents", { RuleName: i.glueFailureRuleName }, "Sum", "failed runs"),
      ],
    },
  ];
  const groups = i.sourceLogGroupNames ?? [];
  if (groups.length > 0) {
    const sourcesStream = { DeliveryStreamName: i.sourcesStreamName ?? "" };
    widgets.push({
      title: "10. Configured log groups: events in, and their stream's deliveries to S3",
      metrics: [
        ...groups.map((g) => m("AWS/Logs", "IncomingLogEvents", { LogGroupName: g }, "Sum", g)),
        m("AWS/Firehose", "IncomingRecords", sourcesStream, "Sum", "records into the logs stream"),
        m("AWS/Firehose", "DeliveryToS3.Records", sourcesStream, "Sum", "records delivered"),
      ],
    });
  }
  return widgets;
}

/** The dashboard body: the hops laid out left to right, top to bottom. */
export function pipelineDashboardBody(i: PipelineDashboardInput): DashboardBody {
  return {
    widgets: dashboardWidgets(i).map((w, n) => ({
      type: "metric" as const,
      x: (n % DASHBOARD_COLUMNS) * WIDGET_WIDTH,
      y: Math.floor(n / DASHBOARD_COLUMNS) * WIDGET_HEIGHT,
      width: WIDGET_WIDTH,
      height: WIDGET_HEIGHT,
      properties: {
        title: w.title,
        region: i.region,
        view: "timeSeries" as const,
        stacked: false as const,
        period: DASHBOARD_PERIOD_SECONDS,
        metrics: w.metrics,
        ...(w.threshold ? { annotations: { horizontal: [w.threshold] } } : {}),
      },
    })),
  };
}
