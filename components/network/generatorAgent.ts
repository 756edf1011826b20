import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { APP_LOG_PATH, APP_LOG_TAG } from "../shared/names";
import { AgentDestinations, HANDS_ON_PARSER, renderAgentConfig } from "./agent/render";
import { OPS_DEFAULTS, opsAlarm } from "../shared/alarms";
import { associationFailureRule, heartbeatAlarmSpec } from "./alarms";
import { AGENT_STATE_DIR } from "./instance";

/** Arguments of {@link GeneratorAgent}. */
export interface GeneratorAgentArgs {
  /** The generator instance (from NetworkWithGenerator). */
  readonly instanceId: pulumi.Input<string>;
  /** SSM document that applies the configuration (NetworkWithGenerator.agentDocumentName). */
  readonly documentName: pulumi.Input<string>;
  /** Parameter to write; the instance role may read only this one (NetworkWithGenerator.agentParameterName). */
  readonly parameterName: string;
  /** Where the agent ships the log; each later layer contributes its destination. */
  readonly destinations: pulumi.Input<AgentDestinations>;
  /** How often the association re-applies the configuration (drift repair). @default "rate(30 minutes)" */
  readonly reapplySchedule?: string;
  /**
   * The operations topic (from `Operations`) that an EventBridge rule notifies when applying the
   * configuration on the instance fails. @default undefined — no failure rule
   */
  readonly operationsTopicArn?: pulumi.Input<string>;
  /**
   * The application log group the agent ships to: with an operations topic, its heartbeat alarm
   * (no event for `heartbeatMinutes`) is created once the configuration was applied on the
   * instance. @default undefined — no heartbeat alarm
   */
  readonly heartbeatLogGroupName?: pulumi.Input<string>;
  /** Minutes without events in the application log group before the heartbeat alarm. @default 10 */
  readonly heartbeatMinutes?: number;
  /**
   * Seconds `pulumi up` waits for the association's first run on the instance to succeed (a new
   * instance installs the agent first). @default 1800
   */
  readonly applyTimeoutSeconds?: number;
}

/**
 * The generator's fluentd configuration, delivered without touching the instance: the rendered
 * text goes into an SSM parameter, and an SSM association runs the apply document on the
 * instance. The association's parameters carry the text's hash, so a changed destination updates
 * the association (which re-runs it) and never replaces the instance; the schedule repairs drift.
 * Built last, after every layer that contributes a destination, so no component depends on a
 * later one.
 */
export class GeneratorAgent extends pulumi.ComponentResource {
  /** The rendered fluentd configuration. */
  public readonly configText: pulumi.Output<string>;
  /** SSM association id. */
  public readonly associationId: pulumi.Output<string>;

  constructor(name: string, args: GeneratorAgentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("datalake:network:GeneratorAgent", name, {}, opts);
    const heartbeat =
      args.heartbeatLogGroupName !== undefined && args.operationsTopicArn !== undefined
        ? heartbeatAlarmSpec({
            logGroupName: args.heartbeatLogGroupName,
            minutes: args.heartbeatMinutes ?? OPS_DEFAULTS.heartbeatMinutes,
          })
        : undefined;

    this.configText = pulumi.output(args.destinations).apply((destinations) =>
      renderAgentConfig({
        tag: APP_LOG_TAG,
        path: APP_LOG_PATH,
        stateDir: AGENT_STATE_DIR,
        parser: HANDS_ON_PARSER,
        destinations: destinations as AgentDestinations,
      }),
    );
    const parameter = new aws.ssm.Parameter(
      `${name}-config`,
      {
        name: args.parameterName,
        description: "fluentd configuration of the log generator (rendered by the stack)",
        type: "String",
        // Standard tier up to 4 KB, Advanced beyond, chosen by SSM.
        tier: "Intelligent-Tiering",
        value: this.configText,
      },
      { parent: this },
    );
    const association = new aws.ssm.Association(
      `${name}-apply`,
      {
        name: args.documentName,
        targets: [{ key: "InstanceIds", values: [args.instanceId] }],
        parameters: {
          ConfigParameterName: args.parameterName,
          ConfigHash: this.configText.apply((t) => createHash("sha256").update(t).digest("hex")),
        },
        scheduleExpression: args.reapplySchedule ?? "rate(30 minutes)",
        complianceSeverity: "HIGH",
        // The create (and every update) waits until the run on the instance reports Success, so
        // whatever depends on the association (the heartbeat alarm) exists only once the agent
        // ships; a run that fails fails the deployment instead of passing silently.
        waitForSuccessTimeoutSeconds: args.applyTimeoutSeconds ?? 1800,
      },
      { parent: this, dependsOn: [parameter] },
    );
    if (args.operationsTopicArn !== undefined) {
      associationFailureRule({
        parent: this,
        name,
        stack: pulumi.getStack(),
        topicArn: args.operationsTopicArn,
        associationId: association.associationId,
      });
    }
    if (heartbeat !== undefined && args.operationsTopicArn !== undefined) {
      // Created after the association's first successful run: before it the log group is silent
      // by design (the agent's configuration waits for the domain), and a heartbeat that treats
      // silence as breaching would alarm for the whole first deployment.
      opsAlarm(
        { parent: this, name, stack: pulumi.getStack(), topicArn: args.operationsTopicArn },
        heartbeat,
        [association],
      );
    }
    this.associationId = association.associationId;
    this.registerOutputs({ configText: this.configText, associationId: this.associationId });
  }
}
