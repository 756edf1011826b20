/**
 * SecureBucket: the building block of every bucket the project creates. One `aws.s3.Bucket` plus
 * pulumi-aws v7's separate configuration resources, grouped under one component so a reader (and
 * the policy pack, through `propertyDependencies`) sees each bucket with its settings.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument, PolicyStatement, policyDocument, toJson } from "./iam";

/** A lifecycle transition of current object versions. */
export interface BucketTransition {
  /** Days after creation. */
  readonly days: number;
  /** Target storage class, e.g. STANDARD_IA or GLACIER. */
  readonly storageClass:
    "STANDARD_IA" | "ONEZONE_IA" | "INTELLIGENT_TIERING" | "GLACIER_IR" | "GLACIER" | "DEEP_ARCHIVE";
}

/** Lifecycle settings of one bucket. */
export interface BucketLifecycle {
  /**
   * Key prefixes the retention rule (transitions and expiration) applies to. Objects outside them
   * (for example the ETL job's scripts) never expire; their old versions still do.
   * @default [""] — the whole bucket
   */
  readonly retentionPrefixes?: readonly string[];
  /** Prefixes of temporary data with their own, shorter expiration. @default [] */
  readonly shortLivedPrefixes?: readonly { readonly prefix: string; readonly expirationDays: number }[];
  /** Transitions of current versions, in increasing `days`. */
  readonly transitions?: readonly BucketTransition[];
  /** Days after which current versions expire (become noncurrent). */
  readonly expirationDays: number;
  /** Days after which noncurrent versions are deleted. */
  readonly noncurrentVersionExpirationDays: number;
  /** Days after which incomplete multipart uploads are aborted. */
  readonly abortIncompleteMultipartUploadDays: number;
}

/**
 * The bucket's lifecycle rules (pure, for tests): one whole-bucket rule that transitions, expires,
 * deletes noncurrent versions and aborts stale multipart uploads.
 */
export function lifecycleRules(l: BucketLifecycle): aws.types.input.s3.BucketLifecycleConfigurationRule[] {
  const transitions = l.transitions ?? [];
  let previous = 0;
  for (const t of transitions) {
    if (!Number.isInteger(t.days) || t.days <= previous) {
      throw new Error(
        `lifecycleRules: transition to ${t.storageClass} at ${t.days} days must come after ${previous} days; list transitions in increasing days.`,
      );
    }
    previous = t.days;
  }
  if (!Number.isInteger(l.expirationDays) || l.expirationDays <= previous) {
    throw new Error(
      `lifecycleRules: expirationDays is ${l.expirationDays}; it must be a whole number after the last transition (${previous} days).`,
    );
  }
  for (const [key, value] of [
    ["noncurrentVersionExpirationDays", l.noncurrentVersionExpirationDays],
    ["abortIncompleteMultipartUploadDays", l.abortIncompleteMultipartUploadDays],
  ] as const) {
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`lifecycleRules: ${key} is ${value}; use a whole number of days >= 1.`);
  }
  const retentionPrefixes = l.retentionPrefixes ?? [""];
  const shortLived = l.shortLivedPrefixes ?? [];
  for (const p of shortLived) {
    if (!Number.isInteger(p.expirationDays) || p.expirationDays < 1)
      throw new Error(
        `lifecycleRules: shortLivedPrefixes "${p.prefix}" expirationDays is ${p.expirationDays}; use a whole number of days >= 1.`,
      );
  }
  const housekeeping = {
    noncurrentVersionExpiration: { noncurrentDays: l.noncurrentVersionExpirationDays },
    abortIncompleteMultipartUpload: { daysAfterInitiation: l.abortIncompleteMultipartUploadDays },
  };
  const retention = (prefix: string) => ({
    status: "Enabled",
    filter: { prefix },
    ...(transitions.length
      ? { transitions: transitions.map((t) => ({ days: t.days, storageClass: t.storageClass })) }
      : {}),
    expiration: { days: l.expirationDays },
  });
  if (retentionPrefixes.length === 1 && retentionPrefixes[0] === "" && shortLived.length === 0) {
    return [{ id: "retention", ...retention(""), ...housekeeping }];
  }
  // Prefix-scoped rules, plus one whole-bucket rule for old versions and stale uploads.
  const ruleId = (kind: string, prefix: string) =>
    `${kind}-${prefix.replace(/[^A-Za-z0-9]+/g, "-").replace(/-$/, "")}`;
  return [
    ...retentionPrefixes.map((prefix) => ({
      id: ruleId("retention", prefix || "all"),
      ...retention(prefix),
    })),
    ...shortLived.map((p) => ({
      id: ruleId("expire", p.prefix),
      status: "Enabled",
      filter: { prefix: p.prefix },
      expiration: { days: p.expirationDays },
    })),
    { id: "housekeeping", status: "Enabled", filter: { prefix: "" }, ...housekeeping },
  ];
}

/** Statement denying every request that does not use TLS. */
export function denyInsecureTransport(bucketArn: pulumi.Input<string>): PolicyStatement {
  return {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    // A Deny must cover every action; a narrower list would let some requests through without TLS.
    Action: "s3:*",
    Resource: [bucketArn, pulumi.interpolate`${bucketArn}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}

/**
 * Statement letting S3 server access logging write into this bucket (the modern, ACL-free way:
 * the `logging.s3.amazonaws.com` principal), only on behalf of buckets of this account.
 */
export function allowServerAccessLogs(
  bucketArn: pulumi.Input<string>,
  accountId: pulumi.Input<string>,
): PolicyStatement {
  return {
    Sid: "AllowServerAccessLogDelivery",
    Effect: "Allow",
    Principal: { Service: "logging.s3.amazonaws.com" },
    Action: "s3:PutObject",
    Resource: pulumi.interpolate`${bucketArn}/*`,
    Condition: { StringEquals: { "aws:SourceAccount": accountId } },
  };
}

/** The bucket policy: TLS only, plus log delivery on access-log buckets. */
export function bucketPolicy(
  bucketArn: pulumi.Input<string>,
  logDeliveryAccountId?: pulumi.Input<string>,
): PolicyDocument {
  return policyDocument(
    denyInsecureTransport(bucketArn),
    ...(logDeliveryAccountId === undefined ? [] : [allowServerAccessLogs(bucketArn, logDeliveryAccountId)]),
  );
}

/** Arguments of {@link SecureBucket}. */
export interface SecureBucketArgs {
  /**
   * Default encryption. "aws:kms" needs `kmsKeyArn` (with an S3 Bucket Key, which cuts KMS
   * requests); "AES256" (SSE-S3) is for server access log targets, which S3 cannot write with SSE-KMS.
   */
  readonly encryption: "aws:kms" | "AES256";
  /** Customer-managed key for "aws:kms". */
  readonly kmsKeyArn?: pulumi.Input<string>;
  /** Lifecycle of the bucket's objects. */
  readonly lifecycle: BucketLifecycle;
  /** Bucket that receives this bucket's server access logs; unset only for the access-log bucket itself. */
  readonly accessLogBucketName?: pulumi.Input<string>;
  /** Key prefix of this bucket's access logs in the log bucket. @default "<name>/" */
  readonly accessLogPrefix?: string;
  /**
   * Make this bucket a server access log target: its policy admits `logging.s3.amazonaws.com` for
   * source buckets of this account. @default undefined — not a log target
   */
  readonly acceptAccessLogsFromAccountId?: pulumi.Input<string>;
  /** Let `pulumi destroy` delete a non-empty bucket. @default false */
  readonly forceDestroy?: boolean;
  /** protect + retainOnDelete on the bucket (the data). @default false */
  readonly protect?: boolean;
}

/**
 * A private, encrypted, versioned bucket: default encryption (SSE-KMS with bucket key, or SSE-S3
 * for log targets), all four public access block flags, ACLs disabled (BucketOwnerEnforced), a
 * TLS-only bucket policy, versioning, lifecycle, and server access logging to the log bucket.
 */
export class SecureBucket extends pulumi.ComponentResource {
  /** Bucket name; resolves once encryption, public access block and policy are in place. */
  public readonly bucketName: pulumi.Output<string>;
  /** Bucket ARN; resolves once encryption, public access block and policy are in place. */
  public readonly bucketArn: pulumi.Output<string>;

  constructor(name: string, args: SecureBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("datalake:shared:SecureBucket", name, {}, opts);

    const forceDestroy = args.forceDestroy ?? false;
    const protect = args.protect ?? false;
    const accessLogPrefix = args.accessLogPrefix ?? `${name}/`;
    if (args.encryption === "aws:kms" && args.kmsKeyArn === undefined) {
      throw new Error(`SecureBucket ${name}: encryption "aws:kms" needs kmsKeyArn; pass the lake key's ARN.`);
    }
    if (args.encryption === "AES256" && args.kmsKeyArn !== undefined) {
      throw new Error(
        `SecureBucket ${name}: kmsKeyArn is set but encryption is "AES256"; use encryption "aws:kms" or drop kmsKeyArn.`,
      );
    }
    if (args.accessLogBucketName === undefined && args.acceptAccessLogsFromAccountId === undefined) {
      throw new Error(
        `SecureBucket ${name}: accessLogBucketName is not set; every bucket logs its access, except an access-log bucket (acceptAccessLogsFromAccountId).`,
      );
    }
    const rules = lifecycleRules(args.lifecycle);

    const bucket = new aws.s3.Bucket(
      `${name}-bucket`,
      { forceDestroy },
      { parent: this, protect, retainOnDelete: protect },
    );
    const ownership = new aws.s3.BucketOwnershipControls(
      `${name}-ownership`,
      { bucket: bucket.bucket, rule: { objectOwnership: "BucketOwnerEnforced" } },
      { parent: this },
    );
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access`,
      {
        bucket: bucket.bucket,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      { parent: this },
    );
    const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket: bucket.bucket,
        rules: [
          args.encryption === "aws:kms"
            ? {
                applyServerSideEncryptionByDefault: {
                  sseAlgorithm: "aws:kms",
                  kmsMasterKeyId: args.kmsKeyArn,
                },
                bucketKeyEnabled: true,
              }
            : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
        ],
      },
      { parent: this },
    );
    const versioning = new aws.s3.BucketVersioning(
      `${name}-versioning`,
      { bucket: bucket.bucket, versioningConfiguration: { status: "Enabled" } },
      { parent: this },
    );
    // Lifecycle rules on noncurrent versions need versioning first.
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      { bucket: bucket.bucket, rules },
      { parent: this, dependsOn: [versioning] },
    );
    // S3 rejects a policy change while the public access block is being written ("conflicting
    // conditional operation"), so the policy waits for it.
    const policy = new aws.s3.BucketPolicy(
      `${name}-policy`,
      { bucket: bucket.bucket, policy: toJson(bucketPolicy(bucket.arn, args.acceptAccessLogsFromAccountId)) },
      { parent: this, dependsOn: [publicAccess, ownership] },
    );
    if (args.accessLogBucketName !== undefined) {
      new aws.s3.BucketLogging(
        `${name}-logging`,
        { bucket: bucket.bucket, targetBucket: args.accessLogBucketName, targetPrefix: accessLogPrefix },
        { parent: this },
      );
    }

    // Consumers get the name only once the bucket is private, encrypted and TLS-only, so nothing
    // (Firehose, Athena) writes into it before that.
    const ready = [encryption.id, publicAccess.id, policy.id, versioning.id];
    this.bucketName = pulumi.all([bucket.bucket, ...ready]).apply(([n]) => n);
    this.bucketArn = pulumi.all([bucket.arn, ...ready]).apply(([a]) => a);
    this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
  }
}
