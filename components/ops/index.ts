/**
 * Operating the lake: the encrypted operations topic every layer's health alarms and EventBridge
 * rules notify (created first, so each layer receives its ARN), and the pipeline dashboard
 * (created last, from the names the layers return). The health alarms themselves live in each
 * layer beside the resources they watch; see docs/operations.md.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { opsNamePrefix } from "../shared/alarms";
import { toJson } from "../shared/iam";
import { PipelineDashboardInput, pipelineDashboardBody } from "./dashboard";
import { operationsKeyPolicy, operationsTopicPolicy } from "./policies";

export { pipelineDashboardBody } from "./dashboard";
export type { PipelineDashboardInput } from "./dashboard";

/** Arguments of {@link Operations}. */
export interface OperationsArgs {
  /**
   * The layers (component names) whose alarms and rules notify the topic: the topic and key
   * policies admit `datalake-<stack>-<layer>-*` for each, and nothing else.
   */
  readonly publisherLayers: readonly string[];
  /** E-mail address subscribed to the operations topic (SNS sends a confirmation mail). @default undefined — no subscription */
  readonly alarmEmail?: string;
  /** protect + retainOnDelete on the topic's KMS key. @default false */
  readonly protectStatefulResources?: boolean;
}

/**
 * The operations topic: an SNS topic encrypted with its own customer-managed key, whose topic and
 * key policies let exactly this stack's layers' CloudWatch alarms and EventBridge rules publish.
 */
export class Operations extends pulumi.ComponentResource {
  /** ARN of the operations topic; every layer's health alarm and rule notifies it. */
  public readonly topicArn: pulumi.Output<string>;
  /** ARN of the topic's KMS key. */
  public readonly keyArn: pulumi.Output<string>;

  constructor(name: string, args: OperationsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("datalake:ops:Operations", name, {}, opts);

    const protect = args.protectStatefulResources ?? false;
    if (args.alarmEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(args.alarmEmail)) {
      throw new Error(`Operations ${name}: alarmEmail "${args.alarmEmail}" is not an e-mail address.`);
    }
    const policyArgs = {
      partition: aws.getPartitionOutput({}, { parent: this }).partition,
      region: aws.getRegionOutput({}, { parent: this }).region,
      accountId: aws.getCallerIdentityOutput({}, { parent: this }).accountId,
      namePrefix: opsNamePrefix(pulumi.getStack()),
      layers: args.publisherLayers,
    };

    const key = new aws.kms.Key(
      `${name}-key`,
      {
        description: `${policyArgs.namePrefix}: operations topic (health alarms and EventBridge rules)`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: toJson(operationsKeyPolicy(policyArgs)),
      },
      { parent: this, protect, retainOnDelete: protect },
    );
    const topic = new aws.sns.Topic(
      `${name}-topic`,
      { kmsMasterKeyId: key.arn, displayName: `${policyArgs.namePrefix} operations` },
      { parent: this },
    );
    new aws.sns.TopicPolicy(
      `${name}-topic-policy`,
      { arn: topic.arn, policy: toJson(operationsTopicPolicy({ ...policyArgs, topicArn: topic.arn })) },
      { parent: this },
    );
    if (args.alarmEmail !== undefined) {
      new aws.sns.TopicSubscription(
        `${name}-email`,
        { topic: topic.arn, protocol: "email", endpoint: args.alarmEmail },
        { parent: this },
      );
    }

    this.topicArn = topic.arn;
    this.keyArn = key.arn;
    this.registerOutputs({ topicArn: this.topicArn, keyArn: this.keyArn });
  }
}

/** Arguments of {@link PipelineDashboard}: the names of every hop, as the layers return them. */
export type PipelineDashboardArgs = {
  readonly [K in keyof Omit<PipelineDashboardInput, "region" | "accountId">]: pulumi.Input<
    PipelineDashboardInput[K]
  >;
};

/** One CloudWatch dashboard per stack that shows the pipeline end to end (see dashboard.ts). */
export class PipelineDashboard extends pulumi.ComponentResource {
  /** Name of the dashboard (`datalake-<stack>-pipeline`). */
  public readonly dashboardName: pulumi.Output<string>;
  /** Console URL of the dashboard. */
  public readonly dashboardUrl: pulumi.Output<string>;

  constructor(name: string, args: PipelineDashboardArgs, opts?: pulumi.ComponentResourceOptions) {
    super("datalake:ops:PipelineDashboard", name, {}, opts);

    const region = aws.getRegionOutput({}, { parent: this }).region;
    const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const body = pulumi
      .all([pulumi.output(args), region, accountId])
      .apply(([a, r, account]) =>
        JSON.stringify(
          pipelineDashboardBody({ ...(a as PipelineDashboardInput), region: r, accountId: account }),
        ),
      );
    const dashboard = new aws.cloudwatch.Dashboard(
      `${name}-dashboard`,
      { dashboardName: `${opsNamePrefix(pulumi.getStack())}-${name}`, dashboardBody: body },
      { parent: this },
    );
    this.dashboardName = dashboard.dashboardName;
    this.dashboardUrl = pulumi.interpolate`https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards/dashboard/${dashboard.dashboardName}`;
    this.registerOutputs({ dashboardName: this.dashboardName, dashboardUrl: this.dashboardUrl });
  }
}
