/**
 * Typed, validated stack configuration. `Pulumi.<stack>.yaml` holds values only; every default
 * lives here. `loadConfig()` runs before any resource is registered and throws a `ConfigError`
 * that names the key, the bad value and what is allowed.
 */
import * as awsConfig from "@pulumi/aws/config/vars";
import { Region } from "@pulumi/aws/types/enums";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { OPS_DEFAULTS } from "../components/shared/alarms";
import { nearest } from "../components/shared/nearest";
import { quoteValue } from "../components/shared/quote";
import { PROJECT } from "../components/shared/names";
import { isConfigSecret } from "./secrets";
import { LOG_RETENTION_DAYS, isLogRetention } from "../components/shared/retention";
import { SERVICE_LINKED_ROLE_MODES, forwarderEnvironmentProblem } from "../components/speed";
import {
  LOG_GROUP_NAME_PATTERN,
  MAX_SOURCE_LOG_GROUPS,
  PRODUCER_NAME_PATTERN,
} from "../components/shared/sources";
import { EventSchema, FIELD_TYPES, HANDS_ON_SCHEMA } from "../components/shared/schema";
import { schemaProblems } from "../components/shared/schemaCheck";
import { quotasSchema, workloadSchema } from "./workload";

const int = (min: number, max: number) => z.number().int().min(min).max(max);
const logRetention = z.number().refine(isLogRetention, {
  message: `must be one of the retention periods CloudWatch Logs accepts: ${LOG_RETENTION_DAYS.join(", ")}`,
});

/**
 * Values that satisfy a field's format, for fields with no default. The offline plan stands them
 * in for `secure:` values it cannot decrypt, so a secret e-mail address validates as one would.
 */
const EXAMPLES = new WeakMap<z.ZodTypeAny, string>();
function withExample<T extends z.ZodTypeAny>(schema: T, example: string): T {
  EXAMPLES.set(schema, example);
  return schema;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

const networkSchema = z
  .object({
    /** IPv4 range of the VPC, /16 to /24. */
    cidrBlock: z
      .string()
      .default("10.0.0.0/16")
      .refine(
        (v) => {
          const m = CIDR.exec(v);
          return (
            !!m && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) >= 16 && Number(m[5]) <= 24
          );
        },
        { message: "must be an IPv4 CIDR block from /16 to /24, for example 10.0.0.0/16" },
      ),
    /** Availability zones the VPC spans (Redshift Serverless needs 3). */
    availabilityZones: int(1, 3).default(3),
    /** NAT for the private subnets: None (no private subnets, the cheapest), Single, or OnePerAz. */
    natGateways: z.enum(["None", "Single", "OnePerAz"]).default("None"),
  })
  .strict();

const generatorSchema = z
  .object({
    /**
     * Run the hands-on's log generator (EC2 instance, agent, role, SSM association, heartbeat
     * alarm). Off, the lake's sources are sources.logGroups and sources.producers only.
     */
    enabled: z.boolean().default(true),
    /** EC2 instance type of the generator; Graviton (t4g...) types are the cheapest. */
    instanceType: z
      .string()
      .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, "must be an EC2 instance type such as t4g.micro")
      .default("t4g.micro"),
    /** Subnet tier of the instance. public: a public IP, no inbound rule; private: needs NAT. */
    subnet: z.enum(["public", "private"]).default("public"),
    /** Root volume size (GiB); the AL2023 image needs 8. */
    rootVolumeGiB: int(8, 1024).default(8),
    /** Lines written at each regular tick. */
    linesPerInterval: int(0, 10_000).default(10),
    /** Seconds between regular ticks. */
    intervalSeconds: int(1, 86_400).default(120),
    /** ERROR lines of each burst (trips the alarm). */
    burstLines: int(0, 100_000).default(300),
    /** Seconds between bursts; 0 turns bursts off. */
    burstIntervalSeconds: int(0, 86_400).default(600),
  })
  .strict();

const producerSchema = z
  .object({
    /** Names the producer's policy and role. */
    name: z
      .string()
      .regex(PRODUCER_NAME_PATTERN, "must start with a lowercase letter and use a-z, 0-9 and - (at most 32)"),
    /** IAM principal (ARN) allowed to assume the producer's role; unset with service unset = the policy only. */
    principalArn: z
      .string()
      .regex(
        /^arn:aws[a-z-]*:iam::\d{12}:(root|role\/.+|user\/.+)$/,
        "must be an IAM role, user or account root ARN",
      )
      .optional(),
    /** AWS service allowed to assume the producer's role, e.g. ecs-tasks.amazonaws.com. */
    service: z
      .string()
      .regex(
        /^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com$/,
        "must be an AWS service principal such as ecs-tasks.amazonaws.com",
      )
      .optional(),
  })
  .strict()
  .refine((p) => !(p.principalArn && p.service), {
    message: "sets both principalArn and service: a producer's role trusts one of them; set only one",
  });

const sourcesSchema = z
  .object({
    /**
     * Existing CloudWatch log groups (names; the stack does not create them) subscribed to the
     * speed layer's forwarder and to the lake. Each takes both of its two subscription filters.
     */
    logGroups: z
      .array(
        z
          .string()
          .regex(
            LOG_GROUP_NAME_PATTERN,
            "must be a CloudWatch Logs group name: 1 to 512 of a-z, A-Z, 0-9, _ - / . #",
          ),
      )
      .max(
        MAX_SOURCE_LOG_GROUPS,
        `must list at most ${MAX_SOURCE_LOG_GROUPS} groups (the forwarder's resource policy holds one statement per group)`,
      )
      .refine((a) => new Set(a).size === a.length, { message: "lists a group twice; list each group once" })
      .default([]),
    /** Applications that put records into the raw stream: a policy each (and a role when a principal is given). */
    producers: z
      .array(producerSchema)
      .refine((a) => new Set(a.map((p) => p.name)).size === a.length, {
        message: "has two producers with the same name; give each its own",
      })
      .default([]),
  })
  .strict();

const formatSchema = z
  .object({
    /** A label for the format. */
    name: z
      .string()
      .regex(
        /^[a-z][a-z0-9-]{0,31}$/,
        "must start with a lowercase letter and use a-z, 0-9 and - (at most 32)",
      )
      .default("custom"),
    /** json: one JSON object per event, taken as is; text: a line split by pattern. */
    kind: z.enum(["json", "text"]),
    /** For kind text: a regular expression with one named group (?<name>...) per field. */
    pattern: withExample(
      z.string().max(4096, "must be at most 4096 characters"),
      "^(?<timestamp>[^ ]+) (?<message>.*)$",
    ).optional(),
    /** The event's fields: name and type (string, long, double, boolean, timestamp). */
    fields: z
      .array(z.object({ name: z.string(), type: z.enum(FIELD_TYPES) }).strict())
      .min(1, "must declare at least the time field")
      .max(200, "must declare at most 200 fields"),
    /** The field that holds the event time (declared with type timestamp). */
    timeField: withExample(z.string(), "timestamp"),
    /** How the time is written: iso8601, epoch_ms, or a strftime pattern with %z. */
    timeFormat: withExample(z.string(), "iso8601"),
    /** A string field whose values the generic queries count. */
    keywordField: withExample(z.string(), "level").optional(),
  })
  .strict();

const speedSchema = z
  .object({
    /** OpenSearch engine version. */
    engineVersion: z
      .string()
      .regex(/^OpenSearch_\d+\.\d+$/, "must look like OpenSearch_2.19")
      .default("OpenSearch_2.19"),
    /** Data node instance type. */
    instanceType: z
      .string()
      .regex(/\.search$/, "must be an OpenSearch instance type ending in .search")
      .default("t3.small.search"),
    /** Data nodes. */
    instanceCount: int(1, 80).default(1),
    /** Dedicated master nodes: 0 (none), 3 or 5. */
    dedicatedMasterCount: z.union([z.literal(0), z.literal(3), z.literal(5)]).default(0),
    /** Dedicated master instance type (used when dedicatedMasterCount > 0). */
    dedicatedMasterType: z
      .string()
      .regex(/\.search$/, "must be an OpenSearch instance type ending in .search")
      .default("m6g.large.search"),
    /** Availability zones of the domain: 1 (single subnet), 2 or 3 (zone awareness). */
    availabilityZoneCount: int(1, 3).default(1),
    /** EBS gp3 volume per data node (GiB). */
    volumeSizeGiB: int(10, 16_384).default(10),
    /** Days an index is kept before the ISM policy deletes it. */
    indexRetentionDays: int(1, 3650).default(14),
    /** Retention of the application log group and the domain's own logs. */
    logRetentionDays: logRetention.default(14),
    /** ERROR events in one period that trip the alarm. */
    alarmThreshold: int(1, 1_000_000).default(50),
    /** Alarm period (seconds): 10, 30, or a multiple of 60. */
    alarmPeriodSeconds: z
      .number()
      .int()
      .refine((v) => v === 10 || v === 30 || (v >= 60 && v % 60 === 0 && v <= 86_400), {
        message: "must be 10, 30, or a multiple of 60 up to 86400",
      })
      .default(60),
    /** E-mail address subscribed to the alarm topic (confirmation mail is sent by SNS). */
    alarmEmail: withExample(z.string().email("must be an e-mail address"), "alarm@example.com").optional(),
    /** Memory of the forwarder Lambda (MB). */
    forwarderMemoryMb: int(128, 10_240).default(256),
    /**
     * The OpenSearch service-linked role a VPC domain needs (one per account). "auto": create it
     * when the account lacks it and keep the one this stack created; "always": declare it without
     * looking; "never": the account has it (see docs/speed.md).
     */
    createServiceLinkedRole: z
      .enum(SERVICE_LINKED_ROLE_MODES, {
        errorMap: () => ({
          message: 'must be "auto", "always" or "never" (the former true is "always", false is "never")',
        }),
      })
      .default("auto"),
  })
  .strict();

const lakeSchema = z
  .object({
    /** Days before raw objects move to S3 Standard-IA (S3 requires at least 30). */
    rawTransitionToIaDays: int(30, 36_500).default(30),
    /** Days before raw objects move to Glacier Flexible Retrieval (at least 30 after IA). */
    rawTransitionToArchiveDays: int(60, 36_500).default(90),
    /** Days before raw objects expire (after the archive transition). */
    rawExpirationDays: int(61, 36_500).default(365),
    /**
     * First day (yyyy-MM-dd, UTC) the raw and curated tables project: the stack's first day of
     * data. Unset = the whole retention, which Athena enumerates for a query without a dt filter.
     */
    projectionStartDate: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date as yyyy-MM-dd (UTC)")
      .optional(),
    /** Days before curated (Parquet) objects expire. */
    curatedExpirationDays: int(1, 36_500).default(730),
    /** Days before Athena query results expire. */
    athenaResultsExpirationDays: int(1, 3650).default(7),
    /** Days before noncurrent object versions expire, in every lake bucket. */
    noncurrentVersionExpirationDays: int(1, 3650).default(30),
    /** Days before S3 access logs expire. */
    accessLogExpirationDays: int(1, 3650).default(90),
    /** Firehose buffering interval (seconds, 0 to 900). */
    firehoseBufferSeconds: int(0, 900).default(60),
    /** Firehose buffering size (MiB, 1 to 128). */
    firehoseBufferMiB: int(1, 128).default(5),
    /** Athena per-query scan cutoff (MiB; Athena's minimum is 10). */
    athenaBytesScannedCutoffMiB: int(10, 1_073_741_824).default(1024),
    /** Retention of the lake's log groups (Firehose delivery logs). */
    logRetentionDays: logRetention.default(14),
    /** Let `pulumi destroy` delete non-empty buckets (dev convenience; keep false in prod). */
    emptyBucketsOnDestroy: z.boolean().default(false),
  })
  .strict();

const dwhSchema = z
  .object({
    /** Create Redshift Serverless with the Spectrum schema over the lake. */
    enabled: z.boolean().default(true),
    /** Base capacity in RPUs: 8 to 1024, in steps of 8. */
    baseCapacityRpu: int(8, 1024)
      .refine((v) => v % 8 === 0, { message: "must be a multiple of 8" })
      .default(8),
    /** Admin user name of the namespace (the password is managed by Secrets Manager). */
    adminUsername: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,62}$/, "must start with a lowercase letter and use a-z, 0-9, _ (max 63)")
      .default("admin"),
    /** Database created in the namespace. */
    databaseName: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,63}$/, "must be a lowercase identifier")
      .default("dev"),
  })
  .strict();

const biSchema = z
  .object({
    /** QuickSight user or group ARN that gets the data source and dataset; unset = no QuickSight. */
    quicksightPrincipalArn: withExample(
      z
        .string()
        .regex(
          /^arn:aws[a-z-]*:quicksight:[a-z0-9-]+:\d{12}:(user|group)\/.+$/,
          "must be a QuickSight user or group ARN (arn:aws:quicksight:<region>:<account>:user/<namespace>/<name>)",
        ),
      "arn:aws:quicksight:us-east-1:123456789012:user/default/example",
    ).optional(),
  })
  .strict();

const etlSchema = z
  .object({
    /** Glue version of the job. */
    glueVersion: z.enum(["4.0", "5.0"]).default("5.0"),
    /** Glue worker type. */
    workerType: z.enum(["G.1X", "G.2X", "G.4X", "G.8X"]).default("G.1X"),
    /** Number of workers (at least 2). */
    numberOfWorkers: int(2, 299).default(2),
    /** Job timeout (minutes). */
    timeoutMinutes: int(1, 2880).default(30),
    /** Schedule of the job (a Glue cron expression); unset = on demand only. */
    schedule: withExample(
      z
        .string()
        .regex(
          /^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$/,
          "must be a Glue cron expression such as cron(15 * * * ? *)",
        ),
      "cron(15 * * * ? *)",
    ).optional(),
    /** Also create the crawler over the curated zone (off: the table is declared by code). */
    enableCrawler: z.boolean().default(false),
    /** Retention of the job's log groups. */
    logRetentionDays: logRetention.default(14),
  })
  .strict();

const protectionSchema = z
  .object({
    /** protect + retainOnDelete on stateful resources (buckets, keys, domain, namespace, database). */
    protectStatefulResources: z.boolean().default(false),
  })
  .strict();

const opsSchema = z
  .object({
    /** E-mail address subscribed to the operations topic (health alarms; confirmation mail is sent by SNS). */
    alarmEmail: z.string().email("must be an e-mail address").optional(),
    /** Visible messages in the forwarder's dead-letter queue that raise its alarm. */
    dlqDepthThreshold: int(1, 100_000).default(OPS_DEFAULTS.dlqDepthThreshold),
    /** The Firehose freshness alarm fires at this many buffering intervals (never below 60 s). */
    firehoseFreshnessFactor: z.number().min(1).max(100).default(OPS_DEFAULTS.firehoseFreshnessFactor),
    /** Free storage per OpenSearch data node below this percentage of its volume raises the alarm. */
    freeStorageSharePercent: int(1, 99).default(OPS_DEFAULTS.freeStorageSharePercent),
    /** OpenSearch JVM memory pressure (percent, 3 minutes) that raises the alarm. */
    jvmMemoryPressurePercent: int(1, 100).default(OPS_DEFAULTS.jvmMemoryPressurePercent),
    /** Minutes without events in the application log group before the heartbeat alarm (longer than generator.intervalSeconds). */
    heartbeatMinutes: int(2, 1440).default(OPS_DEFAULTS.heartbeatMinutes),
  })
  .strict();

/** The config keys of the project, each a structured object in `Pulumi.<stack>.yaml`. */
export const CONFIG_SECTIONS = {
  network: networkSchema,
  generator: generatorSchema,
  speed: speedSchema,
  lake: lakeSchema,
  dwh: dwhSchema,
  bi: biSchema,
  etl: etlSchema,
  protection: protectionSchema,
  ops: opsSchema,
  sources: sourcesSchema,
  format: formatSchema,
  workload: workloadSchema,
  quotas: quotasSchema,
} as const;

const platformSchema = z
  .object({
    network: networkSchema.default({}),
    generator: generatorSchema.default({}),
    speed: speedSchema.default({}),
    lake: lakeSchema.default({}),
    dwh: dwhSchema.default({}),
    bi: biSchema.default({}),
    etl: etlSchema.default({}),
    protection: protectionSchema.default({}),
    ops: opsSchema.default({}),
    sources: sourcesSchema.default({}),
    format: formatSchema.optional(),
    workload: workloadSchema.default({}),
    quotas: quotasSchema.default({}),
  })
  .superRefine((c, ctx) => {
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: z.ZodIssueCode.custom, path, message });
    if (c.generator.enabled && c.generator.subnet === "private" && c.network.natGateways === "None") {
      issue(
        ["generator", "subnet"],
        'cannot be "private" while network.natGateways is "None": the instance could not reach the package ' +
          'repositories or AWS APIs. Set network.natGateways to "Single" or "OnePerAz", or generator.subnet to "public"',
      );
    }
    if (!c.generator.enabled && c.sources.logGroups.length === 0 && c.sources.producers.length === 0) {
      issue(
        ["generator", "enabled"],
        "leaves the lake with no source, so nothing would reach it: list log groups in sources.logGroups or producers in sources.producers, or keep the generator on",
      );
    }
    if (!c.generator.enabled && c.workload.eventsPerSecond === undefined) {
      issue(
        ["workload", "eventsPerSecond"],
        "must be declared while generator.enabled is false: without the generator the volume comes from your sources, so set their average events per second (and eventBytes, peakFactor) for npm run plan and npm run size to check every stage against it (docs/sizing.md)",
      );
    }
    const ownPrefixes = [`/${PROJECT}/`, `/aws/lambda/${PROJECT}-`];
    c.sources.logGroups.forEach((g, i) => {
      if (ownPrefixes.some((p) => g.startsWith(p))) {
        issue(
          ["sources", "logGroups", i],
          `is one of the project's own log groups (${ownPrefixes.join("... or ")}...): the app log group is subscribed already, and subscribing the functions' or the lake's own logs would feed them back into themselves; list your applications' groups only`,
        );
      }
    });
    if (c.format) {
      for (const p of schemaProblems(c.format)) issue(["format", ...p.path], p.message);
      const environmentProblem = forwarderEnvironmentProblem(c.speed.instanceType, c.format);
      if (environmentProblem !== undefined) issue(["format"], environmentProblem);
      if (c.generator.enabled) {
        issue(
          ["generator", "enabled"],
          "turns the generator on (the default), whose hands-on lines the configured datalake:format cannot read: set it to false, or remove datalake:format",
        );
      }
    }
    if (c.dwh.enabled && c.network.availabilityZones < 3) {
      issue(
        ["network", "availabilityZones"],
        "must be 3 while dwh.enabled is true: Redshift Serverless needs subnets in three availability zones",
      );
    }
    if (c.speed.availabilityZoneCount > c.network.availabilityZones) {
      issue(
        ["speed", "availabilityZoneCount"],
        `must not exceed network.availabilityZones (${c.network.availabilityZones})`,
      );
    }
    if (c.speed.instanceCount % c.speed.availabilityZoneCount !== 0) {
      issue(
        ["speed", "instanceCount"],
        `must be a multiple of speed.availabilityZoneCount (${c.speed.availabilityZoneCount}) so every zone holds the same number of nodes`,
      );
    }
    if (c.lake.rawTransitionToArchiveDays < c.lake.rawTransitionToIaDays + 30) {
      issue(
        ["lake", "rawTransitionToArchiveDays"],
        `must be at least 30 days after lake.rawTransitionToIaDays (${c.lake.rawTransitionToIaDays}), as S3 lifecycle requires`,
      );
    }
    if (c.lake.rawExpirationDays <= c.lake.rawTransitionToArchiveDays) {
      issue(
        ["lake", "rawExpirationDays"],
        `must be later than lake.rawTransitionToArchiveDays (${c.lake.rawTransitionToArchiveDays})`,
      );
    }
  });

export type PlatformConfig = z.infer<typeof platformSchema>;
export type NetworkConfig = PlatformConfig["network"];
export type GeneratorConfig = PlatformConfig["generator"];
export type SpeedConfig = PlatformConfig["speed"];
export type LakeConfig = PlatformConfig["lake"];
export type DwhConfig = PlatformConfig["dwh"];
export type BiConfig = PlatformConfig["bi"];
export type EtlConfig = PlatformConfig["etl"];
export type ProtectionConfig = PlatformConfig["protection"];
export type OpsConfig = PlatformConfig["ops"];
export type SourcesConfig = PlatformConfig["sources"];

/** The stack's event schema: `datalake:format`, or the hands-on's when it is not set. */
export function eventSchemaOf(config: PlatformConfig): EventSchema {
  return config.format ?? HANDS_ON_SCHEMA;
}
export type { QuotasConfig, WorkloadConfig } from "./workload";

/**
 * Bad stack configuration: the message names every bad key, its value and what is allowed. A
 * `RunError`, because the Node.js SDK prints a `RunError` as its message alone, while any other
 * error escaping the program is printed with its stack trace ("Running program ... failed with an
 * unhandled exception"; @pulumi/pulumi cmd/run/run.js, the uncaught-error handler).
 */
export class ConfigError extends pulumi.RunError {
  constructor(readonly problems: string[]) {
    super(`Invalid stack configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/**
 * The AWS provider's configuration keys (`region`, `defaultTags`...), read from the provider
 * package's own config module, so a provider upgrade brings its keys along.
 */
export const AWS_CONFIG_KEYS: readonly string[] = Object.keys(awsConfig).sort();

/**
 * The regions the AWS provider knows: its own `Region` enum (@pulumi/aws types/enums), every
 * partition's, so a provider upgrade brings new regions along.
 */
export const AWS_REGIONS: readonly string[] = Object.values(Region).sort();

/** A region that is not one of the provider's, with the nearest one or the list; undefined when known. */
export function regionProblem(source: string, region: string): string | undefined {
  if (AWS_REGIONS.includes(region)) return undefined;
  const suggestion = nearest(region, AWS_REGIONS);
  return (
    `${source} is ${quoteValue(region, 60)}, which is not an AWS region` +
    (suggestion ? `; did you mean ${suggestion}?` : `; the AWS provider knows ${AWS_REGIONS.join(", ")}`)
  );
}

/** Config namespaces something in this program reads: its own, its providers' and Pulumi's. */
const READ_NAMESPACES: readonly string[] = [PROJECT, "aws", "awsx", "random", "pulumi"];

/**
 * Problems with the `aws:*` keys: a key the provider does not know (with the nearest known key),
 * no region, or a region the provider does not know (unless aws:skipRegionValidation is true).
 * The provider also takes the region from AWS_REGION or AWS_DEFAULT_REGION
 * (https://www.pulumi.com/registry/packages/aws/installation-configuration/), so those count.
 * `values` holds the keys' values (the region is checked when given).
 */
export function awsConfigProblems(
  keys: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
  values: Readonly<Record<string, string>> = {},
): string[] {
  const problems: string[] = [];
  for (const key of keys) {
    if (!key.startsWith("aws:")) continue;
    const name = key.slice("aws:".length);
    if (AWS_CONFIG_KEYS.includes(name)) continue;
    const suggestion = nearest(name, AWS_CONFIG_KEYS);
    problems.push(
      `${key} is not a configuration key of the AWS provider` +
        (suggestion
          ? `; did you mean aws:${suggestion}?`
          : `; its keys are aws:${AWS_CONFIG_KEYS.join(", aws:")}`),
    );
  }
  if (!keys.includes("aws:region") && !env.AWS_REGION && !env.AWS_DEFAULT_REGION) {
    problems.push(
      "aws:region is not set: set it in the stack file (pulumi config set aws:region ap-northeast-1) " +
        "or in AWS_REGION, so the stack does not land in a region by accident",
    );
  }
  const region = keys.includes("aws:region")
    ? { source: "aws:region", value: values["aws:region"] }
    : env.AWS_REGION
      ? { source: "AWS_REGION", value: env.AWS_REGION }
      : { source: "AWS_DEFAULT_REGION", value: env.AWS_DEFAULT_REGION };
  if (region.value !== undefined && values["aws:skipRegionValidation"] !== "true") {
    const problem = regionProblem(region.source, region.value);
    if (problem) problems.push(problem);
  }
  return problems;
}

/**
 * Keys in a namespace nothing here reads (`speed:retention` for `datalake:speed`'s retention, a
 * misspelt `datalke:speed`): the program would never see them, so they are errors, naming the
 * namespace that was meant.
 */
export function namespaceProblems(keys: readonly string[], sections: readonly string[]): string[] {
  const problems: string[] = [];
  for (const key of keys) {
    const [namespace, ...rest] = key.split(":");
    const name = rest.join(":");
    if (READ_NAMESPACES.includes(namespace)) continue;
    const meant = sections.includes(namespace)
      ? `${PROJECT}:${namespace}, with ${name} as one of its settings`
      : nearest(namespace, READ_NAMESPACES) !== undefined
        ? `${nearest(namespace, READ_NAMESPACES)}:${name}`
        : undefined;
    problems.push(
      `${quoteValue(key, 80).slice(1, -1)} is in the namespace "${namespace}:", which nothing in this program reads` +
        (meant
          ? `; did you mean ${meant}?`
          : `; the program's keys are ${PROJECT}:<section>, the AWS provider's aws:<key>`),
    );
  }
  return problems;
}

/**
 * A value that satisfies the field at `path` inside config key `key`, for the offline plan to
 * stand in for a `secure:` value it cannot decrypt: the field's example or its string default.
 * `undefined` when the whole section is encrypted (the program reads a section as a map); `null`
 * when no stand-in satisfies the field. Numbers and booleans get none: the CLI decrypts every
 * secret to a string, which such a field rejects, so the offline plan rejects it too.
 */
export function secretExample(key: string, path: readonly string[]): string | null | undefined {
  if (!key.startsWith(`${PROJECT}:`)) return null;
  const section = key.slice(PROJECT.length + 1);
  const shape = (CONFIG_SECTIONS as Record<string, z.AnyZodObject>)[section]?.shape as
    Record<string, z.ZodTypeAny> | undefined;
  if (!shape) return null;
  if (path.length === 0) return undefined;
  let schema: z.ZodTypeAny | undefined = shape[path[0]];
  while (schema) {
    const example = EXAMPLES.get(schema);
    if (example !== undefined) return example;
    if (schema instanceof z.ZodDefault) {
      const d: unknown = schema._def.defaultValue();
      if (typeof d === "string") return d;
      schema = schema._def.innerType as z.ZodTypeAny;
    } else if (schema instanceof z.ZodOptional) schema = schema._def.innerType as z.ZodTypeAny;
    else if (schema instanceof z.ZodEffects) schema = schema._def.schema as z.ZodTypeAny;
    else break;
  }
  return null;
}

function valueAt(raw: unknown, path: (string | number)[]): unknown {
  let v: unknown = raw;
  for (const key of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string | number, unknown>)[key];
  }
  return v;
}

function show(value: unknown): string {
  return quoteValue(value);
}

/**
 * Validates raw section objects (as read from config) and returns the frozen, defaulted config.
 * Pure: the tests call it directly with table-style inputs.
 */
export function parseConfig(raw: Partial<Record<keyof typeof CONFIG_SECTIONS, unknown>>): PlatformConfig {
  const result = platformSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((i) => {
      const [section, ...rest] = i.path;
      const key = `${PROJECT}:${String(section)}${rest.length ? "." + rest.join(".") : ""}`;
      if (i.code === z.ZodIssueCode.unrecognized_keys) {
        return `${key} has unknown key(s) ${i.keys.map((k) => `"${k}"`).join(", ")}; allowed keys: ${Object.keys(
          (CONFIG_SECTIONS as Record<string, z.AnyZodObject>)[String(section)]?.shape ?? {},
        ).join(", ")}`;
      }
      return `${key} is ${show(valueAt(raw, i.path))}: ${i.message}`;
    });
    throw new ConfigError(problems);
  }
  return deepFreeze(result.data);
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === "object") {
    Object.values(o).forEach(deepFreeze);
    Object.freeze(o);
  }
  return o;
}

/** Reads every section from the stack's config (`datalake:<section>`) and validates it. */
export function loadConfig(config = new pulumi.Config(PROJECT)): PlatformConfig {
  const raw: Record<string, unknown> = {};
  const allConfig = pulumi.runtime.allConfig();
  const allKeys = Object.keys(allConfig);
  const problems: string[] = [
    ...awsConfigProblems(allKeys, process.env, allConfig),
    ...namespaceProblems(allKeys, Object.keys(CONFIG_SECTIONS)),
  ];
  const unknownKeys = allKeys
    .filter((k) => k.startsWith(`${PROJECT}:`))
    .map((k) => k.slice(PROJECT.length + 1))
    .filter((k) => !(k in CONFIG_SECTIONS));
  for (const k of unknownKeys) {
    const suggestion = nearest(k, Object.keys(CONFIG_SECTIONS));
    problems.push(
      `${PROJECT}:${k} is not a known key` +
        (suggestion ? `; did you mean ${PROJECT}:${suggestion}?` : "") +
        `; known keys: ${Object.keys(CONFIG_SECTIONS)
          .map((s) => `${PROJECT}:${s}`)
          .join(", ")}`,
    );
  }
  for (const section of Object.keys(CONFIG_SECTIONS)) {
    try {
      raw[section] = config.getObject(section);
    } catch {
      problems.push(
        isConfigSecret(`${PROJECT}:${section}`)
          ? `${PROJECT}:${section} is a secret whose value is not a map of settings; keep the section a map and ` +
              `encrypt only the secret setting (pulumi config set --secret --path '${PROJECT}:${section}.<setting>' VALUE)`
          : `${PROJECT}:${section} is not valid JSON/YAML: it must be an object of settings`,
      );
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return parseConfig(raw);
}
