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
import { JS_LINE_TERMINATORS, JS_WHITESPACE } from "../../components/shared/javaRegex";
import { EVENT_SCHEMA_ARGUMENT, eventSchemaArgument } from "../../components/etl/layout";
import {
  ATTRIBUTES_TYPE,
  EventSchema,
  FIELD_TYPES,
  RESERVED_FIELD_NAMES,
  STRFTIME_TO_JAVA,
  TIME_FORMAT_KEYWORDS,
  curatedColumnsFor,
  glueType,
} from "../../components/shared/schema";

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
    eventSchemaArgument: EVENT_SCHEMA_ARGUMENT,
    glueTypes: Object.fromEntries(FIELD_TYPES.map((t) => [t, glueType(t)])),
    attributesType: ATTRIBUTES_TYPE,
    reservedFieldNames: [...RESERVED_FIELD_NAMES],
    timeFormatKeywords: [...TIME_FORMAT_KEYWORDS],
    strftimeDirectives: Object.keys(STRFTIME_TO_JAVA),
    jsWhitespace: JS_WHITESPACE,
    jsLineTerminators: JS_LINE_TERMINATORS,
  };
}

export type LakeFacts = ReturnType<typeof lakeFacts>;

/** What the job must make of one format: the schema, its `--event_schema` argument and its curated columns. */
export function formatFacts(schema: EventSchema) {
  return {
    schema,
    argument: eventSchemaArgument(schema),
    curatedColumns: curatedColumnsFor(schema).map((c) => ({ name: c.name, type: c.type })),
  };
}

/** One line and what JavaScript's `RegExp.prototype.exec` (no flags) makes of it. */
export interface JsCapture {
  readonly line: string;
  /** The named groups (null for one that took no part), or null when the pattern does not match. */
  readonly groups: Record<string, string | null> | null;
}

/**
 * What a pattern captures in JavaScript, as the forwarder runs it, on each line: the reference the
 * job's Python conversion of the pattern must agree with. A group that ends inside a character
 * outside the BMP holds half of it; its text is taken as written to UTF-8 (U+FFFD for that half).
 */
export function jsCaptures(pattern: string, lines: readonly string[]): JsCapture[] {
  const re = new RegExp(pattern);
  const utf8 = (v: string | undefined) => (v === undefined ? null : Buffer.from(v, "utf8").toString("utf8"));
  return lines.map((line) => {
    const m = re.exec(line);
    return {
      line,
      groups: m ? Object.fromEntries(Object.entries(m.groups ?? {}).map(([k, v]) => [k, utf8(v)])) : null,
    };
  });
}
