/**
 * Monitoring rules: nothing in the pipeline fails silently. Every queue that catches failures has
 * a depth alarm, every Firehose stream a freshness alarm, every OpenSearch domain its health
 * alarms, every Glue job a failure rule, and every alarm notifies an SNS topic.
 *
 * All are stack policies: an alarm belongs to the resource its `dimensions` were built from, a
 * rule to the job its `eventPattern` names, a target to its rule, and an action to its topic, all
 * read from `propertyDependencies` (never by comparing names or ids, which are unknown at preview).
 */
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { configNumber, configStrings, forStackTypes, nameOf, Props } from "./common";
import { FIREHOSE as FIREHOSE_STREAM } from "./firehose";
import { GLUE_JOB } from "./glue";
import { SNS_TOPIC, SQS_QUEUE } from "./messaging";
import { LAMBDA_EVENT_INVOKE_CONFIG as EVENT_INVOKE_CONFIG, LAMBDA_FUNCTION } from "./lambda";
import { DOMAIN as OPENSEARCH_DOMAIN } from "./opensearch";

export const METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
export const EVENT_RULE = "aws:cloudwatch/eventRule:EventRule";
export const EVENT_TARGET = "aws:cloudwatch/eventTarget:EventTarget";

const TAGS = ["monitoring", "cloudwatch"];

/** The resources of one type that `r` links to through the input `key`. */
function linked(r: PolicyResource, key: string, type: string): PolicyResource[] {
  return (r.propertyDependencies?.[key] ?? []).filter((d) => d.type === type);
}

/** The metric alarms on `metricName` whose dimensions were built from `target`. */
function alarmsOn(all: PolicyResource[], target: PolicyResource, namespace: string, metricName: string) {
  return all.filter(
    (a) =>
      a.type === METRIC_ALARM &&
      (a.propertyDependencies?.dimensions ?? []).some((d) => d.urn === target.urn) &&
      a.props.namespace === namespace &&
      a.props.metricName === metricName,
  );
}

export const DLQ_ALARM_DEFAULTS = { maxThreshold: 10 } as const;

export const queueRequiresDepthAlarm: StackValidationPolicy = {
  name: "datalake-sqs-queue-requires-depth-alarm",
  description:
    "Every SQS queue used as a Lambda failure destination or dead-letter queue has an alarm on ApproximateNumberOfMessagesVisible (a queue nobody watches is silent loss).",
  severity: "high",
  tags: [...TAGS, "sqs"],
  configSchema: {
    properties: {
      maxThreshold: {
        type: "integer",
        minimum: 1,
        default: DLQ_ALARM_DEFAULTS.maxThreshold,
        description: "Highest allowed alarm threshold (visible messages).",
      },
    },
  },
  validateStack: forStackTypes([LAMBDA_FUNCTION, EVENT_INVOKE_CONFIG], (sources, args, report) => {
    const max = configNumber(
      args.getConfig<Record<string, unknown>>(),
      "maxThreshold",
      DLQ_ALARM_DEFAULTS.maxThreshold,
    );
    const queues = new Map<string, PolicyResource>();
    for (const s of sources) {
      const key = s.type === EVENT_INVOKE_CONFIG ? "destinationConfig" : "deadLetterConfig";
      for (const q of linked(s, key, SQS_QUEUE)) queues.set(q.urn, q);
    }
    if (queues.size === 0) return args.notApplicable("no SQS queue is a Lambda failure destination");
    for (const queue of queues.values()) {
      const alarms = alarmsOn(args.resources, queue, "AWS/SQS", "ApproximateNumberOfMessagesVisible");
      if (alarms.length === 0) {
        report(
          `SQS queue ${nameOf(queue)} receives failed Lambda events but no alarm watches it. Add a MetricAlarm on AWS/SQS ApproximateNumberOfMessagesVisible with dimensions { QueueName: queue.name } and a threshold of at most ${max}.`,
          queue.urn,
        );
      } else if (!alarms.some((a) => typeof a.props.threshold === "number" && a.props.threshold <= max)) {
        report(
          `SQS queue ${nameOf(queue)}: its depth alarm fires only above ${max} visible messages. Set the threshold to at most ${max}.`,
          queue.urn,
        );
      }
    }
  }),
};

export const FRESHNESS_DEFAULTS = { maxBufferFactor: 4 } as const;
/** Firehose's buffering interval when the stream does not set one (seconds). */
const DEFAULT_BUFFER_SECONDS = 300;

export const firehoseRequiresFreshnessAlarm: StackValidationPolicy = {
  name: "datalake-firehose-deliverystream-requires-freshness-alarm",
  description:
    "Every Firehose delivery stream has an alarm on DeliveryToS3.DataFreshness within a few buffering intervals.",
  severity: "medium",
  tags: [...TAGS, "firehose"],
  configSchema: {
    properties: {
      maxBufferFactor: {
        type: "number",
        minimum: 1,
        default: FRESHNESS_DEFAULTS.maxBufferFactor,
        description: "Highest allowed threshold, in buffering intervals (at least 60 s).",
      },
    },
  },
  validateStack: forStackTypes([FIREHOSE_STREAM], (streams, args, report) => {
    const factor = configNumber(
      args.getConfig<Record<string, unknown>>(),
      "maxBufferFactor",
      FRESHNESS_DEFAULTS.maxBufferFactor,
    );
    for (const stream of streams) {
      const buffer = ((stream.props.extendedS3Configuration as Props | undefined)?.bufferingInterval ??
        DEFAULT_BUFFER_SECONDS) as number;
      const max = Math.max(buffer, 60) * factor;
      const alarms = alarmsOn(args.resources, stream, "AWS/Firehose", "DeliveryToS3.DataFreshness");
      if (alarms.length === 0) {
        report(
          `Firehose stream ${nameOf(stream)} has no freshness alarm, so a stalled delivery to S3 goes unnoticed. Add a MetricAlarm on AWS/Firehose DeliveryToS3.DataFreshness with dimensions { DeliveryStreamName: stream.name } and a threshold of at most ${max} s.`,
          stream.urn,
        );
      } else if (!alarms.some((a) => typeof a.props.threshold === "number" && a.props.threshold <= max)) {
        report(
          `Firehose stream ${nameOf(stream)}: its freshness alarm fires later than ${max} s (${factor} × the ${buffer} s buffer). Lower the threshold.`,
          stream.urn,
        );
      }
    }
  }),
};

export const alarmRequiresSnsAction: StackValidationPolicy = {
  name: "datalake-cloudwatch-metricalarm-requires-sns-action",
  description: "Every CloudWatch metric alarm has actions enabled and notifies an SNS topic of the stack.",
  severity: "medium",
  tags: TAGS,
  validateStack: forStackTypes([METRIC_ALARM], (alarms, _args, report) => {
    for (const alarm of alarms) {
      if (alarm.props.actionsEnabled === false) {
        report(
          `Metric alarm ${nameOf(alarm)} has its actions disabled. Set actionsEnabled: true.`,
          alarm.urn,
        );
      } else if (linked(alarm, "alarmActions", SNS_TOPIC).length === 0) {
        report(
          `Metric alarm ${nameOf(alarm)} notifies no SNS topic, so nobody hears when it fires. Set alarmActions to [topic.arn] (the operations topic).`,
          alarm.urn,
        );
      }
    }
  }),
};

export const GLUE_FAILURE_DEFAULTS = { requiredStates: ["FAILED", "TIMEOUT", "ERROR"] } as const;

function parsePattern(v: unknown): Props | undefined {
  if (typeof v !== "string") return undefined;
  try {
    const parsed = JSON.parse(v) as unknown;
    return parsed && typeof parsed === "object" ? (parsed as Props) : undefined;
  } catch {
    return undefined;
  }
}

const includesAll = (v: unknown, wanted: readonly string[]) =>
  Array.isArray(v) && wanted.every((w) => v.includes(w));

export const glueJobRequiresFailureRule: StackValidationPolicy = {
  name: "datalake-glue-job-requires-failure-rule",
  description:
    "Every Glue job has an EventBridge rule that matches its failed runs and targets an SNS topic.",
  severity: "medium",
  tags: [...TAGS, "glue", "eventbridge"],
  configSchema: {
    properties: {
      requiredStates: {
        type: "array",
        items: { type: "string", enum: ["FAILED", "TIMEOUT", "ERROR", "STOPPED"] },
        default: [...GLUE_FAILURE_DEFAULTS.requiredStates],
        description: "Job run states the rule must match.",
      },
    },
  },
  validateStack: forStackTypes([GLUE_JOB], (jobs, args, report) => {
    const states = configStrings(
      args.getConfig<Record<string, unknown>>(),
      "requiredStates",
      GLUE_FAILURE_DEFAULTS.requiredStates,
    );
    const rules = args.resources.filter((r) => r.type === EVENT_RULE);
    const targets = args.resources.filter((r) => r.type === EVENT_TARGET);
    for (const job of jobs) {
      const mine = rules.filter((r) =>
        (r.propertyDependencies?.eventPattern ?? []).some((d) => d.urn === job.urn),
      );
      const matching = mine.filter((r) => {
        const p = parsePattern(r.props.eventPattern);
        return (
          !!p &&
          includesAll(p.source, ["aws.glue"]) &&
          includesAll(p["detail-type"], ["Glue Job State Change"]) &&
          includesAll((p.detail as Props | undefined)?.state, states)
        );
      });
      const notifying = matching.filter((r) =>
        targets.some(
          (t) =>
            linked(t, "rule", EVENT_RULE).some((x) => x.urn === r.urn) &&
            linked(t, "arn", SNS_TOPIC).length > 0,
        ),
      );
      if (notifying.length === 0) {
        report(
          `Glue job ${nameOf(job)} has no EventBridge rule that reports its failed runs to an SNS topic. Add a rule with the pattern { source: ["aws.glue"], "detail-type": ["Glue Job State Change"], detail: { jobName: [job.name], state: ${JSON.stringify(states)} } } and an EventTarget on the operations topic.`,
          job.urn,
        );
      }
    }
  }),
};

export const DOMAIN_ALARM_DEFAULTS = {
  requiredMetrics: [
    "ClusterStatus.red",
    "ClusterIndexWritesBlocked",
    "FreeStorageSpace",
    "JVMMemoryPressure",
    "AutomatedSnapshotFailure",
  ],
} as const;

export const domainRequiresHealthAlarms: StackValidationPolicy = {
  name: "datalake-opensearch-domain-requires-health-alarms",
  description:
    "Every OpenSearch domain has the health alarms AWS recommends (red status, blocked writes, free storage, JVM pressure, snapshot failures).",
  severity: "medium",
  tags: [...TAGS, "opensearch"],
  configSchema: {
    properties: {
      requiredMetrics: {
        type: "array",
        items: { type: "string" },
        default: [...DOMAIN_ALARM_DEFAULTS.requiredMetrics],
        description: "AWS/ES metrics that must each have an alarm on the domain.",
      },
    },
  },
  validateStack: forStackTypes([OPENSEARCH_DOMAIN], (domains, args, report) => {
    const metrics = configStrings(
      args.getConfig<Record<string, unknown>>(),
      "requiredMetrics",
      DOMAIN_ALARM_DEFAULTS.requiredMetrics,
    );
    for (const domain of domains) {
      const missing = metrics.filter((m) => alarmsOn(args.resources, domain, "AWS/ES", m).length === 0);
      if (missing.length) {
        report(
          `OpenSearch domain ${nameOf(domain)} has no alarm on ${missing.join(", ")}. Add a MetricAlarm per metric on AWS/ES with dimensions { DomainName: domain.domainName, ClientId: <account id> }.`,
          domain.urn,
        );
      }
    }
  }),
};

export const monitoringPolicies = [
  queueRequiresDepthAlarm,
  firehoseRequiresFreshnessAlarm,
  alarmRequiresSnsAction,
  glueJobRequiresFailureRule,
  domainRequiresHealthAlarms,
];
