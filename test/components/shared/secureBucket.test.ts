import * as assert from "assert";
import { SecureBucket, bucketPolicy, lifecycleRules } from "../../../components/shared/secureBucket";
import { json, mockSession, unwrap } from "../../helpers/mocks";

const COMPONENT = "datalake:shared:SecureBucket";
const KEY = "arn:aws:kms:ap-northeast-1:123456789012:key/11111111-2222-4333-a444-555555555555";

function countByType(resources: readonly { type: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
  return counts;
}

describe("lifecycleRules", () => {
  it("builds one whole-bucket rule with transitions, expiry, noncurrent expiry and multipart abort", () => {
    assert.deepStrictEqual(
      lifecycleRules({
        transitions: [
          { days: 30, storageClass: "STANDARD_IA" },
          { days: 90, storageClass: "GLACIER" },
        ],
        expirationDays: 365,
        noncurrentVersionExpirationDays: 30,
        abortIncompleteMultipartUploadDays: 7,
      }),
      [
        {
          id: "retention",
          status: "Enabled",
          filter: { prefix: "" },
          transitions: [
            { days: 30, storageClass: "STANDARD_IA" },
            { days: 90, storageClass: "GLACIER" },
          ],
          expiration: { days: 365 },
          noncurrentVersionExpiration: { noncurrentDays: 30 },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
        },
      ],
    );
  });

  it("scopes retention to prefixes, adds short-lived prefixes, and keeps housekeeping bucket-wide", () => {
    assert.deepStrictEqual(
      lifecycleRules({
        retentionPrefixes: ["data/", "quarantine/data/"],
        shortLivedPrefixes: [{ prefix: "tmp/", expirationDays: 2 }],
        transitions: [{ days: 30, storageClass: "STANDARD_IA" }],
        expirationDays: 60,
        noncurrentVersionExpirationDays: 5,
        abortIncompleteMultipartUploadDays: 7,
      }),
      [
        {
          id: "retention-data",
          status: "Enabled",
          filter: { prefix: "data/" },
          transitions: [{ days: 30, storageClass: "STANDARD_IA" }],
          expiration: { days: 60 },
        },
        {
          id: "retention-quarantine-data",
          status: "Enabled",
          filter: { prefix: "quarantine/data/" },
          transitions: [{ days: 30, storageClass: "STANDARD_IA" }],
          expiration: { days: 60 },
        },
        { id: "expire-tmp", status: "Enabled", filter: { prefix: "tmp/" }, expiration: { days: 2 } },
        {
          id: "housekeeping",
          status: "Enabled",
          filter: { prefix: "" },
          noncurrentVersionExpiration: { noncurrentDays: 5 },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
        },
      ],
    );
    assert.throws(
      () =>
        lifecycleRules({
          shortLivedPrefixes: [{ prefix: "tmp/", expirationDays: 0 }],
          expirationDays: 3,
          noncurrentVersionExpirationDays: 1,
          abortIncompleteMultipartUploadDays: 1,
        }),
      {
        message:
          'lifecycleRules: shortLivedPrefixes "tmp/" expirationDays is 0; use a whole number of days >= 1.',
      },
    );
  });

  it("omits transitions when there are none", () => {
    const [rule] = lifecycleRules({
      expirationDays: 3,
      noncurrentVersionExpirationDays: 1,
      abortIncompleteMultipartUploadDays: 7,
    });
    assert.strictEqual("transitions" in rule, false);
    assert.deepStrictEqual(rule.expiration, { days: 3 });
  });

  const bad: [string, Parameters<typeof lifecycleRules>[0], string][] = [
    [
      "transitions out of order",
      {
        transitions: [
          { days: 90, storageClass: "GLACIER" },
          { days: 30, storageClass: "STANDARD_IA" },
        ],
        expirationDays: 365,
        noncurrentVersionExpirationDays: 1,
        abortIncompleteMultipartUploadDays: 7,
      },
      "lifecycleRules: transition to STANDARD_IA at 30 days must come after 90 days; list transitions in increasing days.",
    ],
    [
      "expiry before the last transition",
      {
        transitions: [{ days: 90, storageClass: "GLACIER" }],
        expirationDays: 60,
        noncurrentVersionExpirationDays: 1,
        abortIncompleteMultipartUploadDays: 7,
      },
      "lifecycleRules: expirationDays is 60; it must be a whole number after the last transition (90 days).",
    ],
    [
      "zero noncurrent days",
      { expirationDays: 10, noncurrentVersionExpirationDays: 0, abortIncompleteMultipartUploadDays: 7 },
      "lifecycleRules: noncurrentVersionExpirationDays is 0; use a whole number of days >= 1.",
    ],
  ];
  for (const [title, input, message] of bad) {
    it(`rejects ${title}`, () => assert.throws(() => lifecycleRules(input), { message }));
  }
});

describe("bucketPolicy", () => {
  it("denies every non-TLS request on the bucket and its objects", async () => {
    assert.deepStrictEqual(await unwrap(bucketPolicy("arn:aws:s3:::b") as never), {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ],
    });
  });

  it("admits S3 server access log delivery from this account only on log buckets", async () => {
    const doc = (await unwrap(bucketPolicy("arn:aws:s3:::logs", "123456789012") as never)) as {
      Statement: unknown[];
    };
    assert.deepStrictEqual(doc.Statement[1], {
      Sid: "AllowServerAccessLogDelivery",
      Effect: "Allow",
      Principal: { Service: "logging.s3.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: "arn:aws:s3:::logs/*",
      Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
    });
  });
});

describe("SecureBucket", () => {
  const lifecycle = {
    expirationDays: 30,
    noncurrentVersionExpirationDays: 7,
    abortIncompleteMultipartUploadDays: 7,
  };

  describe("a KMS bucket logging to a log bucket", () => {
    let session: Awaited<ReturnType<typeof mockSession>>;
    let bucket: SecureBucket;

    before(async () => {
      session = await mockSession();
      bucket = new SecureBucket("lake", {
        encryption: "aws:kms",
        kmsKeyArn: KEY,
        lifecycle,
        accessLogBucketName: "logs-bucket",
      });
      await unwrap(bucket.bucketArn);
      await session.settle();
    });

    it("registers the bucket with its seven configuration resources, all children of the component", () => {
      assert.deepStrictEqual(countByType(session.recorder.resources), {
        [COMPONENT]: 1,
        "aws:s3/bucket:Bucket": 1,
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls": 1,
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": 1,
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": 1,
        "aws:s3/bucketVersioning:BucketVersioning": 1,
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": 1,
        "aws:s3/bucketPolicy:BucketPolicy": 1,
        "aws:s3/bucketLogging:BucketLogging": 1,
      });
      for (const child of [
        "bucket",
        "ownership",
        "public-access",
        "encryption",
        "versioning",
        "lifecycle",
        "policy",
        "logging",
      ]) {
        const r = session.named(`lake-${child}`);
        assert.ok(r.urn.includes(`${COMPONENT}$aws:s3/`), r.urn);
      }
    });

    it("encrypts with the key and an S3 Bucket Key", () => {
      assert.deepStrictEqual(session.named("lake-encryption").inputs.rules, [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY },
          bucketKeyEnabled: true,
        },
      ]);
    });

    it("sets all four public access block flags and disables ACLs", () => {
      const pab = session.named("lake-public-access").inputs;
      const flags = {
        blockPublicAcls: pab.blockPublicAcls,
        blockPublicPolicy: pab.blockPublicPolicy,
        ignorePublicAcls: pab.ignorePublicAcls,
        restrictPublicBuckets: pab.restrictPublicBuckets,
      };
      assert.deepStrictEqual(flags, {
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
      assert.deepStrictEqual(session.named("lake-ownership").inputs.rule, {
        objectOwnership: "BucketOwnerEnforced",
      });
    });

    it("enables versioning, the lifecycle and access logging under the bucket's prefix", () => {
      assert.deepStrictEqual(session.named("lake-versioning").inputs.versioningConfiguration, {
        status: "Enabled",
      });
      assert.deepStrictEqual(session.named("lake-lifecycle").inputs.rules, lifecycleRules(lifecycle));
      const logging = session.named("lake-logging").inputs;
      assert.strictEqual(logging.targetBucket, "logs-bucket");
      assert.strictEqual(logging.targetPrefix, "lake/");
    });

    it("attaches the TLS-only policy to the bucket", () => {
      const name = session.named("lake-bucket").outputs.bucket as string;
      const policy = json(session.named("lake-policy").inputs.policy);
      assert.deepStrictEqual(
        policy.Statement.map((s: { Sid: string }) => s.Sid),
        ["DenyInsecureTransport"],
      );
      assert.deepStrictEqual(policy.Statement[0].Resource, [
        `arn:aws:s3:::${name}`,
        `arn:aws:s3:::${name}/*`,
      ]);
    });

    it("keeps the bucket unprotected and not force-destroyed by default", () => {
      const b = session.named("lake-bucket");
      assert.strictEqual(b.inputs.forceDestroy, false);
      assert.strictEqual(b.protect ?? false, false);
      assert.strictEqual(b.retainOnDelete ?? false, false);
    });

    it("orders the policy after the public access block and the lifecycle after versioning", () => {
      const urn = (n: string) => session.named(n).urn;
      const policyDeps = session.named("lake-policy").dependencies ?? [];
      assert.ok(policyDeps.includes(urn("lake-public-access")), policyDeps.join());
      assert.ok(policyDeps.includes(urn("lake-ownership")), policyDeps.join());
      assert.ok((session.named("lake-lifecycle").dependencies ?? []).includes(urn("lake-versioning")));
    });
  });

  describe("an access-log bucket", () => {
    let session: Awaited<ReturnType<typeof mockSession>>;

    before(async () => {
      session = await mockSession();
      const b = new SecureBucket("logs", {
        encryption: "AES256",
        lifecycle,
        acceptAccessLogsFromAccountId: "123456789012",
        forceDestroy: true,
        protect: true,
      });
      await unwrap(b.bucketArn);
      await session.settle();
    });

    it("uses SSE-S3 (server access logs cannot be written with SSE-KMS) and logs nowhere", () => {
      assert.deepStrictEqual(session.named("logs-encryption").inputs.rules, [
        { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
      ]);
      assert.strictEqual(session.ofType("aws:s3/bucketLogging:BucketLogging").length, 0);
    });

    it("admits log delivery and honours forceDestroy and protect", () => {
      const policy = json(session.named("logs-policy").inputs.policy);
      assert.deepStrictEqual(
        policy.Statement.map((s: { Sid: string }) => s.Sid),
        ["DenyInsecureTransport", "AllowServerAccessLogDelivery"],
      );
      const b = session.named("logs-bucket");
      assert.strictEqual(b.inputs.forceDestroy, true);
      assert.strictEqual(b.protect, true);
      assert.strictEqual(b.retainOnDelete, true);
    });
  });

  describe("bad arguments", () => {
    before(async () => {
      await mockSession();
    });
    const cases: [string, ConstructorParameters<typeof SecureBucket>[1], string][] = [
      [
        "kms without a key",
        { encryption: "aws:kms", lifecycle, accessLogBucketName: "l" },
        'SecureBucket b: encryption "aws:kms" needs kmsKeyArn; pass the lake key\'s ARN.',
      ],
      [
        "AES256 with a key",
        { encryption: "AES256", kmsKeyArn: KEY, lifecycle, accessLogBucketName: "l" },
        'SecureBucket b: kmsKeyArn is set but encryption is "AES256"; use encryption "aws:kms" or drop kmsKeyArn.',
      ],
      [
        "no access logging",
        { encryption: "aws:kms", kmsKeyArn: KEY, lifecycle },
        "SecureBucket b: accessLogBucketName is not set; every bucket logs its access, except an access-log bucket (acceptAccessLogsFromAccountId).",
      ],
    ];
    for (const [title, args, message] of cases) {
      it(`rejects ${title}`, () => assert.throws(() => new SecureBucket("b", args), { message }));
    }
  });
});
