/**
 * The curated table in the Glue Data Catalog: Parquet, typed columns, partition projection over
 * the folders the job writes (the raw zone's layout, RAW_PARTITION_LEVELS). Pure.
 */
import {
  CURATED_COLUMNS,
  LakeColumn,
  CURATED_DATA_PREFIX,
  RAW_PARTITION_LEVELS,
  projectionDateRange,
} from "../shared/lake";
import { s3Uri } from "./layout";

export const PARQUET_INPUT_FORMAT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat";
export const PARQUET_OUTPUT_FORMAT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat";
export const PARQUET_SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe";

/** `s3://<bucket>/app_logs/dt=${dt}/hour=${hour}/`: the folders Spark's partitionBy("dt", "hour") writes. */
export function curatedLocationTemplate(bucketName: string): string {
  return (
    s3Uri(bucketName, CURATED_DATA_PREFIX) +
    RAW_PARTITION_LEVELS.map((l) => `${l.key}=\${${l.key}}/`).join("")
  );
}

/**
 * Table parameters: external Parquet, and partition projection with `date` keys from `startDate`
 * (or over the last `rangeDays` days): see projectionDateRange for why a start date.
 */
export function curatedTableParameters(
  bucketName: string,
  rangeDays: number,
  startDate?: string,
): Record<string, string> {
  const range = projectionDateRange(rangeDays, startDate);
  const params: Record<string, string> = {
    EXTERNAL: "TRUE",
    classification: "parquet",
    "parquet.compression": "SNAPPY",
    "projection.enabled": "true",
  };
  for (const level of RAW_PARTITION_LEVELS) {
    for (const [setting, value] of Object.entries(level.projection)) {
      params[`projection.${level.key}.${setting}`] = value;
    }
    if (level.projection.type === "date") params[`projection.${level.key}.range`] = range;
  }
  params["storage.location.template"] = curatedLocationTemplate(bucketName);
  return params;
}

/** The storage descriptor: location, Parquet formats and SerDe, typed columns. */
export function curatedStorageDescriptor(
  bucketName: string,
  columns: readonly LakeColumn[] = CURATED_COLUMNS,
) {
  return {
    location: s3Uri(bucketName, CURATED_DATA_PREFIX),
    inputFormat: PARQUET_INPUT_FORMAT,
    outputFormat: PARQUET_OUTPUT_FORMAT,
    compressed: true,
    serDeInfo: {
      name: "parquet",
      serializationLibrary: PARQUET_SERDE,
      parameters: { "serialization.format": "1" },
    },
    columns: columns.map((c) => ({ name: c.name, type: c.type, comment: c.comment })),
  };
}

/** Partition keys, typed as in the raw layout. */
export function curatedPartitionKeys(): { name: string; type: string; comment: string }[] {
  return RAW_PARTITION_LEVELS.map((l) => ({
    name: l.key,
    type: l.type,
    comment:
      l.projection.type === "date" ? "UTC date of event_time (yyyy-MM-dd)" : "UTC hour of event_time (00-23)",
  }));
}
