/**
 * The EtlLayer's failure notification: an EventBridge rule that matches the job's runs ending
 * FAILED, TIMEOUT or ERROR and sends the event to the operations topic. Glue emits "Glue Job State
 * Change" events on the default bus ("Automating AWS Glue with EventBridge",
 * https://docs.aws.amazon.com/glue/latest/dg/automating-awsglue-with-cloudwatch-events.html).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { OpsScope, opsEventRule } from "../shared/alarms";

/** Final states of a run that need a person. STOPPED is left out: someone stopped it on purpose. */
export const GLUE_FAILURE_STATES = ["FAILED", "TIMEOUT", "ERROR"] as const;

/** The event pattern of the job's failed runs (pure). */
export function glueJobFailurePattern(jobName: string) {
  return {
    source: ["aws.glue"],
    "detail-type": ["Glue Job State Change"],
    detail: { jobName: [jobName], state: [...GLUE_FAILURE_STATES] },
  };
}

export interface EtlAlarmInputs extends OpsScope {
  /** The job's name (an output of the job, so the rule depends on it). */
  readonly jobName: pulumi.Output<string>;
}

/** Creates the rule and its target; returns the rule (the dashboard counts its matches). */
export function jobFailureRule(i: EtlAlarmInputs): aws.cloudwatch.EventRule {
  return opsEventRule(
    i,
    "job-failed",
    "A run of the ETL job ended FAILED, TIMEOUT or ERROR.",
    i.jobName.apply((j) => JSON.stringify(glueJobFailurePattern(j))),
  );
}
