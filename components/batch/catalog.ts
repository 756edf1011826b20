/**
 * Glue Data Catalog definitions of the raw zone (pure, tested without mocks): the partitioned,
 * projected table Athena uses and the unpartitioned twin Redshift Spectrum uses.
 */
import type * as aws from "@pulumi/aws";
import {
  LakeColumn,
  RAW_COLUMNS,
  RAW_DATA_PREFIX,
  RAW_PARTITION_LEVELS,
  rawLocationTemplate,
  rawProjectionParameters,
} from "../shared/lake";

/** The OpenX JSON SerDe: one JSON object per line, as Firehose writes the agent's records. */
export const JSON_SERDE = "org.openx.data.jsonserde.JsonSerDe";
export const TEXT_INPUT_FORMAT = "org.apache.hadoop.mapred.TextInputFormat";
export const HIVE_TEXT_OUTPUT_FORMAT = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat";

type StorageDescriptor = aws.types.input.glue.CatalogTableStorageDescriptor;
type Column = aws.types.input.glue.CatalogTableStorageDescriptorColumn;

/** Columns of the raw tables: RAW_COLUMNS (the hands-on's), or the event schema's (rawColumnsFor). */
export function rawColumns(columns: readonly LakeColumn[] = RAW_COLUMNS): Column[] {
  return columns.map((c) => ({ name: c.name, type: c.type, comment: c.comment }));
}

function rawStorage(bucketName: string, columns: readonly LakeColumn[]): StorageDescriptor {
  return {
    location: `s3://${bucketName}/${RAW_DATA_PREFIX}`,
    inputFormat: TEXT_INPUT_FORMAT,
    outputFormat: HIVE_TEXT_OUTPUT_FORMAT,
    compressed: true,
    columns: rawColumns(columns),
    serDeInfo: {
      name: "json",
      serializationLibrary: JSON_SERDE,
      // A malformed line becomes a row of NULLs instead of failing the whole query.
      parameters: { "ignore.malformed.json": "true", "serialization.format": "1" },
    },
  };
}

const COMMON_PARAMETERS = {
  EXTERNAL: "TRUE",
  classification: "json",
  compressionType: "gzip",
  typeOfData: "file",
};

/**
 * The projected raw table (Athena): partition keys dt/hour, projection from `projectionStartDate`
 * or over the raw retention (see projectionDateRange in components/shared/lake.ts).
 */
export function rawTableDefinition(
  bucketName: string,
  projectionRangeDays: number,
  projectionStartDate?: string,
  columns: readonly LakeColumn[] = RAW_COLUMNS,
) {
  const parameters: Record<string, string> = {
    ...COMMON_PARAMETERS,
    ...rawProjectionParameters(projectionRangeDays, projectionStartDate),
    "storage.location.template": rawLocationTemplate(bucketName),
  };
  return {
    tableType: "EXTERNAL_TABLE",
    parameters,
    partitionKeys: RAW_PARTITION_LEVELS.map((l) => ({
      name: l.key,
      type: l.type,
      comment: `Partition (${l.key}=${l.firehosePattern}, UTC arrival time at Firehose)`,
    })),
    storageDescriptor: rawStorage(bucketName, columns),
  };
}

/**
 * The unpartitioned raw table (Redshift Spectrum): the same objects, read recursively under the
 * raw prefix; filter on the event `timestamp` instead of partitions.
 */
export function rawUnpartitionedTableDefinition(
  bucketName: string,
  columns: readonly LakeColumn[] = RAW_COLUMNS,
) {
  return {
    tableType: "EXTERNAL_TABLE",
    parameters: { ...COMMON_PARAMETERS },
    storageDescriptor: rawStorage(bucketName, columns),
  };
}
