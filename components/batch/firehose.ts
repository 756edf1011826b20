/**
 * Firehose into the raw zone: the delivery log group and stream, the delivery role and its
 * policy, the encrypted stream, and the generator's permission to put records into it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { assumeRolePolicy, toJson } from "../shared/iam";
import {
  RAW_PARTITION_TIME_ZONE,
  lakeLogGroupPrefix,
  rawErrorOutputPrefix,
  rawFirehosePrefix,
} from "../shared/lake";
import { firehoseDeliveryPolicy, generatorFirehosePolicy } from "./iamDocuments";
import type { LayerScope } from "./scope";

/** Inputs of {@link createFirehose}. */
export interface FirehoseInputs extends LayerScope {
  readonly region: pulumi.Output<string>;
  readonly accountId: pulumi.Output<string>;
  /** The lake key: it encrypts the stream, the delivered objects and the delivery logs. */
  readonly keyArn: pulumi.Output<string>;
  /** The raw bucket, the stream's destination. */
  readonly rawBucketArn: pulumi.Output<string>;
  /**
   * Name of the generator's IAM role, granted PutRecord/PutRecordBatch on the stream.
   * @default undefined — no generator (datalake:generator.enabled false), no grant
   */
  readonly generatorRoleName?: pulumi.Input<string>;
  /**
   * What the stream receives. "records": lines put by producers (the generator's agent, apps), kept
   * as sent. "cloudwatch-logs": CloudWatch Logs subscription batches, which Firehose decompresses,
   * splits into their log events and reduces to each event's message, one per line (a stream with
   * decompression must take nothing but subscriptions, so the two never share a stream).
   * @default "records"
   */
  readonly input?: "records" | "cloudwatch-logs";
  /** The delivery role's description. @default the generator's stream */
  readonly roleDescription?: string;
  readonly bufferSeconds: number;
  readonly bufferMiB: number;
  /** Retention of the delivery log group, in days. */
  readonly logRetentionDays: number;
}

/** The stream, for the layer's outputs. */
export interface Firehose {
  readonly streamName: pulumi.Output<string>;
  readonly streamArn: pulumi.Output<string>;
}

/**
 * Firehose's built-in processing of CloudWatch Logs subscription records, in the order it runs:
 * gunzip the batch (processor `Decompression`, parameter `CompressionFormat` = `GZIP`), keep each
 * log event's message alone (`CloudWatchLogProcessing`, `DataMessageExtraction` = `true`), end
 * each with a newline (`AppendDelimiterToRecord`, no parameter), so the raw zone holds one event
 * per line as the generator's stream does. Types and parameter names: the pulumi-aws
 * `FirehoseDeliveryStream` argument `extendedS3Configuration.processingConfiguration.processors`
 * (`type`: "... `Decompression`, `CloudWatchLogProcessing`"; `parameters.parameterName`: "...
 * `CompressionFormat`, `DataMessageExtraction`"), and Firehose's guide "Send CloudWatch Logs to
 * Firehose" (https://docs.aws.amazon.com/firehose/latest/dev/writing-with-cloudwatch-logs.html),
 * which also says a stream with decompression must be used for subscription filters only.
 */
export const CLOUDWATCH_LOGS_PROCESSING: aws.types.input.kinesis.FirehoseDeliveryStreamExtendedS3ConfigurationProcessingConfiguration =
  {
    enabled: true,
    processors: [
      { type: "Decompression", parameters: [{ parameterName: "CompressionFormat", parameterValue: "GZIP" }] },
      {
        type: "CloudWatchLogProcessing",
        parameters: [{ parameterName: "DataMessageExtraction", parameterValue: "true" }],
      },
      { type: "AppendDelimiterToRecord" },
    ],
  };

/** Creates the delivery stream from the generator into the raw bucket, gzipped under the UTC prefix. */
export function createFirehose(i: FirehoseInputs): Firehose {
  const { parent, name } = i;
  const deliveryLogGroup = new aws.cloudwatch.LogGroup(
    `${name}-firehose-logs`,
    {
      name: `${lakeLogGroupPrefix(i.stack)}firehose/${name}`,
      kmsKeyId: i.keyArn,
      retentionInDays: i.logRetentionDays,
    },
    { parent },
  );
  const deliveryLogStream = new aws.cloudwatch.LogStream(
    `${name}-firehose-log-stream`,
    { logGroupName: deliveryLogGroup.name, name: "S3Delivery" },
    { parent },
  );
  const firehoseRole = new aws.iam.Role(
    `${name}-firehose-role`,
    {
      description: i.roleDescription ?? "Firehose delivery of the application logs into the raw zone",
      // The external id (the account) is the confused-deputy guard Firehose documents.
      assumeRolePolicy: toJson(
        assumeRolePolicy("firehose.amazonaws.com", { StringEquals: { "sts:ExternalId": i.accountId } }),
      ),
    },
    { parent },
  );
  const firehosePolicy = new aws.iam.RolePolicy(
    `${name}-firehose-delivery`,
    {
      role: firehoseRole.id,
      policy: toJson(
        firehoseDeliveryPolicy({
          rawBucketArn: i.rawBucketArn,
          keyArn: i.keyArn,
          region: i.region,
          logStreamArn: pulumi.interpolate`${deliveryLogGroup.arn}:log-stream:${deliveryLogStream.name}`,
        }),
      ),
    },
    { parent },
  );
  const stream = new aws.kinesis.FirehoseDeliveryStream(
    `${name}-firehose`,
    {
      destination: "extended_s3",
      serverSideEncryption: { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn: i.keyArn },
      extendedS3Configuration: {
        roleArn: firehoseRole.arn,
        bucketArn: i.rawBucketArn,
        prefix: rawFirehosePrefix(),
        errorOutputPrefix: rawErrorOutputPrefix(),
        customTimeZone: RAW_PARTITION_TIME_ZONE,
        bufferingInterval: i.bufferSeconds,
        bufferingSize: i.bufferMiB,
        compressionFormat: "GZIP",
        kmsKeyArn: i.keyArn,
        cloudwatchLoggingOptions: {
          enabled: true,
          logGroupName: deliveryLogGroup.name,
          logStreamName: deliveryLogStream.name,
        },
        ...(i.input === "cloudwatch-logs" ? { processingConfiguration: CLOUDWATCH_LOGS_PROCESSING } : {}),
      },
    },
    // The role's policy must exist before Firehose validates access to the bucket.
    { parent, dependsOn: [firehosePolicy] },
  );
  if (i.generatorRoleName !== undefined) {
    new aws.iam.RolePolicy(
      `${name}-generator-firehose`,
      { role: i.generatorRoleName, policy: toJson(generatorFirehosePolicy(stream.arn)) },
      { parent },
    );
  }
  return { streamName: stream.name, streamArn: stream.arn };
}
