/**
 * npm run bench:gate -- [--resources N] [--gate MODULE] [--help]
 *
 * Time and memory of the offline policy gate over a synthetic stack export of N resources
 * (default 50,000): a repeating mix of the types the pack checks (KMS keys, log groups, queues,
 * security groups, roles with trust and inline policies, buckets with their configuration
 * resources), each compliant, so every rule runs and none reports. Prints the wall time of the
 * analysis and this process's peak RSS; run it under `/usr/bin/time -v` for the pack process's
 * figures too (its "Maximum resident set size" is the larger of the two).
 * `--gate` loads another copy of the gate module (to compare a version before a change).
 */
import * as fs from "fs";
import * as path from "path";
import { CommandSpec, UsageError, parseCommandLine, runCommand } from "../cli";
import type * as Gate from "../offline/policyGate";

const STACK = "urn:pulumi:bench::datalake::pulumi:pulumi:Stack::datalake-bench";
const KEY = "arn:aws:kms:ap-northeast-1:123456789012:key/11111111-2222-3333-4444-555555555555";

type R = Gate.ExportedResource;

function res(
  type: string,
  name: string,
  props: Record<string, unknown>,
  deps: Record<string, string[]> = {},
): R {
  return {
    urn: `urn:pulumi:bench::datalake::${type}::${name}`,
    custom: true,
    type,
    id: `${name}-id`,
    inputs: props,
    outputs: { ...props, id: `${name}-id` },
    parent: STACK,
    dependencies: [...new Set(Object.values(deps).flat())],
    propertyDependencies: deps,
  };
}

/** One group of compliant resources; `i` keeps names unique. */
function group(i: number): R[] {
  const bucket = res("aws:s3/bucket:Bucket", `b${i}`, { bucket: `b${i}` });
  const on = { bucket: [bucket.urn] };
  return [
    res("aws:kms/key:Key", `k${i}`, { enableKeyRotation: true, deletionWindowInDays: 30 }),
    res("aws:cloudwatch/logGroup:LogGroup", `lg${i}`, { retentionInDays: 30, kmsKeyId: KEY }),
    res("aws:sqs/queue:Queue", `q${i}`, { kmsMasterKeyId: KEY }),
    res("aws:ec2/securityGroup:SecurityGroup", `sg${i}`, {
      ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/16"] }],
    }),
    res("aws:iam/role:Role", `r${i}`, {
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
        ],
      }),
      inlinePolicies: [
        {
          name: "read",
          policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: `arn:aws:s3:::b${i}/*` }],
          }),
        },
      ],
    }),
    bucket,
    res(
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      `b${i}-sse`,
      {
        bucket: `b${i}`,
        rules: [
          {
            applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY },
            bucketKeyEnabled: true,
          },
        ],
      },
      on,
    ),
    res(
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      `b${i}-pab`,
      {
        bucket: `b${i}`,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      on,
    ),
    res(
      "aws:s3/bucketPolicy:BucketPolicy",
      `b${i}-policy`,
      {
        bucket: `b${i}`,
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Deny",
              Principal: "*",
              Action: "s3:*",
              Resource: [`arn:aws:s3:::b${i}`, `arn:aws:s3:::b${i}/*`],
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
          ],
        }),
      },
      on,
    ),
    res(
      "aws:s3/bucketVersioning:BucketVersioning",
      `b${i}-versioning`,
      { bucket: `b${i}`, versioningConfiguration: { status: "Enabled" } },
      on,
    ),
    res(
      "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
      `b${i}-lifecycle`,
      {
        bucket: `b${i}`,
        rules: [
          {
            id: "expire",
            status: "Enabled",
            expiration: { days: 365 },
            noncurrentVersionExpiration: { noncurrentDays: 30 },
          },
        ],
      },
      on,
    ),
  ];
}

/** A synthetic export with exactly `n` resources (the stack included), all compliant. */
export function syntheticState(n: number): Gate.ExportedState {
  const resources: R[] = [
    { urn: STACK, custom: false, type: "pulumi:pulumi:Stack", inputs: {}, outputs: {} },
  ];
  const size = group(0).length;
  let i = 0;
  for (; resources.length + size <= n; i++) resources.push(...group(i));
  // Pad with KMS keys, so no bucket lacks its configuration resources.
  for (; resources.length < n; i++)
    resources.push(res("aws:kms/key:Key", `pad${i}`, { enableKeyRotation: true, deletionWindowInDays: 30 }));
  return {
    version: 3,
    deployment: { manifest: { time: "2026-01-01T00:00:00Z", magic: "", version: "v3.248.0" }, resources },
  };
}

export const BENCH_GATE_COMMAND: CommandSpec = {
  command: "npm run bench:gate --",
  summary:
    "Time and memory of the offline policy gate over a synthetic, compliant stack export: prints the analysis's " +
    "wall time and this process's peak RSS (run it under /usr/bin/time -v for the pack process's too).",
  options: {
    resources: { type: "string", value: "N", description: "resources in the export (default 50000)" },
    gate: {
      type: "string",
      value: "MODULE",
      description:
        "another copy of tools/offline/policyGate.ts to load (to compare a version before a change)",
    },
  },
};

async function main(): Promise<number> {
  const { values } = parseCommandLine(BENCH_GATE_COMMAND, process.argv.slice(2));
  const n = Number(values.resources ?? 50_000);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--resources is ${values.resources as string}; give a positive whole number.`);
  const gatePath = path.resolve(
    (values.gate as string | undefined) ?? path.join(__dirname, "..", "offline", "policyGate.ts"),
  );
  if (!fs.existsSync(gatePath))
    throw new UsageError(`--gate ${gatePath}: no such file; give a copy of policyGate.ts.`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const gate = require(gatePath) as typeof Gate;
  const state = syntheticState(n);
  const session = await gate.PackSession.start();
  try {
    const t0 = process.hrtime.bigint();
    const result = await session.analyze(state, {});
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const s = result.summary;
    process.stdout.write(
      `${gatePath}: ${s.resources} resources, ${s.mandatory} mandatory and ${s.advisory} advisory violation(s), ` +
        `analysis ${seconds.toFixed(1)} s, this process's peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB\n`,
    );
  } finally {
    session.close();
  }
  return 0;
}

if (require.main === module) runCommand("bench:gate", main);
