/**
 * The generator agent's failure notification: an EventBridge rule that matches the agent
 * association's runs ending Failed on the instance and sends the event to the operations topic.
 * State Manager emits "EC2 State Manager Instance Association State Change" events with the
 * association id and status in the detail ("Amazon EC2 Systems Manager events",
 * https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-ssm.html).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { OpsScope, opsEventRule } from "../shared/alarms";

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
