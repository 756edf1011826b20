/**
 * The event schema: one typed definition of what an event is (its fields and their types, which
 * field is its time and how that is written, and for plain-text lines the named-group regular
 * expression that splits a line), from which the lake's tables, the ETL job, the queries and the
 * parsers take their shape. `datalake:format` sets it per stack; unset, it is the hands-on's
 * ({@link HANDS_ON_SCHEMA}), defined from components/shared/logformat.ts so the two never differ.
 *
 * Pure and dependency-free: the forwarder's bundle may import it. The config's checks (including
 * the ReDoS check of a user's pattern) live in schemaCheck.ts.
 */
import { LOG_FIELDS, LOG_LINE_PATTERN, LOG_TIME_FORMAT } from "./logformat";
import { CURATED_COLUMNS, LakeColumn, RAW_COLUMNS } from "./lake";

/** The types a field may have. */
export const FIELD_TYPES = ["string", "long", "double", "boolean", "timestamp"] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** How a time field is written: ISO 8601, epoch milliseconds, or a strftime pattern with its offset. */
export const TIME_FORMAT_KEYWORDS = ["iso8601", "epoch_ms"] as const;

export interface SchemaField {
  /** Field name: the JSON key, the regex group, the OpenSearch field and the Glue column. */
  readonly name: string;
  readonly type: FieldType;
}

export interface EventSchema {
  /** A label for the format (docs, plan output). */
  readonly name: string;
  /** `json`: one JSON object per event, taken as is; `text`: a line split by `pattern`. */
  readonly kind: "json" | "text";
  /** For `text`: the named-group regular expression, one group per field. */
  readonly pattern?: string;
  readonly fields: readonly SchemaField[];
  /** The field that holds the event time (declared with type `timestamp`). */
  readonly timeField: string;
  /** `iso8601`, `epoch_ms`, or a strftime pattern that includes `%z`. */
  readonly timeFormat: string;
  /** A string field whose values the generic queries count (e.g. a level or an HTTP method). */
  readonly keywordField?: string;
}

/**
 * Field names every schema leaves to the lake: the partition keys, the curated event time, and
 * the map of a JSON event's undeclared keys.
 */
export const RESERVED_FIELD_NAMES = ["dt", "hour", "event_time", "attributes"] as const;

/** A field name that OpenSearch (no leading `_` or `@`, no `.`) and Glue/Athena (lowercase) both take. */
export const FIELD_NAME_PATTERN = /^[a-z][a-z0-9_]{0,127}$/;

/** The hands-on's format: the generator's line, its parser's fields, its time written with `%z`. */
export const HANDS_ON_SCHEMA: EventSchema = {
  name: "hands-on",
  kind: "text",
  pattern: LOG_LINE_PATTERN,
  fields: LOG_FIELDS.map((name) => ({
    name,
    type: name === "timestamp" ? "timestamp" : name === "number" ? "long" : "string",
  })),
  timeField: "timestamp",
  timeFormat: LOG_TIME_FORMAT,
  keywordField: "alarmlevel",
};

/** True for the hands-on's schema (the places with a hand-written form for it use that form). */
export function isHandsOn(schema: EventSchema): boolean {
  return JSON.stringify(schema) === JSON.stringify(HANDS_ON_SCHEMA);
}

/** The Glue/Hive type of a field in the curated Parquet. */
export function glueType(type: FieldType): string {
  return { string: "string", long: "bigint", double: "double", boolean: "boolean", timestamp: "timestamp" }[
    type
  ];
}

/**
 * strftime directives a time pattern may use, and the Java DateTimeFormatter letters Spark parses
 * them with (`%z` is the offset as +hhmm).
 */
export const STRFTIME_TO_JAVA: Readonly<Record<string, string>> = {
  "%Y": "yyyy",
  "%m": "MM",
  "%d": "dd",
  "%H": "HH",
  "%M": "mm",
  "%S": "ss",
  "%L": "SSS",
  "%z": "Z",
};

/**
 * The Java pattern of a strftime pattern (literal text quoted); throws on an unknown directive.
 * Literal text is quoted when it holds a letter, a quote or one of `[ ] { } #`, which
 * DateTimeFormatter reserves (`[...]` is an optional section: unquoted, OpenSearch 2.19 read
 * `[yyyy-MM-dd HH:mm:ssZ]` as such and refused the line's `[2026-02-02 12:04:05+0900]`).
 */
export function strftimeToJava(pattern: string, offset = STRFTIME_TO_JAVA["%z"]): string {
  let out = "";
  let literal = "";
  const flush = () => {
    if (literal) out += /^[^A-Za-z'[\]{}#]+$/.test(literal) ? literal : `'${literal.replace(/'/g, "''")}'`;
    literal = "";
  };
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === "%") {
      const d = pattern.slice(i, i + 2);
      const java = d === "%z" ? offset : STRFTIME_TO_JAVA[d];
      if (java === undefined) throw new Error(`unknown strftime directive ${JSON.stringify(d)}`);
      flush();
      out += java;
      i++;
    } else literal += pattern[i];
  }
  flush();
  return out;
}

/**
 * The raw tables' columns of a format of your own: every declared field as a `string`, the text
 * as written. A JSON format's values are typed in the curated table, not here: the OpenX SerDe
 * fails the whole query on one value its column type cannot take ("use.null.for.invalid.data ...
 * default FALSE", https://docs.aws.amazon.com/athena/latest/ug/openx-json-serde.html), and the raw
 * zone holds every line as sent; a text format's RegexSerDe reads strings alike. Undeclared keys
 * are read by the ETL job from the line itself.
 */
export function rawColumnsOf(schema: EventSchema): LakeColumn[] {
  const text = schema.kind === "text";
  return schema.fields.map((f) => ({
    name: f.name,
    type: "string",
    comment:
      f.name === schema.timeField
        ? `Event time as written (${schema.timeFormat})`
        : `${f.type} field, as written in the ${text ? "line" : "event"}`,
  }));
}

/** The raw tables' columns for a schema: the hands-on's as they always were, else {@link rawColumnsOf}. */
export function rawColumnsFor(schema: EventSchema): readonly LakeColumn[] {
  return isHandsOn(schema) ? RAW_COLUMNS : rawColumnsOf(schema);
}

/** The Glue/Hive type of a JSON event's `attributes` column: its undeclared keys and their values as text. */
export const ATTRIBUTES_TYPE = "map<string,string>";

/**
 * The curated table's columns for a schema: the hands-on's as they always were; else the event
 * time in UTC, then every declared field in its declared type (a time field as a timestamp), and
 * for a JSON schema `attributes`: every key the schema does not declare, a string value as it is
 * and any other value as its compact JSON text (the ETL job, components/etl/jobs/transform.py).
 */
export function curatedColumnsFor(schema: EventSchema): readonly LakeColumn[] {
  if (isHandsOn(schema)) return CURATED_COLUMNS;
  return [
    { name: "event_time", type: "timestamp", comment: `Event time in UTC, parsed from ${schema.timeField}` },
    ...schema.fields.map((f) => ({ name: f.name, type: glueType(f.type), comment: `${f.type} field` })),
    ...(schema.kind === "json"
      ? [
          {
            name: "attributes",
            type: ATTRIBUTES_TYPE,
            comment: "Undeclared keys: string values as sent, others as compact JSON",
          },
        ]
      : []),
  ];
}
