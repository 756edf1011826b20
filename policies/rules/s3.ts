/**
 * S3 rules. In pulumi-aws v7 a bucket's encryption, public access block, policy, versioning,
 * lifecycle and logging are separate resources, so these are stack policies: each configuration
 * resource is linked to its bucket through the `bucket` property dependency (never by comparing
 * names or ids, which are unknown at preview). The deprecated `...V2` tokens are accepted too.
 */
import { PolicyConfigSchema, PolicyResource, ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import {
  bool,
  closedSchema,
  configBoolean,
  configNumber,
  forStackTypes,
  nameOf,
  num,
  obj,
  objects,
  oneOrMany,
  policyDocument,
  Props,
  reportingTypeErrors,
  ruleConfig,
  str,
  within,
} from "./common";

export const BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"] as const;
export const S3_TYPES = {
  encryption: [
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
  ],
  publicAccessBlock: ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"],
  policy: ["aws:s3/bucketPolicy:BucketPolicy"],
  versioning: ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"],
  lifecycle: [
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
  ],
  logging: ["aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2"],
} as const;

const isBucket = (r: PolicyResource) => (BUCKET_TYPES as readonly string[]).includes(r.type);

/**
 * The configuration resources of `types` per bucket URN, linked through the property `via`
 * (`bucket` for all of them; `targetBucket` for the log destination of a BucketLogging).
 */
export function linkedToBuckets(
  resources: PolicyResource[],
  types: readonly string[],
  via = "bucket",
): Map<string, PolicyResource[]> {
  // Rules ask for the same links once per bucket; computing them once per stack keeps a stack
  // of N resources and B buckets at O(N) instead of O(N * B).
  const key = `${types.join(",")}|${via}`;
  const cached = LINKS.get(resources)?.get(key);
  if (cached) return cached;
  const byBucket = new Map<string, PolicyResource[]>();
  for (const r of resources) {
    if (!types.includes(r.type)) continue;
    for (const b of r.propertyDependencies[via] ?? []) {
      if (!isBucket(b)) continue;
      const list = byBucket.get(b.urn);
      if (list) list.push(r);
      else byBucket.set(b.urn, [r]);
    }
  }
  if (!LINKS.has(resources)) LINKS.set(resources, new Map());
  LINKS.get(resources)!.set(key, byBucket);
  return byBucket;
}

/** Links computed per stack resources array (the SDK passes one array per AnalyzeStack call). */
const LINKS = new WeakMap<PolicyResource[], Map<string, Map<string, PolicyResource[]>>>();

/**
 * A stack policy over every bucket and the configuration resources of `types` linked to it. Each
 * bucket is checked on its own, so a property of the wrong type in one bucket's configuration is
 * reported on that bucket and the others are still checked.
 */
function perBucket(
  schema: PolicyConfigSchema | undefined,
  types: readonly string[],
  check: (
    bucket: PolicyResource,
    linked: PolicyResource[],
    all: PolicyResource[],
    config: Record<string, unknown>,
    report: ReportViolation,
  ) => void,
): StackValidationPolicy["validateStack"] {
  return forStackTypes(BUCKET_TYPES, (buckets, args, report) => {
    const linked = linkedToBuckets(args.resources, types);
    const config = schema ? ruleConfig(args, schema) : {};
    for (const bucket of buckets)
      reportingTypeErrors(
        () => check(bucket, linked.get(bucket.urn) ?? [], args.resources, config, report),
        report,
        bucket,
      );
  });
}

const TAGS_S3 = ["s3", "data-lake"];

const SSE_SCHEMA = closedSchema({
  allowSseS3ForAccessLogTargets: {
    type: "boolean",
    default: true,
    description:
      "Let a bucket that only receives S3 server access logs (the targetBucket of a BucketLogging) use SSE-S3.",
  },
});

export const s3RequiresSseKms: StackValidationPolicy = {
  name: "datalake-s3-bucket-requires-sse-kms",
  description: "Every S3 bucket has default encryption with SSE-KMS and the S3 Bucket Key on.",
  severity: "high",
  tags: [...TAGS_S3, "encryption"],
  configSchema: SSE_SCHEMA,
  validateStack: perBucket(SSE_SCHEMA, S3_TYPES.encryption, (bucket, configs, all, config, report) => {
    const allowSseS3 = configBoolean(config, "allowSseS3ForAccessLogTargets", true);
    const logTarget = linkedToBuckets(all, S3_TYPES.logging, "targetBucket").has(bucket.urn);
    if (configs.length === 0) {
      report(
        `S3 bucket ${nameOf(bucket)} has no BucketServerSideEncryptionConfiguration linked to it. Add one with bucket: <bucket>.bucket, sseAlgorithm "aws:kms", a customer-managed kmsMasterKeyId and bucketKeyEnabled: true.`,
        bucket.urn,
      );
      return;
    }
    for (const c of configs) {
      const rules = within(c, (p) =>
        objects(p, "rules").map((rule, i) => {
          const d = obj(
            rule,
            "applyServerSideEncryptionByDefault",
            `rules[${i}].applyServerSideEncryptionByDefault`,
          );
          const at = `rules[${i}].applyServerSideEncryptionByDefault`;
          return {
            algorithm: str(d, "sseAlgorithm", `${at}.sseAlgorithm`),
            key: str(d, "kmsMasterKeyId", `${at}.kmsMasterKeyId`),
            bucketKey: bool(rule, "bucketKeyEnabled", `rules[${i}].bucketKeyEnabled`),
          };
        }),
      );
      for (const { algorithm, key, bucketKey } of rules) {
        if (algorithm === "AES256" && allowSseS3 && logTarget) continue;
        if (algorithm !== "aws:kms" || !key || bucketKey !== true) {
          report(
            `S3 bucket ${nameOf(bucket)} must use SSE-KMS with the Bucket Key: its encryption configuration ${nameOf(c)} has sseAlgorithm ${JSON.stringify(algorithm ?? null)}, kmsMasterKeyId ${key ? "set" : "unset"}, bucketKeyEnabled ${JSON.stringify(bucketKey ?? null)}. Set sseAlgorithm "aws:kms", the lake's kmsMasterKeyId and bucketKeyEnabled: true.`,
            bucket.urn,
          );
        }
      }
    }
  }),
};

const PAB_FLAGS = [
  "blockPublicAcls",
  "blockPublicPolicy",
  "ignorePublicAcls",
  "restrictPublicBuckets",
] as const;

export const s3BlocksPublicAccess: StackValidationPolicy = {
  name: "datalake-s3-bucket-blocks-public-access",
  description: "Every S3 bucket has a public access block with all four flags on.",
  severity: "critical",
  tags: [...TAGS_S3, "public-access"],
  validateStack: perBucket(undefined, S3_TYPES.publicAccessBlock, (bucket, blocks, _all, _config, report) => {
    if (blocks.length === 0) {
      report(
        `S3 bucket ${nameOf(bucket)} has no BucketPublicAccessBlock linked to it. Add one with all four flags (${PAB_FLAGS.join(", ")}) set to true.`,
        bucket.urn,
      );
      return;
    }
    for (const b of blocks) {
      const off = PAB_FLAGS.filter((f) => within(b, (p) => bool(p, f)) !== true);
      if (off.length)
        report(
          `S3 bucket ${nameOf(bucket)}: its public access block ${nameOf(b)} leaves ${off.join(", ")} off. Set all four flags to true.`,
          bucket.urn,
        );
    }
  }),
};

const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

/** True when a statement denies every principal all S3 actions whenever aws:SecureTransport is false. */
export function deniesInsecureTransport(statement: Props, path = "Statement"): boolean {
  if (str(statement, "Effect", `${path}.Effect`) !== "Deny") return false;
  const principal = statement.Principal;
  const everyone =
    principal === "*" ||
    (principal !== null &&
      typeof principal === "object" &&
      oneOrMany(principal as Props, "AWS", `${path}.Principal.AWS`).includes("*"));
  const actions = oneOrMany(statement, "Action", `${path}.Action`);
  const allActions = actions.includes("s3:*") || actions.includes("*");
  const condition = obj(statement, "Condition", `${path}.Condition`);
  const bool_ = obj(condition, "Bool", `${path}.Condition.Bool`);
  // IAM accepts "false" and false alike for a Bool condition.
  const secure = asArray(bool_?.["aws:SecureTransport"]).map(String);
  return everyone && allActions && secure.includes("false");
}

export const s3DeniesInsecureTransport: StackValidationPolicy = {
  name: "datalake-s3-bucket-denies-insecure-transport",
  description: "Every S3 bucket has a bucket policy that denies requests not made over TLS.",
  severity: "high",
  tags: [...TAGS_S3, "tls"],
  validateStack: perBucket(undefined, S3_TYPES.policy, (bucket, policies, _all, _config, report) => {
    // Every linked policy is read (not just up to the first good one), so a malformed one is reported.
    const found = policies.map((p) =>
      within(p, (props) =>
        (policyDocument(props, "policy")?.Statement ?? []).some((s, i) =>
          deniesInsecureTransport(s, `policy.Statement[${i}]`),
        ),
      ),
    );
    const ok = found.includes(true);
    if (!ok) {
      report(
        `S3 bucket ${nameOf(bucket)} has no bucket policy denying non-TLS access. Link a BucketPolicy with a statement { Effect: "Deny", Principal: "*", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } } on the bucket and its objects.`,
        bucket.urn,
      );
    }
  }),
};

const versioningEnabled = (v: PolicyResource) =>
  within(
    v,
    (p) => str(obj(p, "versioningConfiguration"), "status", "versioningConfiguration.status") === "Enabled",
  );

export const s3EnablesVersioning: StackValidationPolicy = {
  name: "datalake-s3-bucket-enables-versioning",
  description: "Every S3 bucket has versioning enabled.",
  severity: "medium",
  tags: [...TAGS_S3, "resilience"],
  validateStack: perBucket(undefined, S3_TYPES.versioning, (bucket, versionings, _all, _config, report) => {
    const enabled = versionings.map(versioningEnabled).includes(true);
    if (!enabled) {
      report(
        `S3 bucket ${nameOf(bucket)} does not have versioning enabled. Link a BucketVersioning with versioningConfiguration.status "Enabled".`,
        bucket.urn,
      );
    }
  }),
};

export const LIFECYCLE_DEFAULTS = { minExpirationDays: 1, maxExpirationDays: 3653 } as const;

const LIFECYCLE_SCHEMA = closedSchema({
  minExpirationDays: {
    type: "integer",
    minimum: 1,
    default: LIFECYCLE_DEFAULTS.minExpirationDays,
    description: "Objects must not expire sooner than this.",
  },
  maxExpirationDays: {
    type: "integer",
    minimum: 1,
    default: LIFECYCLE_DEFAULTS.maxExpirationDays,
    description: "Objects (and noncurrent versions) must expire by this age.",
  },
});

/** The enabled lifecycle rules of one configuration resource, read with their types checked. */
const enabledRules = (l: PolicyResource) =>
  within(l, (p) =>
    objects(p, "rules").flatMap((r, i) => {
      const at = `rules[${i}]`;
      if (str(r, "status", `${at}.status`) !== "Enabled") return [];
      return [
        {
          id: str(r, "id", `${at}.id`),
          days: num(obj(r, "expiration", `${at}.expiration`), "days", `${at}.expiration.days`),
          noncurrentDays: num(
            obj(r, "noncurrentVersionExpiration", `${at}.noncurrentVersionExpiration`),
            "noncurrentDays",
            `${at}.noncurrentVersionExpiration.noncurrentDays`,
          ),
        },
      ];
    }),
  );

export const s3ExpiresLakeData: StackValidationPolicy = {
  name: "datalake-s3-bucket-expires-lake-data",
  description:
    "Every S3 bucket has lifecycle rules that expire its objects (and, when versioned, their noncurrent versions) within the configured bounds.",
  severity: "medium",
  tags: [...TAGS_S3, "retention"],
  configSchema: LIFECYCLE_SCHEMA,
  validateStack: perBucket(
    LIFECYCLE_SCHEMA,
    S3_TYPES.lifecycle,
    (bucket, lifecycles, all, config, report) => {
      const min = configNumber(config, "minExpirationDays", LIFECYCLE_DEFAULTS.minExpirationDays);
      const max = configNumber(config, "maxExpirationDays", LIFECYCLE_DEFAULTS.maxExpirationDays);
      const rules = lifecycles.flatMap(enabledRules);
      if (rules.length === 0) {
        report(
          `S3 bucket ${nameOf(bucket)} has no enabled lifecycle rule, so its data never expires. Link a BucketLifecycleConfiguration with an expiration between ${min} and ${max} days.`,
          bucket.urn,
        );
        return;
      }
      const expiring = rules.filter((r) => r.days !== undefined);
      if (expiring.length === 0) {
        report(
          `S3 bucket ${nameOf(bucket)}: no enabled lifecycle rule sets expiration.days, so its data never expires. Add an expiration between ${min} and ${max} days.`,
          bucket.urn,
        );
      }
      for (const r of expiring) {
        const days = r.days!;
        if (days < min || days > max) {
          report(
            `S3 bucket ${nameOf(bucket)}: lifecycle rule "${r.id}" expires objects after ${days} days; the allowed range is ${min} to ${max} days.`,
            bucket.urn,
          );
        }
      }
      const versioned = (linkedToBuckets(all, S3_TYPES.versioning).get(bucket.urn) ?? [])
        .map(versioningEnabled)
        .includes(true);
      if (versioned) {
        const noncurrent = rules.map((r) => r.noncurrentDays).filter((d): d is number => d !== undefined);
        if (noncurrent.length === 0) {
          report(
            `S3 bucket ${nameOf(bucket)} is versioned but no lifecycle rule expires noncurrent versions, so deleted data is kept forever. Add noncurrentVersionExpiration.noncurrentDays (at most ${max}).`,
            bucket.urn,
          );
        }
        for (const d of noncurrent) {
          if (d > max)
            report(
              `S3 bucket ${nameOf(bucket)}: noncurrent versions expire after ${d} days; the maximum is ${max} days.`,
              bucket.urn,
            );
        }
      }
    },
  ),
};

export const s3Policies = [
  s3RequiresSseKms,
  s3BlocksPublicAccess,
  s3DeniesInsecureTransport,
  s3EnablesVersioning,
  s3ExpiresLakeData,
];
