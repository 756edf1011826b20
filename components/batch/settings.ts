/**
 * The BatchLayer's arguments with their defaults filled in and validated (pure, tested without
 * mocks): every bad value throws one sentence naming the argument, the value and the fix.
 */
import { javaRegexProblem } from "../shared/javaRegex";
import { PROJECT } from "../shared/names";
import { readsTextLines } from "./catalog";
import type { BatchLayerArgs } from "./index";

/** The network of the Redshift workgroup; present only when the warehouse is enabled. */
export interface WarehouseSettings {
  readonly vpcId: NonNullable<BatchLayerArgs["vpcId"]>;
  readonly subnetIds: NonNullable<BatchLayerArgs["subnetIds"]>;
  readonly vpcCidrBlock: NonNullable<BatchLayerArgs["vpcCidrBlock"]>;
  readonly baseCapacityRpu: number;
  readonly adminUsername: string;
  readonly databaseName: string;
}

/** {@link BatchLayerArgs} after defaults and validation. */
export interface BatchSettings {
  readonly databaseName: string;
  readonly rawTransitionToIaDays: number;
  readonly rawTransitionToArchiveDays: number;
  readonly rawExpirationDays: number;
  readonly curatedExpirationDays: number;
  readonly athenaResultsExpirationDays: number;
  readonly noncurrentVersionExpirationDays: number;
  readonly accessLogExpirationDays: number;
  readonly firehoseBufferSeconds: number;
  readonly firehoseBufferMiB: number;
  readonly athenaBytesScannedCutoffMiB: number;
  readonly logRetentionDays: number;
  readonly forceDestroy: boolean;
  readonly protect: boolean;
  /** Redshift Serverless + Spectrum, or undefined when enableWarehouse is false. */
  readonly warehouse?: WarehouseSettings;
  readonly quicksightPrincipalArn?: string;
}

/** The default Glue database of a stack: `datalake_<stack>`, non-identifier characters as `_`. */
export function defaultDatabaseName(stack: string): string {
  return `${PROJECT}_${stack}`.toLowerCase().replace(/[^a-z0-9_]/g, "_");
}

function requireInt(layer: string, arg: string, value: number, min: number, max: number, hint = ""): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(
      `BatchLayer ${layer}: ${arg} is ${value}; use a whole number from ${min} to ${max}${hint}.`,
    );
  }
}

/** Fills the defaults of `args` and validates them; `name` is the layer's, for the messages. */
export function resolveBatchSettings(name: string, stack: string, args: BatchLayerArgs): BatchSettings {
  const databaseName = args.databaseName ?? defaultDatabaseName(stack);
  const rawTransitionToIaDays = args.rawTransitionToIaDays ?? 30;
  const rawTransitionToArchiveDays = args.rawTransitionToArchiveDays ?? 90;
  const rawExpirationDays = args.rawExpirationDays ?? 365;
  const curatedExpirationDays = args.curatedExpirationDays ?? 730;
  const athenaResultsExpirationDays = args.athenaResultsExpirationDays ?? 7;
  const noncurrentVersionExpirationDays = args.noncurrentVersionExpirationDays ?? 30;
  const accessLogExpirationDays = args.accessLogExpirationDays ?? 90;
  const firehoseBufferSeconds = args.firehoseBufferSeconds ?? 60;
  const firehoseBufferMiB = args.firehoseBufferMiB ?? 5;
  const athenaBytesScannedCutoffMiB = args.athenaBytesScannedCutoffMiB ?? 1024;
  const logRetentionDays = args.logRetentionDays ?? 14;
  const forceDestroy = args.emptyBucketsOnDestroy ?? false;
  const enableWarehouse = args.enableWarehouse ?? true;
  const baseCapacityRpu = args.warehouseBaseCapacityRpu ?? 8;
  const adminUsername = args.warehouseAdminUsername ?? "admin";
  const warehouseDatabaseName = args.warehouseDatabaseName ?? "dev";
  const protect = args.protectStatefulResources ?? false;

  if (!/^[a-z][a-z0-9_]{0,254}$/.test(databaseName)) {
    throw new Error(
      `BatchLayer ${name}: databaseName is "${databaseName}"; use lowercase letters, digits and _ (Athena and Spectrum need that), starting with a letter.`,
    );
  }
  // The raw tables read a text format's lines with its pattern in Java's syntax (catalog.ts).
  const schema = args.eventSchema;
  if (schema !== undefined && readsTextLines(schema)) {
    const problem = javaRegexProblem(
      schema.pattern ?? "",
      schema.fields.map((f) => f.name),
    );
    if (problem !== undefined) {
      throw new Error(
        `BatchLayer ${name}: eventSchema.pattern is ${JSON.stringify(schema.pattern)}: ${problem}.`,
      );
    }
  }
  requireInt(
    name,
    "rawTransitionToIaDays",
    rawTransitionToIaDays,
    30,
    36_500,
    " (S3 needs 30 days before Standard-IA)",
  );
  requireInt(
    name,
    "rawTransitionToArchiveDays",
    rawTransitionToArchiveDays,
    rawTransitionToIaDays + 30,
    36_500,
    " (30 days after rawTransitionToIaDays at least)",
  );
  requireInt(
    name,
    "rawExpirationDays",
    rawExpirationDays,
    rawTransitionToArchiveDays + 1,
    36_500,
    " (after rawTransitionToArchiveDays)",
  );
  requireInt(name, "curatedExpirationDays", curatedExpirationDays, 1, 36_500);
  requireInt(name, "athenaResultsExpirationDays", athenaResultsExpirationDays, 1, 3650);
  requireInt(name, "noncurrentVersionExpirationDays", noncurrentVersionExpirationDays, 1, 3650);
  requireInt(name, "accessLogExpirationDays", accessLogExpirationDays, 1, 3650);
  requireInt(name, "firehoseBufferSeconds", firehoseBufferSeconds, 0, 900);
  requireInt(name, "firehoseBufferMiB", firehoseBufferMiB, 1, 128);
  requireInt(
    name,
    "athenaBytesScannedCutoffMiB",
    athenaBytesScannedCutoffMiB,
    10,
    1_073_741_824,
    " (Athena's minimum is 10 MB)",
  );
  requireInt(name, "logRetentionDays", logRetentionDays, 1, 3653);
  let warehouse: WarehouseSettings | undefined;
  if (enableWarehouse) {
    requireInt(name, "warehouseBaseCapacityRpu", baseCapacityRpu, 8, 1024);
    if (baseCapacityRpu % 8 !== 0) {
      throw new Error(
        `BatchLayer ${name}: warehouseBaseCapacityRpu is ${baseCapacityRpu}; use a multiple of 8 from 8 to 1024.`,
      );
    }
    const { vpcId, subnetIds, vpcCidrBlock } = args;
    if (vpcId === undefined || subnetIds === undefined || vpcCidrBlock === undefined) {
      const missing = (["vpcId", "subnetIds", "vpcCidrBlock"] as const).filter((k) => args[k] === undefined);
      throw new Error(
        `BatchLayer ${name}: enableWarehouse is true but ${missing.join(", ")} is not set; pass the network's values or set enableWarehouse to false.`,
      );
    }
    warehouse = {
      vpcId,
      subnetIds,
      vpcCidrBlock,
      baseCapacityRpu,
      adminUsername,
      databaseName: warehouseDatabaseName,
    };
  }

  return {
    databaseName,
    rawTransitionToIaDays,
    rawTransitionToArchiveDays,
    rawExpirationDays,
    curatedExpirationDays,
    athenaResultsExpirationDays,
    noncurrentVersionExpirationDays,
    accessLogExpirationDays,
    firehoseBufferSeconds,
    firehoseBufferMiB,
    athenaBytesScannedCutoffMiB,
    logRetentionDays,
    forceDestroy,
    protect,
    warehouse,
    quicksightPrincipalArn: args.quicksightPrincipalArn,
  };
}
