import * as assert from "assert";
import {
  DASHBOARD_PERIOD_SECONDS,
  PipelineDashboardInput,
  WIDGET_HEIGHT,
  WIDGET_WIDTH,
  pipelineDashboardBody,
} from "../../../components/ops/dashboard";

const INPUT: PipelineDashboardInput = {
  region: "ap-northeast-1",
  accountId: "123456789012",
  appLogGroupName: "/datalake/dev/speed/app",
  errorMetricNamespace: "DataLake/dev",
  errorMetricName: "ErrorLogEvents",
  forwarderFunctionName: "datalake-dev-speed-forwarder",
  deadLetterQueueName: "speed-forwarder-dlq-1234567",
  domainName: "datalake-dev-speed-abcdef",
  firehoseStreamName: "batch-firehose-1234567",
  glueJobName: "etl-job-1234567",
  glueFailureRuleName: "datalake-dev-etl-job-failed",
  dlqDepthThreshold: 1,
  firehoseFreshnessThresholdSeconds: 120,
};

describe("pipelineDashboardBody", () => {
  const body = pipelineDashboardBody(INPUT);
  const metricsOf = (n: number) => body.widgets[n].properties.metrics.map((m) => m.slice(0, -1));

  // Widget → the exact metrics it plots (namespace, name, dimension pairs), in pipeline order.
  const TABLE: [string, (string | undefined)[][]][] = [
    [
      "1. Lines written",
      [
        ["AWS/Logs", "IncomingLogEvents", "LogGroupName", "/datalake/dev/speed/app"],
        ["DataLake/dev", "ErrorLogEvents"],
      ],
    ],
    [
      "2. Subscription forwarder: invocations",
      ["Invocations", "Errors", "Throttles"].map((m) => [
        "AWS/Lambda",
        m,
        "FunctionName",
        "datalake-dev-speed-forwarder",
      ]),
    ],
    [
      "3. Subscription forwarder: duration",
      [
        ["AWS/Lambda", "Duration", "FunctionName", "datalake-dev-speed-forwarder"],
        ["AWS/Lambda", "Duration", "FunctionName", "datalake-dev-speed-forwarder"],
      ],
    ],
    [
      "4. Forwarder dead-letter queue",
      [["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", "speed-forwarder-dlq-1234567"]],
    ],
    [
      "5. OpenSearch: indexing",
      ["IndexingRate", "SearchableDocuments"].map((m) => [
        "AWS/ES",
        m,
        "DomainName",
        "datalake-dev-speed-abcdef",
        "ClientId",
        "123456789012",
      ]),
    ],
    [
      "6. OpenSearch: cluster health",
      ["ClusterStatus.red", "ClusterStatus.yellow", "ClusterIndexWritesBlocked"].map((m) => [
        "AWS/ES",
        m,
        "DomainName",
        "datalake-dev-speed-abcdef",
        "ClientId",
        "123456789012",
      ]),
    ],
    [
      "7. Firehose: records in",
      ["IncomingRecords", "DeliveryToS3.Records", "ThrottledRecords"].map((m) => [
        "AWS/Firehose",
        m,
        "DeliveryStreamName",
        "batch-firehose-1234567",
      ]),
    ],
    [
      "8. Firehose: age",
      [["AWS/Firehose", "DeliveryToS3.DataFreshness", "DeliveryStreamName", "batch-firehose-1234567"]],
    ],
    [
      "9. Glue ETL job runs",
      [
        [
          "Glue",
          "glue.driver.aggregate.elapsedTime",
          "JobName",
          "etl-job-1234567",
          "JobRunId",
          "ALL",
          "Type",
          "count",
        ],
        ["AWS/Events", "MatchedEvents", "RuleName", "datalake-dev-etl-job-failed"],
      ],
    ],
  ];

  it("has one widget per hop, in pipeline order", () => {
    assert.strictEqual(body.widgets.length, TABLE.length);
  });
  TABLE.forEach(([title, metrics], n) => {
    it(`widget ${n + 1} "${title}…" plots exactly its metrics`, () => {
      assert.ok(body.widgets[n].properties.title.startsWith(title), body.widgets[n].properties.title);
      assert.deepStrictEqual(metricsOf(n), metrics);
    });
  });

  it("uses the documented statistics", () => {
    const stats = body.widgets.map((w) =>
      w.properties.metrics.map((m) => (m[m.length - 1] as { stat: string }).stat),
    );
    assert.deepStrictEqual(stats, [
      ["Sum", "Sum"],
      ["Sum", "Sum", "Sum"],
      ["Average", "Maximum"],
      ["Maximum"],
      ["Average", "Maximum"],
      ["Maximum", "Maximum", "Maximum"],
      ["Sum", "Sum", "Sum"],
      ["Maximum"],
      // The Glue run time is a running total per run: its Maximum is the run's length.
      ["Maximum", "Sum"],
    ]);
  });

  it("lays the widgets out two per row without overlap, in the stack's region", () => {
    body.widgets.forEach((w, n) => {
      assert.deepStrictEqual(
        [w.x, w.y, w.width, w.height],
        [(n % 2) * WIDGET_WIDTH, Math.floor(n / 2) * WIDGET_HEIGHT, WIDGET_WIDTH, WIDGET_HEIGHT],
      );
      assert.strictEqual(w.properties.region, "ap-northeast-1");
      assert.strictEqual(w.properties.period, DASHBOARD_PERIOD_SECONDS);
    });
  });

  it("draws the alarm thresholds on the DLQ and freshness widgets only", () => {
    const lines = body.widgets.map((w) => w.properties.annotations?.horizontal ?? []);
    assert.deepStrictEqual(lines[3], [{ label: "alarm", value: 1 }]);
    assert.deepStrictEqual(lines[7], [{ label: "alarm", value: 120 }]);
    assert.strictEqual(lines.filter((l) => l.length).length, 2);
    const other = pipelineDashboardBody({
      ...INPUT,
      dlqDepthThreshold: 5,
      firehoseFreshnessThresholdSeconds: 600,
    });
    assert.deepStrictEqual(other.widgets[3].properties.annotations, {
      horizontal: [{ label: "alarm", value: 5 }],
    });
    assert.deepStrictEqual(other.widgets[7].properties.annotations, {
      horizontal: [{ label: "alarm", value: 600 }],
    });
  });

  for (const key of ["domainName", "glueFailureRuleName"] as const) {
    it(`rejects an empty ${key} in one sentence`, () => {
      assert.throws(() => pipelineDashboardBody({ ...INPUT, [key]: "" }), {
        message: `pipeline dashboard: ${key} is empty.`,
      });
    });
  }
});
