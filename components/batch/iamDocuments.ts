/**
 * IAM documents of the BatchLayer (pure, tested table-style): the lake key's policy, the Firehose
 * delivery role, the generator's grant on the stream, and the Redshift Spectrum role. No wildcard
 * actions; every resource is this layer's.
 */
import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument, PolicyStatement, policyDocument } from "../shared/iam";
import { CURATED_DATA_PREFIX, RAW_DATA_PREFIX, RAW_ERROR_PREFIX } from "../shared/lake";

/** Key administration, for the account root (that is: IAM principals the account's policies allow). */
export const KEY_ADMIN_ACTIONS = [
  "kms:CancelKeyDeletion",
  "kms:CreateAlias",
  "kms:DeleteAlias",
  "kms:DescribeKey",
  "kms:DisableKey",
  "kms:DisableKeyRotation",
  "kms:EnableKey",
  "kms:EnableKeyRotation",
  "kms:GetKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:ListAliases",
  "kms:ListGrants",
  "kms:ListKeyPolicies",
  "kms:ListKeyRotations",
  "kms:ListResourceTags",
  "kms:PutKeyPolicy",
  "kms:RetireGrant",
  "kms:RevokeGrant",
  "kms:RotateKeyOnDemand",
  "kms:ScheduleKeyDeletion",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:UpdateAlias",
  "kms:UpdateKeyDescription",
] as const;

/** Cryptographic use of the key (envelope encryption). */
export const KEY_USE_ACTIONS = [
  "kms:Decrypt",
  "kms:DescribeKey",
  "kms:Encrypt",
  "kms:GenerateDataKey",
  "kms:GenerateDataKeyWithoutPlaintext",
  "kms:ReEncryptFrom",
  "kms:ReEncryptTo",
] as const;

/** Services that use the lake key on behalf of this account's IAM principals (`kms:ViaService`). */
export const KEY_VIA_SERVICES = [
  "s3",
  "glue",
  "firehose",
  "redshift",
  "redshift-serverless",
  "secretsmanager",
] as const;

export interface LakeKeyPolicyInputs {
  readonly partition: pulumi.Input<string>;
  readonly region: pulumi.Input<string>;
  readonly accountId: pulumi.Input<string>;
  /** Log group name patterns (e.g. `/datalake/dev/*`) CloudWatch Logs may encrypt with the key. */
  readonly logGroupNamePatterns: readonly string[];
  /** IAM path (e.g. `/datalake/dev/lake-key-users/`) of roles that may use the key directly. */
  readonly directUserRolePath: string;
}

/**
 * The lake key's policy. Administration goes to the account root (so IAM decides who
 * administers, and the key can never lock the account out). Use goes to this account's IAM
 * principals only through the lake's services (an IAM policy must still grant it: the Firehose
 * and Spectrum roles below, the Glue job role, users running Athena), and grants only for AWS
 * resources (Firehose SSE, Redshift). Roles under the lake's IAM path (the Glue job) may also use it
 * directly, for client-side encryption. CloudWatch Logs, which encrypts log groups as its own service
 * principal, may use it only for this stack's log groups.
 */
export function lakeKeyPolicy(i: LakeKeyPolicyInputs): PolicyDocument {
  const root = pulumi.interpolate`arn:${i.partition}:iam::${i.accountId}:root`;
  const viaServices = KEY_VIA_SERVICES.map((s) => pulumi.interpolate`${s}.${i.region}.amazonaws.com`);
  return policyDocument(
    {
      Sid: "KeyAdministrationByAccount",
      Effect: "Allow",
      Principal: { AWS: root },
      Action: [...KEY_ADMIN_ACTIONS],
      Resource: "*",
    },
    {
      Sid: "KeyUseThroughLakeServices",
      Effect: "Allow",
      Principal: { AWS: root },
      Action: [...KEY_USE_ACTIONS],
      Resource: "*",
      Condition: { StringEquals: { "kms:CallerAccount": i.accountId, "kms:ViaService": viaServices } },
    },
    {
      Sid: "GrantsForLakeServiceResources",
      Effect: "Allow",
      Principal: { AWS: root },
      Action: ["kms:CreateGrant"],
      Resource: "*",
      Condition: {
        StringEquals: { "kms:CallerAccount": i.accountId, "kms:ViaService": viaServices },
        Bool: { "kms:GrantIsForAWSResource": "true" },
      },
    },
    {
      // Client-side encryption (Glue job bookmarks, CSE-KMS) calls KMS without a service in
      // between; only roles under the lake's IAM path may do that.
      Sid: "DirectUseByLakeKeyUserRoles",
      Effect: "Allow",
      Principal: { AWS: root },
      Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
      Resource: "*",
      Condition: {
        StringEquals: { "kms:CallerAccount": i.accountId },
        ArnLike: {
          "aws:PrincipalArn": pulumi.interpolate`arn:${i.partition}:iam::${i.accountId}:role${i.directUserRolePath}*`,
        },
      },
    },
    {
      Sid: "CloudWatchLogsForLakeLogGroups",
      Effect: "Allow",
      Principal: { Service: pulumi.interpolate`logs.${i.region}.amazonaws.com` },
      Action: [...KEY_USE_ACTIONS],
      Resource: "*",
      Condition: {
        ArnLike: {
          "kms:EncryptionContext:aws:logs:arn": i.logGroupNamePatterns.map(
            (p) => pulumi.interpolate`arn:${i.partition}:logs:${i.region}:${i.accountId}:log-group:${p}`,
          ),
        },
      },
    },
  );
}

/** KMS use of the lake key through S3 only, for objects of the given buckets. */
function keyViaS3(
  keyArn: pulumi.Input<string>,
  region: pulumi.Input<string>,
  bucketArns: pulumi.Input<string>[],
  sid: string,
): PolicyStatement {
  return {
    Sid: sid,
    Effect: "Allow",
    Action: ["kms:Decrypt", "kms:GenerateDataKey"],
    Resource: keyArn,
    Condition: {
      StringEquals: { "kms:ViaService": pulumi.interpolate`s3.${region}.amazonaws.com` },
      // With an S3 Bucket Key the encryption context is the bucket ARN, without it the object ARN.
      StringLike: {
        "kms:EncryptionContext:aws:s3:arn": bucketArns.flatMap((b) => [b, pulumi.interpolate`${b}/*`]),
      },
    },
  };
}

export interface FirehoseDeliveryPolicyInputs {
  readonly rawBucketArn: pulumi.Input<string>;
  readonly keyArn: pulumi.Input<string>;
  readonly region: pulumi.Input<string>;
  /** ARN of the delivery log stream (`...:log-group:<name>:log-stream:<stream>`). */
  readonly logStreamArn: pulumi.Input<string>;
}

/** Firehose's delivery role: write the raw and error prefixes of the raw bucket, the key via S3, its own log stream. */
export function firehoseDeliveryPolicy(i: FirehoseDeliveryPolicyInputs): PolicyDocument {
  return policyDocument(
    {
      Sid: "RawBucket",
      Effect: "Allow",
      Action: ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
      Resource: i.rawBucketArn,
    },
    {
      Sid: "RawObjects",
      Effect: "Allow",
      Action: ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"],
      Resource: [
        pulumi.interpolate`${i.rawBucketArn}/${RAW_DATA_PREFIX}*`,
        pulumi.interpolate`${i.rawBucketArn}/${RAW_ERROR_PREFIX}*`,
      ],
    },
    keyViaS3(i.keyArn, i.region, [i.rawBucketArn], "LakeKeyViaS3"),
    { Sid: "DeliveryLog", Effect: "Allow", Action: ["logs:PutLogEvents"], Resource: i.logStreamArn },
  );
}

/** The generator may only put records into the stream. */
export function generatorFirehosePolicy(streamArn: pulumi.Input<string>): PolicyDocument {
  return policyDocument({
    Sid: "PutAppLogRecords",
    Effect: "Allow",
    Action: ["firehose:PutRecord", "firehose:PutRecordBatch"],
    Resource: streamArn,
  });
}

export interface SpectrumPolicyInputs {
  readonly partition: pulumi.Input<string>;
  readonly region: pulumi.Input<string>;
  readonly accountId: pulumi.Input<string>;
  readonly rawBucketArn: pulumi.Input<string>;
  readonly curatedBucketArn: pulumi.Input<string>;
  readonly keyArn: pulumi.Input<string>;
  readonly databaseName: pulumi.Input<string>;
}

/** Glue catalog reads Redshift Spectrum makes for an external schema over one database. */
export const SPECTRUM_GLUE_ACTIONS = [
  "glue:BatchGetPartition",
  "glue:GetDatabase",
  "glue:GetDatabases",
  "glue:GetPartition",
  "glue:GetPartitions",
  "glue:GetTable",
  "glue:GetTables",
] as const;

/**
 * Redshift Spectrum's role: read exactly the lake prefixes (raw logs, curated Parquet), list them,
 * read the catalog of our database only, and decrypt through S3.
 */
export function spectrumPolicy(i: SpectrumPolicyInputs): PolicyDocument {
  const glue = (resource: pulumi.Input<string>) =>
    pulumi.interpolate`arn:${i.partition}:glue:${i.region}:${i.accountId}:${resource}`;
  return policyDocument(
    {
      Sid: "ListLakePrefixes",
      Effect: "Allow",
      Action: ["s3:ListBucket"],
      Resource: [i.rawBucketArn, i.curatedBucketArn],
      Condition: {
        StringLike: {
          "s3:prefix": [
            ...new Set([
              RAW_DATA_PREFIX,
              `${RAW_DATA_PREFIX}*`,
              CURATED_DATA_PREFIX,
              `${CURATED_DATA_PREFIX}*`,
            ]),
          ],
        },
      },
    },
    {
      Sid: "LakeBucketLocation",
      Effect: "Allow",
      Action: ["s3:GetBucketLocation"],
      Resource: [i.rawBucketArn, i.curatedBucketArn],
    },
    {
      Sid: "ReadLakeObjects",
      Effect: "Allow",
      Action: ["s3:GetObject"],
      Resource: [
        pulumi.interpolate`${i.rawBucketArn}/${RAW_DATA_PREFIX}*`,
        pulumi.interpolate`${i.curatedBucketArn}/${CURATED_DATA_PREFIX}*`,
      ],
    },
    {
      Sid: "ReadLakeCatalog",
      Effect: "Allow",
      Action: [...SPECTRUM_GLUE_ACTIONS],
      Resource: [
        glue("catalog"),
        glue(pulumi.interpolate`database/${i.databaseName}`),
        glue(pulumi.interpolate`table/${i.databaseName}/*`),
      ],
    },
    {
      Sid: "LakeKeyViaS3",
      Effect: "Allow",
      Action: ["kms:Decrypt"],
      Resource: i.keyArn,
      Condition: { StringEquals: { "kms:ViaService": pulumi.interpolate`s3.${i.region}.amazonaws.com` } },
    },
  );
}
