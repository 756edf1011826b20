/**
 * The lake facts the Python job must agree with, as JSON: the Python side cannot import
 * TypeScript, so the Python tests read this (written by the mocha wrappers) and fail when the job's
 * own constants differ. Every value comes from the modules the stacks use; nothing is retyped here.
 */
import { LOG_LEVELS, LOG_TIME_FORMAT } from "../../components/shared/logformat";
import {
  CURATED_COLUMNS,
  CURATED_DATA_PREFIX,
  ETL_TEMP_PREFIX,
  PARTITION_KEYS,
  QUARANTINE_PREFIX,
  RAW_COLUMNS,
  RAW_DATA_PREFIX,
  RAW_PARTITION_LEVELS,
  rawFirehosePrefix,
} from "../../components/shared/lake";
import { curatedLocationTemplate, curatedPartitionKeys } from "../../components/etl/table";

/** Placeholder bucket of the location template (the Python side strips `s3://<bucket>/`). */
export const FACTS_BUCKET = "bucket";

export function lakeFacts() {
  return {
    rawColumns: RAW_COLUMNS.map((c) => ({ name: c.name, type: c.type })),
    curatedColumns: CURATED_COLUMNS.map((c) => ({ name: c.name, type: c.type })),
    partitionKeys: curatedPartitionKeys().map((k) => ({ name: k.name, type: k.type })),
    partitionKeyOrder: [...PARTITION_KEYS],
    partitionLevels: RAW_PARTITION_LEVELS.map((l) => ({ key: l.key, projection: l.projection })),
    curatedLocationTemplate: curatedLocationTemplate(FACTS_BUCKET),
    rawFirehosePrefix: rawFirehosePrefix(),
    prefixes: {
      raw: RAW_DATA_PREFIX,
      curated: CURATED_DATA_PREFIX,
      quarantine: QUARANTINE_PREFIX,
      temp: ETL_TEMP_PREFIX,
    },
    logLevels: [...LOG_LEVELS],
    logTimeFormat: LOG_TIME_FORMAT,
  };
}

export type LakeFacts = ReturnType<typeof lakeFacts>;
