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
  /** Name of the generator's IAM role, granted PutRecord/PutRecordBatch on the stream. */
  readonly generatorRoleName: pulumi.Input<string>;
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
      description: "Firehose delivery of the application logs into the raw zone",
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
      },
    },
    // The role's policy must exist before Firehose validates access to the bucket.
    { parent, dependsOn: [firehosePolicy] },
  );
  new aws.iam.RolePolicy(
    `${name}-generator-firehose`,
    { role: i.generatorRoleName, policy: toJson(generatorFirehosePolicy(stream.arn)) },
    { parent },
  );
  return { streamName: stream.name, streamArn: stream.arn };
}
