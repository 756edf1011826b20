/**
 * Monitoring rules: nothing in the pipeline fails silently. Every queue that catches failures has
 * a depth alarm, every Firehose stream a freshness alarm, every OpenSearch domain its health
 * alarms, every Glue job a failure rule, and every alarm notifies an SNS topic.
 *
 * All are stack policies: an alarm belongs to the resource its `dimensions` were built from, a
 * rule to the job its `eventPattern` names, a target to its rule, and an action to its topic, all
 * read from `propertyDependencies` (never by comparing names or ids, which are unknown at preview).
 */
import { PolicyResource, ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import {
  bool,
  closedSchema,
  configNumber,
  configStrings,
  forStackTypes,
  list,
  nameOf,
  num,
  obj,
  Props,
  PropertyTypeError,
  reportingTypeErrors,
  ruleConfig,
  str,
  within,
} from "./common";
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

/**
 * The metric alarms on `metricName` whose dimensions were built from `target`. Every property
 * compared is read through the typed readers (inside `within`, so a wrong type names the alarm):
 * a `dimensions` that is not an object, or a namespace or metric name that is not a string, is a
 * violation instead of an alarm that silently matches nothing.
 */
function alarmsOn(all: PolicyResource[], target: PolicyResource, namespace: string, metricName: string) {
  return all.filter(
    (a) =>
      a.type === METRIC_ALARM &&
      (a.propertyDependencies?.dimensions ?? []).some((d) => d.urn === target.urn) &&
      within(a, (p) => {
        obj(p, "dimensions");
        return str(p, "namespace") === namespace && str(p, "metricName") === metricName;
      }),
  );
}

/** The alarms' thresholds, each read as a number (a string threshold is a violation naming its alarm). */
const thresholds = (alarms: PolicyResource[]) => alarms.map((a) => within(a, (p) => num(p, "threshold")));

/** Checks each resource on its own, so a wrong-typed property on one does not hide the others' findings. */
function each(
  resources: Iterable<PolicyResource>,
  report: ReportViolation,
  check: (r: PolicyResource) => void,
) {
  for (const r of resources) reportingTypeErrors(() => check(r), report, r);
}

export const DLQ_ALARM_DEFAULTS = { maxThreshold: 10 } as const;

export const queueRequiresDepthAlarm: StackValidationPolicy = {
  name: "datalake-sqs-queue-requires-depth-alarm",
  description:
    "Every SQS queue used as a Lambda failure destination or dead-letter queue has an alarm on ApproximateNumberOfMessagesVisible (a queue nobody watches is silent loss).",
  severity: "high",
  tags: [...TAGS, "sqs"],
  configSchema: closedSchema({
    maxThreshold: {
      type: "integer",
      minimum: 1,
      default: DLQ_ALARM_DEFAULTS.maxThreshold,
      description: "Highest allowed alarm threshold (visible messages).",
    },
  }),
  validateStack: forStackTypes([LAMBDA_FUNCTION, EVENT_INVOKE_CONFIG], (sources, args, report) => {
    const max = configNumber(
      ruleConfig(args, queueRequiresDepthAlarm.configSchema!),
      "maxThreshold",
      DLQ_ALARM_DEFAULTS.maxThreshold,
    );
    const queues = new Map<string, PolicyResource>();
    for (const s of sources) {
      const key = s.type === EVENT_INVOKE_CONFIG ? "destinationConfig" : "deadLetterConfig";
      for (const q of linked(s, key, SQS_QUEUE)) queues.set(q.urn, q);
    }
    if (queues.size === 0) return args.notApplicable("no SQS queue is a Lambda failure destination");
    each(queues.values(), report, (queue) => {
      const alarms = alarmsOn(args.resources, queue, "AWS/SQS", "ApproximateNumberOfMessagesVisible");
      if (alarms.length === 0) {
        report(
          `SQS queue ${nameOf(queue)} receives failed Lambda events but no alarm watches it. Add a MetricAlarm on AWS/SQS ApproximateNumberOfMessagesVisible with dimensions { QueueName: queue.name } and a threshold of at most ${max}.`,
          queue.urn,
        );
      } else if (!thresholds(alarms).some((t) => t !== undefined && t <= max)) {
        report(
          `SQS queue ${nameOf(queue)}: its depth alarm fires only above ${max} visible messages. Set the threshold to at most ${max}.`,
          queue.urn,
        );
      }
    });
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
  configSchema: closedSchema({
    maxBufferFactor: {
      type: "number",
      minimum: 1,
      default: FRESHNESS_DEFAULTS.maxBufferFactor,
      description: "Highest allowed threshold, in buffering intervals (at least 60 s).",
    },
  }),
  validateStack: forStackTypes([FIREHOSE_STREAM], (streams, args, report) => {
    const factor = configNumber(
      ruleConfig(args, firehoseRequiresFreshnessAlarm.configSchema!),
      "maxBufferFactor",
      FRESHNESS_DEFAULTS.maxBufferFactor,
    );
    each(streams, report, (stream) => {
      const buffer =
        within(stream, (p) =>
          num(
            obj(p, "extendedS3Configuration"),
            "bufferingInterval",
            "extendedS3Configuration.bufferingInterval",
          ),
        ) ?? DEFAULT_BUFFER_SECONDS;
      const max = Math.max(buffer, 60) * factor;
      const alarms = alarmsOn(args.resources, stream, "AWS/Firehose", "DeliveryToS3.DataFreshness");
      if (alarms.length === 0) {
        report(
          `Firehose stream ${nameOf(stream)} has no freshness alarm, so a stalled delivery to S3 goes unnoticed. Add a MetricAlarm on AWS/Firehose DeliveryToS3.DataFreshness with dimensions { DeliveryStreamName: stream.name } and a threshold of at most ${max} s.`,
          stream.urn,
        );
      } else if (!thresholds(alarms).some((t) => t !== undefined && t <= max)) {
        report(
          `Firehose stream ${nameOf(stream)}: its freshness alarm fires later than ${max} s (${factor} × the ${buffer} s buffer). Lower the threshold.`,
          stream.urn,
        );
      }
    });
  }),
};

export const alarmRequiresSnsAction: StackValidationPolicy = {
  name: "datalake-cloudwatch-metricalarm-requires-sns-action",
  description: "Every CloudWatch metric alarm has actions enabled and notifies an SNS topic of the stack.",
  severity: "medium",
  tags: TAGS,
  validateStack: forStackTypes([METRIC_ALARM], (alarms, _args, report) => {
    each(alarms, report, (alarm) => {
      // Both read typed: `actionsEnabled: "false"` or an `alarmActions` that is not a list would
      // otherwise pass on the strength of the dependency alone. Only the list itself is checked,
      // not its elements: a new topic's ARN is unknown at preview, and the dependency says which
      // topic it is.
      const enabled = within(alarm, (p) => {
        list(p, "alarmActions");
        return bool(p, "actionsEnabled");
      });
      if (enabled === false) {
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
    });
  }),
};

export const GLUE_FAILURE_DEFAULTS = { requiredStates: ["FAILED", "TIMEOUT", "ERROR"] } as const;

/**
 * A rule's event pattern, parsed: text that is not JSON, or JSON that is not an object, is a
 * PropertyTypeError (EventBridge rejects both, and a rule that cannot be read must not pass).
 */
function eventPattern(p: Props): Props | undefined {
  const text = str(p, "eventPattern");
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new PropertyTypeError(
      "eventPattern",
      `is not a JSON event pattern (the string ${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)})`,
    );
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
    throw new PropertyTypeError("eventPattern", "is not a JSON object (an event pattern is one)");
  return parsed as Props;
}

/**
 * True when the pattern's match values at `key` include every wanted string. EventBridge match
 * values are always lists ("Match values are always in arrays", EventBridge User Guide, "Event
 * patterns"), so a present value that is not a list is a type error; content filters (objects)
 * in the list are allowed and simply do not count as exact matches.
 */
const matchesAll = (o: Props | undefined, key: string, path: string, wanted: readonly string[]) => {
  const values = list(o, key, path);
  return wanted.every((w) => values.includes(w));
};

export const glueJobRequiresFailureRule: StackValidationPolicy = {
  name: "datalake-glue-job-requires-failure-rule",
  description:
    "Every Glue job has an EventBridge rule that matches its failed runs and targets an SNS topic.",
  severity: "medium",
  tags: [...TAGS, "glue", "eventbridge"],
  configSchema: closedSchema({
    requiredStates: {
      type: "array",
      items: { type: "string", enum: ["FAILED", "TIMEOUT", "ERROR", "STOPPED"] },
      default: [...GLUE_FAILURE_DEFAULTS.requiredStates],
      description: "Job run states the rule must match.",
    },
  }),
  validateStack: forStackTypes([GLUE_JOB], (jobs, args, report) => {
    const states = configStrings(
      ruleConfig(args, glueJobRequiresFailureRule.configSchema!),
      "requiredStates",
      GLUE_FAILURE_DEFAULTS.requiredStates,
    );
    const rules = args.resources.filter((r) => r.type === EVENT_RULE);
    const targets = args.resources.filter((r) => r.type === EVENT_TARGET);
    each(jobs, report, (job) => {
      const mine = rules.filter((r) =>
        (r.propertyDependencies?.eventPattern ?? []).some((d) => d.urn === job.urn),
      );
      const matching = mine.filter((r) =>
        within(r, (props) => {
          const p = eventPattern(props);
          return (
            !!p &&
            matchesAll(p, "source", "eventPattern.source", ["aws.glue"]) &&
            matchesAll(p, "detail-type", 'eventPattern["detail-type"]', ["Glue Job State Change"]) &&
            matchesAll(obj(p, "detail", "eventPattern.detail"), "state", "eventPattern.detail.state", states)
          );
        }),
      );
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
    });
  }),
};

export const DOMAIN_ALARM_DEFAULTS = {
  requiredMetrics: [
    "ClusterStatus.red",
    "ClusterIndexWritesBlocked",
    "FreeStorageSpace",
    "JVMMemoryPressure",
    "AutomatedSnapshotFailure",
    // Every domain of the pack is encrypted at rest with KMS: AWS recommends alarming when the key
    // is disabled or inaccessible (https://docs.aws.amazon.com/opensearch-service/latest/developerguide/cloudwatch-alarms.html).
    "KMSKeyError",
    "KMSKeyInaccessible",
  ],
} as const;

export const domainRequiresHealthAlarms: StackValidationPolicy = {
  name: "datalake-opensearch-domain-requires-health-alarms",
  description:
    "Every OpenSearch domain has the health alarms AWS recommends (red status, blocked writes, free storage, JVM pressure, snapshot failures, KMS key errors).",
  severity: "medium",
  tags: [...TAGS, "opensearch"],
  configSchema: closedSchema({
    requiredMetrics: {
      type: "array",
      items: { type: "string" },
      default: [...DOMAIN_ALARM_DEFAULTS.requiredMetrics],
      description: "AWS/ES metrics that must each have an alarm on the domain.",
    },
  }),
  validateStack: forStackTypes([OPENSEARCH_DOMAIN], (domains, args, report) => {
    const metrics = configStrings(
      ruleConfig(args, domainRequiresHealthAlarms.configSchema!),
      "requiredMetrics",
      DOMAIN_ALARM_DEFAULTS.requiredMetrics,
    );
    each(domains, report, (domain) => {
      const missing = metrics.filter((m) => alarmsOn(args.resources, domain, "AWS/ES", m).length === 0);
      if (missing.length) {
        report(
          `OpenSearch domain ${nameOf(domain)} has no alarm on ${missing.join(", ")}. Add a MetricAlarm per metric on AWS/ES with dimensions { DomainName: domain.domainName, ClientId: <account id> }.`,
          domain.urn,
        );
      }
    });
  }),
};

export const monitoringPolicies = [
  queueRequiresDepthAlarm,
  firehoseRequiresFreshnessAlarm,
  alarmRequiresSnsAction,
  glueJobRequiresFailureRule,
  domainRequiresHealthAlarms,
];
