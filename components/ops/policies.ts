/**
 * The operations topic's key policy and topic policy, as plain functions (tested table-style).
 *
 * Who publishes: CloudWatch alarms (`cloudwatch.amazonaws.com`) and EventBridge rules
 * (`events.amazonaws.com`) of this account whose names start with `datalake-<stack>-<layer>-` for
 * one of the stack's layers. The layer is part of the pattern so that the stack `dev` does not
 * admit the alarms of a stack named `dev-eu` (`datalake-dev-*` would match `datalake-dev-eu-...`). An
 * encrypted topic needs both halves: the topic policy lets the service call sns:Publish, and the
 * key policy lets it have SNS generate and decrypt the data key (Amazon SNS key management,
 * "Enable compatibility between event sources from AWS services and encrypted topics",
 * https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
 */
import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument, policyDocument } from "../shared/iam";

type S = pulumi.Input<string>;

export interface OpsPolicyArgs {
  readonly partition: S;
  readonly region: S;
  readonly accountId: S;
  /** `datalake-<stack>`: the alarms and rules allowed to publish are named `<prefix>-<layer>-*`. */
  readonly namePrefix: string;
  /** The layers whose alarms and rules publish (`<layer>` of `datalake-<stack>-<layer>-<role>`). */
  readonly layers: readonly string[];
}

/** The name patterns of the publishers: `datalake-<stack>-<layer>-*`, one per layer. */
export function publisherNamePatterns(namePrefix: string, layers: readonly string[]): string[] {
  if (layers.length === 0) throw new Error("the operations topic needs at least one publishing layer.");
  return layers.map((layer) => `${namePrefix}-${layer}-*`);
}

/** ARN patterns of the stack's alarms (aws:SourceArn of an alarm action). */
export function alarmArnPattern(a: OpsPolicyArgs): pulumi.Output<string>[] {
  return publisherNamePatterns(a.namePrefix, a.layers).map(
    (n) => pulumi.interpolate`arn:${a.partition}:cloudwatch:${a.region}:${a.accountId}:alarm:${n}`,
  );
}

/** ARN patterns of the stack's EventBridge rules on the default bus (aws:SourceArn of a rule target). */
export function ruleArnPattern(a: OpsPolicyArgs): pulumi.Output<string>[] {
  return publisherNamePatterns(a.namePrefix, a.layers).map(
    (n) => pulumi.interpolate`arn:${a.partition}:events:${a.region}:${a.accountId}:rule/${n}`,
  );
}

/** The data-key actions SNS performs with the publisher's identity on an encrypted topic. */
export const TOPIC_KEY_ACTIONS = ["kms:GenerateDataKey*", "kms:Decrypt"];

/**
 * Key policy: the account administers the key through IAM; CloudWatch may use it for this stack's
 * alarms only (aws:SourceAccount and aws:SourceArn, the confused-deputy guard the CloudWatch
 * documentation gives for alarm actions); EventBridge may use it from this account.
 *
 * EventBridge's statement carries no aws:SourceArn: AWS documents that condition for the topic
 * policy (which carries it below), and the KMS request SNS makes on EventBridge's behalf is not
 * documented to carry it, so a condition there could silently drop every notification. The key
 * encrypts nothing but this topic, which bounds what the statement allows.
 */
export function operationsKeyPolicy(a: OpsPolicyArgs): PolicyDocument {
  return policyDocument(
    {
      Sid: "AccountAdministersThroughIam",
      Effect: "Allow",
      Principal: { AWS: pulumi.interpolate`arn:${a.partition}:iam::${a.accountId}:root` },
      Action: "kms:*",
      Resource: "*",
    },
    {
      Sid: "CloudWatchAlarmsUseTopicKey",
      Effect: "Allow",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: TOPIC_KEY_ACTIONS,
      Resource: "*",
      Condition: {
        StringEquals: { "aws:SourceAccount": a.accountId },
        ArnLike: { "aws:SourceArn": alarmArnPattern(a) },
      },
    },
    {
      Sid: "EventBridgeRulesUseTopicKey",
      Effect: "Allow",
      Principal: { Service: "events.amazonaws.com" },
      Action: TOPIC_KEY_ACTIONS,
      Resource: "*",
    },
  );
}

/**
 * Topic policy: the account manages and subscribes as with SNS's default policy; CloudWatch alarms
 * and EventBridge rules of this stack may publish (aws:SourceAccount + aws:SourceArn, as in
 * "Example cases for Amazon SNS access control",
 * https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html); nothing else may.
 */
export function operationsTopicPolicy(a: OpsPolicyArgs & { readonly topicArn: S }): PolicyDocument {
  const source = (arnPattern: pulumi.Output<string>[]) => ({
    StringEquals: { "aws:SourceAccount": a.accountId },
    ArnLike: { "aws:SourceArn": arnPattern },
  });
  return policyDocument(
    {
      Sid: "AccountManagesTopic",
      Effect: "Allow",
      Principal: { AWS: pulumi.interpolate`arn:${a.partition}:iam::${a.accountId}:root` },
      Action: [
        "sns:GetTopicAttributes",
        "sns:SetTopicAttributes",
        "sns:AddPermission",
        "sns:RemovePermission",
        "sns:DeleteTopic",
        "sns:Subscribe",
        "sns:ListSubscriptionsByTopic",
        "sns:Publish",
      ],
      Resource: a.topicArn,
    },
    {
      Sid: "CloudWatchAlarmsPublish",
      Effect: "Allow",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: "sns:Publish",
      Resource: a.topicArn,
      Condition: source(alarmArnPattern(a)),
    },
    {
      Sid: "EventBridgeRulesPublish",
      Effect: "Allow",
      Principal: { Service: "events.amazonaws.com" },
      Action: "sns:Publish",
      Resource: a.topicArn,
      Condition: source(ruleArnPattern(a)),
    },
  );
}
