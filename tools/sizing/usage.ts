/**
 * The monthly cost of a stack at its workload: the idle cost computed from its graph
 * (tools/offline/cost.ts) plus usage priced from the model's monthly quantities and the `usage`
 * block of the region's price table. Every price carries its source; an unconfirmed one is marked
 * with `*`, as the idle table's unconfirmed prices are.
 */
import type { PriceTable } from "../offline/cost";
import { REDSHIFT_USE } from "./assumptions";
import type { Sizing } from "./model";

/** The `usage` block of a price table (tools/offline/prices/<region>.json). */
export interface UsagePrices {
  readonly sources: Readonly<Record<string, string>>;
  readonly checked: Readonly<Record<string, string>>;
  readonly cloudwatchLogsIngestGB: number;
  readonly cloudwatchLogsStorageGBMonth: number;
  /** Share of the ingested bytes CloudWatch Logs stores (it archives compressed). */
  readonly cloudwatchLogsStoredShare: number;
  readonly firehoseIngestGB: number;
  readonly firehoseIncrementBytes: number;
  readonly s3StandardGBMonth: number;
  readonly s3StandardIaGBMonth: number;
  readonly s3GlacierFlexibleGBMonth: number;
  readonly s3PutPer1000: number;
  readonly lambdaArmGbSecond: number;
  readonly lambdaRequestsPerMillion: number;
  readonly glueDpuHour: number;
  readonly glueMinimumSeconds: number;
  readonly athenaTB: number;
  readonly natGatewayGB: number;
}

export interface UsageLine {
  readonly service: string;
  /** What is billed, with the quantity and the price. */
  readonly item: string;
  readonly monthly: number;
  /** False when a price on the line was not confirmed by the lookup. */
  readonly confirmed: boolean;
}

export interface MonthlyCost {
  readonly idle: number;
  readonly usage: readonly UsageLine[];
  readonly usageTotal: number;
  readonly total: number;
  readonly region: string;
  readonly retrieved: string;
}

const round = (v: number, digits = 2) => Number(v.toFixed(digits)).toLocaleString("en-US");

/** Usage lines of a sizing; throws when the table has no `usage` block. */
export function usageCost(sizing: Sizing, prices: PriceTable, idle: number): MonthlyCost {
  const p = prices.usage;
  if (!p)
    throw new Error(
      `the ${prices.region} price table has no usage prices; add a "usage" block (see ap-northeast-1.json)`,
    );
  const u = sizing.usage;
  const c = sizing.input.config;
  const ok = (...keys: (keyof UsagePrices)[]) => keys.every((k) => k in p.checked);
  const lines: UsageLine[] = [];
  const add = (service: string, item: string, monthly: number, confirmed: boolean) =>
    lines.push({ service, item, monthly, confirmed });

  add(
    "CloudWatch Logs",
    `ingestion ${round(u.cwlIngestedGB)} GB × $${p.cloudwatchLogsIngestGB}/GB`,
    u.cwlIngestedGB * p.cloudwatchLogsIngestGB,
    ok("cloudwatchLogsIngestGB"),
  );
  const stored = u.cwlRetainedGB * p.cloudwatchLogsStoredShare;
  add(
    "CloudWatch Logs",
    `storage ${round(stored)} GB-months (${round(u.cwlRetainedGB)} GB over ${c.speed.logRetentionDays} days × ${p.cloudwatchLogsStoredShare} compressed) × $${p.cloudwatchLogsStorageGBMonth}`,
    stored * p.cloudwatchLogsStorageGBMonth,
    ok("cloudwatchLogsStorageGBMonth", "cloudwatchLogsStoredShare"),
  );
  const billedRecordBytes =
    Math.ceil(u.firehoseRecordBytes / p.firehoseIncrementBytes) * p.firehoseIncrementBytes;
  const firehoseGB = (u.firehoseRecords * billedRecordBytes) / 1e9;
  add(
    "Firehose",
    `ingestion ${round(firehoseGB)} GB (${round(u.firehoseRecords / 1e6)} M records of ${u.firehoseRecordBytes} B billed as ${billedRecordBytes} B) × $${p.firehoseIngestGB}/GB`,
    firehoseGB * p.firehoseIngestGB,
    ok("firehoseIngestGB", "firehoseIncrementBytes"),
  );
  add(
    "S3",
    `raw Standard ${round(u.rawStandardGB)} GB-months × $${p.s3StandardGBMonth}`,
    u.rawStandardGB * p.s3StandardGBMonth,
    ok("s3StandardGBMonth"),
  );
  add(
    "S3",
    `raw Standard-IA ${round(u.rawIaGB)} GB-months × $${p.s3StandardIaGBMonth}`,
    u.rawIaGB * p.s3StandardIaGBMonth,
    ok("s3StandardIaGBMonth"),
  );
  add(
    "S3",
    `raw Glacier Flexible Retrieval ${round(u.rawArchiveGB)} GB-months × $${p.s3GlacierFlexibleGBMonth}`,
    u.rawArchiveGB * p.s3GlacierFlexibleGBMonth,
    ok("s3GlacierFlexibleGBMonth"),
  );
  add(
    "S3",
    `curated Parquet ${round(u.curatedGB)} GB-months × $${p.s3StandardGBMonth}`,
    u.curatedGB * p.s3StandardGBMonth,
    ok("s3StandardGBMonth"),
  );
  add(
    "S3",
    `${round(u.firehoseObjects, 0)} PUTs of Firehose objects × $${p.s3PutPer1000}/1,000`,
    (u.firehoseObjects / 1000) * p.s3PutPer1000,
    ok("s3PutPer1000"),
  );
  add(
    "Lambda",
    `forwarder ${round(u.lambdaInvocations, 0)} requests × $${p.lambdaRequestsPerMillion}/M + ${round(u.lambdaGbSeconds, 0)} GB-s (arm64) × $${p.lambdaArmGbSecond}`,
    (u.lambdaInvocations / 1e6) * p.lambdaRequestsPerMillion + u.lambdaGbSeconds * p.lambdaArmGbSecond,
    ok("lambdaRequestsPerMillion", "lambdaArmGbSecond"),
  );
  add(
    "Glue",
    `${round(u.glueDpuHours)} DPU-hours of scheduled runs (at least ${p.glueMinimumSeconds} s each) × $${p.glueDpuHour}`,
    u.glueDpuHours * p.glueDpuHour,
    ok("glueDpuHour", "glueMinimumSeconds"),
  );
  add(
    "Athena",
    `${round(u.athenaTB, 4)} TB scanned by ${round(u.athenaQueries, 0)} queries (the stated mix) × $${p.athenaTB}/TB`,
    u.athenaTB * p.athenaTB,
    ok("athenaTB"),
  );
  if (c.dwh.enabled) {
    add(
      "Redshift Serverless",
      `${REDSHIFT_USE.hoursPerMonth} h of queries × ${c.dwh.baseCapacityRpu} RPU × $${prices.redshiftServerlessRpuHour}/RPU-hour (${REDSHIFT_USE.description})`,
      REDSHIFT_USE.hoursPerMonth * c.dwh.baseCapacityRpu * prices.redshiftServerlessRpuHour,
      "redshiftServerlessRpuHour" in prices.checked,
    );
  }
  if (u.natGB > 0) {
    add(
      "NAT gateway",
      `${round(u.natGB)} GB of agent traffic to CloudWatch Logs and Firehose × $${p.natGatewayGB}/GB`,
      u.natGB * p.natGatewayGB,
      ok("natGatewayGB"),
    );
  }
  const usageTotal = lines.reduce((a, l) => a + l.monthly, 0);
  return {
    idle,
    usage: lines,
    usageTotal,
    total: idle + usageTotal,
    region: prices.region,
    retrieved: prices.retrieved,
  };
}

/** Idle cost the OpenSearch keys of `lifted` add over `config` (data nodes and their gp3 storage). */
export function openSearchIdleDelta(
  config: Sizing["input"]["config"],
  lifted: Sizing["input"]["config"],
  prices: PriceTable,
): number {
  const monthly = (c: Sizing["input"]["config"]) =>
    c.speed.instanceCount *
    ((prices.opensearchInstanceHourly[c.speed.instanceType] ?? 0) * prices.hoursPerMonth +
      c.speed.volumeSizeGiB * prices.opensearchGp3GbMonth);
  return monthly(lifted) - monthly(config);
}
