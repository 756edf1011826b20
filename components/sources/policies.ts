/**
 * The IAM documents of the configured sources, pure: the role CloudWatch Logs assumes to put
 * subscription batches into the lake's logs stream, and the policy (and trust) of an application
 * that puts its own records into the raw stream.
 */
import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument, policyDocument } from "../shared/iam";

type S = pulumi.Input<string>;

/** The two calls that put records into a Firehose stream, and nothing else. */
export const FIREHOSE_PUT_ACTIONS = ["firehose:PutRecord", "firehose:PutRecordBatch"];

/** `arn:<partition>:logs:<region>:<account>:log-group:<name>:*`, the source ARN of a group's subscription. */
export function logGroupArnPattern(
  partition: S,
  region: S,
  accountId: S,
  group: string,
): pulumi.Output<string> {
  return pulumi.interpolate`arn:${partition}:logs:${region}:${accountId}:log-group:${group}:*`;
}

/**
 * Trust of the role CloudWatch Logs assumes for the subscription filters into Firehose: the
 * service principal, only for the configured groups of this account (aws:SourceArn) — the
 * confused-deputy guard of "Subscription filters with Amazon Data Firehose"
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html#FirehoseExample),
 * narrowed from the account's groups to the configured ones.
 */
export function logsDeliveryTrust(accountId: S, groupArns: S[]): PolicyDocument {
  return policyDocument({
    Effect: "Allow",
    Principal: { Service: "logs.amazonaws.com" },
    Action: "sts:AssumeRole",
    Condition: {
      StringLike: { "aws:SourceArn": groupArns },
      StringEquals: { "aws:SourceAccount": accountId },
    },
  });
}

/** What that role may do: put records into the logs stream. */
export function logsDeliveryPolicy(streamArn: S): PolicyDocument {
  return policyDocument({
    Sid: "PutSubscriptionRecords",
    Effect: "Allow",
    Action: FIREHOSE_PUT_ACTIONS,
    Resource: streamArn,
  });
}

/** A producer's grant: put records into the raw stream (the stream's key is Firehose's to use). */
export function producerPolicy(streamArn: S): PolicyDocument {
  return policyDocument({
    Sid: "PutRawRecords",
    Effect: "Allow",
    Action: FIREHOSE_PUT_ACTIONS,
    Resource: streamArn,
  });
}

/** Who may assume a producer's role: one IAM principal (an ARN) or one AWS service. */
export type ProducerPrincipal = { readonly principalArn: string } | { readonly service: string };

/** Trust of a producer's role. */
export function producerTrust(p: ProducerPrincipal): PolicyDocument {
  return policyDocument({
    Effect: "Allow",
    Principal: "principalArn" in p ? { AWS: p.principalArn } : { Service: p.service },
    Action: "sts:AssumeRole",
  });
}
