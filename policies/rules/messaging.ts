/** SNS and SQS rules: topics and queues are encrypted with KMS. */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, isSetString } from "./common";

export const SNS_TOPIC = "aws:sns/topic:Topic";
export const SQS_QUEUE = "aws:sqs/queue:Queue";

export const snsTopicRequiresKms: ResourceValidationPolicy = {
  name: "datalake-sns-topic-requires-kms",
  description: "Every SNS topic is encrypted with a KMS key.",
  severity: "medium",
  tags: ["sns", "encryption"],
  validateResource: forTypes({
    [SNS_TOPIC]: (props, args, report) => {
      if (!isSetString(props, "kmsMasterKeyId"))
        report(
          `SNS topic "${args.name}" is not encrypted. Set kmsMasterKeyId to a KMS key whose policy lets CloudWatch (cloudwatch.amazonaws.com) use it.`,
        );
    },
  }),
};

export const sqsQueueRequiresKms: ResourceValidationPolicy = {
  name: "datalake-sqs-queue-requires-kms",
  description: "Every SQS queue is encrypted with a KMS key (SQS-managed SSE is not enough).",
  severity: "medium",
  tags: ["sqs", "encryption"],
  validateResource: forTypes({
    [SQS_QUEUE]: (props, args, report) => {
      if (!isSetString(props, "kmsMasterKeyId"))
        report(
          `SQS queue "${args.name}" is not encrypted with KMS. Set kmsMasterKeyId to the lake's KMS key.`,
        );
    },
  }),
};

export const messagingPolicies = [snsTopicRequiresKms, sqsQueueRequiresKms];
