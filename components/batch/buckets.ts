/** The lake's buckets: raw, curated and Athena results (SSE-KMS), and their access-log bucket. */
import type * as pulumi from "@pulumi/pulumi";
import {
  CURATED_DATA_PREFIX,
  ETL_TEMP_EXPIRATION_DAYS,
  ETL_TEMP_PREFIX,
  QUARANTINE_PREFIX,
} from "../shared/lake";
import { type BucketLifecycle, SecureBucket } from "../shared/secureBucket";
import type { LayerScope } from "./scope";

/** Incomplete multipart uploads are aborted after this many days in every bucket. */
export const ABORT_MULTIPART_DAYS = 7;

/** Inputs of {@link createLakeBuckets}. */
export interface LakeBucketsInputs extends LayerScope {
  readonly accountId: pulumi.Output<string>;
  /** The lake key; it encrypts every bucket but the access-log bucket. */
  readonly keyArn: pulumi.Output<string>;
  readonly rawTransitionToIaDays: number;
  readonly rawTransitionToArchiveDays: number;
  readonly rawExpirationDays: number;
  readonly curatedExpirationDays: number;
  readonly athenaResultsExpirationDays: number;
  readonly noncurrentVersionExpirationDays: number;
  readonly accessLogExpirationDays: number;
  /** Let `pulumi destroy` delete non-empty buckets. */
  readonly forceDestroy: boolean;
  /** protect + retainOnDelete on every bucket. */
  readonly protect: boolean;
}

/** The four buckets, for the units that write to or read from them. */
export interface LakeBuckets {
  readonly accessLogs: SecureBucket;
  readonly raw: SecureBucket;
  readonly curated: SecureBucket;
  readonly results: SecureBucket;
}

/** Creates the access-log bucket first (the others log to it), then raw, curated and results. */
export function createLakeBuckets(i: LakeBucketsInputs): LakeBuckets {
  const { name, forceDestroy, protect, noncurrentVersionExpirationDays } = i;
  const bucketOpts = { parent: i.parent };
  const accessLogs = new SecureBucket(
    `${name}-access-logs`,
    {
      // S3 server access logging can only write to a target with SSE-S3 default encryption.
      encryption: "AES256",
      acceptAccessLogsFromAccountId: i.accountId,
      lifecycle: {
        expirationDays: i.accessLogExpirationDays,
        noncurrentVersionExpirationDays,
        abortIncompleteMultipartUploadDays: ABORT_MULTIPART_DAYS,
      },
      forceDestroy,
      protect,
    },
    bucketOpts,
  );
  const lakeBucket = (role: string, lifecycle: BucketLifecycle) =>
    new SecureBucket(
      `${name}-${role}`,
      {
        encryption: "aws:kms",
        kmsKeyArn: i.keyArn,
        lifecycle,
        accessLogBucketName: accessLogs.bucketName,
        accessLogPrefix: `${role}/`,
        forceDestroy,
        protect,
      },
      bucketOpts,
    );
  const raw = lakeBucket("raw", {
    transitions: [
      { days: i.rawTransitionToIaDays, storageClass: "STANDARD_IA" },
      { days: i.rawTransitionToArchiveDays, storageClass: "GLACIER" },
    ],
    expirationDays: i.rawExpirationDays,
    noncurrentVersionExpirationDays,
    abortIncompleteMultipartUploadDays: ABORT_MULTIPART_DAYS,
  });
  // The curated bucket also holds the ETL job's scripts, which must never expire: retention
  // applies to the data prefixes only, and the job's scratch space expires within days.
  const curated = lakeBucket("curated", {
    retentionPrefixes: [CURATED_DATA_PREFIX, QUARANTINE_PREFIX],
    shortLivedPrefixes: [{ prefix: ETL_TEMP_PREFIX, expirationDays: ETL_TEMP_EXPIRATION_DAYS }],
    expirationDays: i.curatedExpirationDays,
    noncurrentVersionExpirationDays,
    abortIncompleteMultipartUploadDays: ABORT_MULTIPART_DAYS,
  });
  const results = lakeBucket("athena-results", {
    expirationDays: i.athenaResultsExpirationDays,
    noncurrentVersionExpirationDays,
    abortIncompleteMultipartUploadDays: ABORT_MULTIPART_DAYS,
  });
  return { accessLogs, raw, curated, results };
}
