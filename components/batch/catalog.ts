/**
 * Glue Data Catalog definitions of the raw zone (pure, tested without mocks): the partitioned,
 * projected table Athena uses and the unpartitioned twin Redshift Spectrum uses.
 *
 * How they read a line follows the event schema: JSON lines (the hands-on's agent records and any
 * `json` format) with the OpenX JSON SerDe; the lines of a `text` format with Hive's RegexSerDe,
 * the format's pattern written for Java's regex engine (components/shared/javaRegex.ts).
 */
import type * as aws from "@pulumi/aws";
import {
  LakeColumn,
  RAW_DATA_PREFIX,
  RAW_PARTITION_LEVELS,
  rawLocationTemplate,
  rawProjectionParameters,
} from "../shared/lake";
import { javaRegexOf } from "../shared/javaRegex";
import { EventSchema, HANDS_ON_SCHEMA, isHandsOn, rawColumnsFor } from "../shared/schema";

/** The OpenX JSON SerDe: one JSON object per line, as Firehose writes the agent's records. */
export const JSON_SERDE = "org.openx.data.jsonserde.JsonSerDe";
/**
 * Hive's RegexSerDe: one line per row, its columns the capturing groups of `input.regex` (Athena,
 * "Regex SerDe", https://docs.aws.amazon.com/athena/latest/ug/regex-serde.html; Redshift Spectrum
 * lists RegexSerDe among the formats it reads, "Data files for queries in Amazon Redshift
 * Spectrum", https://docs.aws.amazon.com/redshift/latest/dg/c-spectrum-data-files.html, and
 * CREATE EXTERNAL TABLE's ROW FORMAT SERDE,
 * https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_EXTERNAL_TABLE.html).
 */
export const REGEX_SERDE = "org.apache.hadoop.hive.serde2.RegexSerDe";
export const TEXT_INPUT_FORMAT = "org.apache.hadoop.mapred.TextInputFormat";
export const HIVE_TEXT_OUTPUT_FORMAT = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat";

type StorageDescriptor = aws.types.input.glue.CatalogTableStorageDescriptor;
type Column = aws.types.input.glue.CatalogTableStorageDescriptorColumn;
type SerDeInfo = aws.types.input.glue.CatalogTableStorageDescriptorSerDeInfo;

/** Columns of the raw tables, from {@link rawColumnsFor}. */
export function rawColumns(columns: readonly LakeColumn[]): Column[] {
  return columns.map((c) => ({ name: c.name, type: c.type, comment: c.comment }));
}

/** True when the raw zone holds a `text` format's lines as sent (the hands-on's agent sends JSON). */
export function readsTextLines(schema: EventSchema): boolean {
  return schema.kind === "text" && !isHandsOn(schema);
}

/**
 * The SerDe of the raw tables. JSON: a malformed line becomes a row of NULLs instead of failing
 * the whole query. Text: Hive's RegexSerDe with the format's pattern in Java's syntax; a line the
 * pattern does not match is a row of NULLs ("If a row in the data does not match the regex, then
 * all columns in the row are returned as NULL", Athena's "Regex SerDe" page above). Its columns
 * are all `string` (rawColumnsFor): older Hive releases' RegexSerDe took only string columns, every
 * engine reads them alike, and a value that does not parse stays visible as written instead of
 * becoming a NULL.
 */
export function rawSerDeInfo(schema: EventSchema): SerDeInfo {
  if (isHandsOn(schema)) {
    return {
      name: "json",
      serializationLibrary: JSON_SERDE,
      parameters: { "ignore.malformed.json": "true", "serialization.format": "1" },
    };
  }
  if (schema.kind === "json") {
    return {
      name: "json",
      serializationLibrary: JSON_SERDE,
      parameters: {
        "ignore.malformed.json": "true",
        // Keys are matched as written, as the forwarder and the ETL job match them: by default the
        // SerDe lowercases them, so `Status` would fill `status` and a line with both would fail
        // as a duplicate key (https://docs.aws.amazon.com/athena/latest/ug/openx-json-serde.html).
        "case.insensitive": "false",
        "serialization.format": "1",
      },
    };
  }
  return {
    name: "regex",
    serializationLibrary: REGEX_SERDE,
    parameters: {
      "input.regex": javaRegexOf(
        schema.pattern ?? "",
        schema.fields.map((f) => f.name),
      ),
      "serialization.format": "1",
    },
  };
}

function rawStorage(bucketName: string, schema: EventSchema): StorageDescriptor {
  return {
    location: `s3://${bucketName}/${RAW_DATA_PREFIX}`,
    inputFormat: TEXT_INPUT_FORMAT,
    outputFormat: HIVE_TEXT_OUTPUT_FORMAT,
    compressed: true,
    columns: rawColumns(rawColumnsFor(schema)),
    serDeInfo: rawSerDeInfo(schema),
  };
}

/** The tables' parameters; a text format's carry no `classification: json`, which would misname their lines. */
function commonParameters(schema: EventSchema): Record<string, string> {
  return readsTextLines(schema)
    ? { EXTERNAL: "TRUE", compressionType: "gzip", typeOfData: "file" }
    : { EXTERNAL: "TRUE", classification: "json", compressionType: "gzip", typeOfData: "file" };
}

/**
 * The projected raw table (Athena): partition keys dt/hour, projection from `projectionStartDate`
 * or over the raw retention (see projectionDateRange in components/shared/lake.ts).
 */
export function rawTableDefinition(
  bucketName: string,
  projectionRangeDays: number,
  projectionStartDate?: string,
  schema: EventSchema = HANDS_ON_SCHEMA,
) {
  const parameters: Record<string, string> = {
    ...commonParameters(schema),
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
    storageDescriptor: rawStorage(bucketName, schema),
  };
}

/**
 * The unpartitioned raw table (Redshift Spectrum): the same objects, read recursively under the
 * raw prefix; filter on the event `timestamp` instead of partitions.
 */
export function rawUnpartitionedTableDefinition(bucketName: string, schema: EventSchema = HANDS_ON_SCHEMA) {
  return {
    tableType: "EXTERNAL_TABLE",
    parameters: commonParameters(schema),
    storageDescriptor: rawStorage(bucketName, schema),
  };
}
