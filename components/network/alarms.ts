/**
 * The generator agent's alarms: an EventBridge rule that matches the agent association's runs
 * ending Failed on the instance and sends the event to the operations topic, and the heartbeat of
 * the application log group the agent ships to.
 * State Manager emits "EC2 State Manager Instance Association State Change" events with the
 * association id and status in the detail ("Amazon EC2 Systems Manager events",
 * https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-ssm.html).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { OpsAlarmSpec, OpsScope, opsEventRule } from "../shared/alarms";
import { Cadence } from "./generator/lines";

/** The event pattern of the association's failed runs (pure). */
export function associationFailurePattern(associationId: string) {
  return {
    source: ["aws.ssm"],
    "detail-type": ["EC2 State Manager Instance Association State Change"],
    detail: { "association-id": [associationId], status: ["Failed"] },
  };
}

export interface AgentAlarmInputs extends OpsScope {
  /** The association's id (an output of the association, so the rule depends on it). */
  readonly associationId: pulumi.Output<string>;
}

/** Creates the rule and its target. */
export function associationFailureRule(i: AgentAlarmInputs): aws.cloudwatch.EventRule {
  return opsEventRule(
    i,
    "association-failed",
    "Applying the agent configuration on the generator failed (SSM State Manager association).",
    i.associationId.apply((id) => JSON.stringify(associationFailurePattern(id))),
  );
}

/**
 * The longest silence of a generator with this cadence, in seconds: lines come every
 * `intervalSeconds`, or, with `linesPerInterval: 0`, only with the bursts every
 * `burstIntervalSeconds`. `undefined` when the cadence writes no line at all.
 */
export function longestSilenceSeconds(c: Cadence): number | undefined {
  if (c.linesPerInterval > 0) return c.intervalSeconds;
  if (c.burstLines > 0 && c.burstIntervalSeconds > 0) return c.burstIntervalSeconds;
  return undefined;
}

/**
 * Why a heartbeat of `minutes` cannot work with this cadence (one sentence naming the config keys),
 * or `undefined`: it must span more than the longest silence of the generator, or the alarm fires
 * between two lines.
 */
export function heartbeatCadenceProblem(minutes: number, c: Cadence): string | undefined {
  const silence = longestSilenceSeconds(c);
  if (silence === undefined) {
    return `the generator writes no line (generator.linesPerInterval and generator.burstLines are 0), so the heartbeat alarm would always fire; set one of them above 0`;
  }
  if (minutes * 60 > silence) return undefined;
  const source =
    c.linesPerInterval > 0
      ? `generator.intervalSeconds (${c.intervalSeconds} s)`
      : `generator.burstIntervalSeconds (${c.burstIntervalSeconds} s), the only lines when generator.linesPerInterval is 0`;
  return `datalake:ops.heartbeatMinutes is ${minutes}: it must be longer than ${source}, or the heartbeat alarm fires between two lines of the generator`;
}

/** What the heartbeat alarm needs: the application log group and the minutes of silence that raise it. */
export interface HeartbeatInputs {
  readonly logGroupName: pulumi.Input<string>;
  readonly minutes: number;
}

/**
 * The heartbeat of the application log group: no event for `minutes` minutes means the generator,
 * its agent or the instance stopped. IncomingLogEvents is not published for a minute without
 * events, so silence itself must breach (missing data = breaching). That is also why the alarm is
 * only created once the agent's configuration was applied (see GeneratorAgent): before the agent
 * ships its first line the log group is silent by design.
 */
export function heartbeatAlarmSpec(i: HeartbeatInputs): OpsAlarmSpec {
  if (!Number.isInteger(i.minutes) || i.minutes < 2 || i.minutes > 1440) {
    // CloudWatch evaluates at most one day of 1-minute periods; a heartbeat of 1 minute would flap.
    throw new Error(`heartbeatMinutes is ${i.minutes}; use a whole number of minutes from 2 to 1440.`);
  }
  return {
    role: HEARTBEAT_ROLE,
    description: `No event reached the application log group for ${i.minutes} minutes: the generator or its agent has stopped.`,
    namespace: "AWS/Logs",
    metricName: "IncomingLogEvents",
    dimensions: { LogGroupName: i.logGroupName },
    statistic: "Sum",
    periodSeconds: 60,
    evaluationPeriods: i.minutes,
    threshold: 1,
    comparisonOperator: "LessThanThreshold",
    treatMissingData: "breaching",
  };
}

/** `<role>` of the heartbeat alarm: `datalake-<stack>-<agent name>-app-log-heartbeat`. */
export const HEARTBEAT_ROLE = "app-log-heartbeat";
