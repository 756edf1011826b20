/**
 * A Glue table definition (the same objects the stacks give `aws.glue.CatalogTable`) registered in
 * Trino's Hive catalog: columns and types, the storage format named by the SerDe library, the
 * partition keys and the location; then the SerDe parameters copied into the file metastore (Trino's
 * `CREATE TABLE` has no property for them, e.g. the raw table's `ignore.malformed.json`), then the
 * partitions found under the location registered (`system.sync_partition_metadata`), which is what
 * Athena's partition projection computes instead. No DDL is written by hand.
 *
 * Trino's Hive connector reads Hive's RegexSerDe tables as its REGEX format (lib/trino-hive-formats
 * RegexDeserializer: the pattern compiled with DOTALL, `matches()` against the whole line, a line
 * that does not match a row of NULLs, as Hive does); its CREATE TABLE requires the pattern as the
 * `regex` table property, which is the Glue table's `input.regex` SerDe parameter.
 */
import * as fs from "fs";
import * as path from "path";
import { JSON_SERDE, REGEX_SERDE } from "../../components/batch/catalog";
import { PARQUET_SERDE } from "../../components/etl/table";
import { quoteIdent } from "../../components/batch/queries";
import { TrinoClient } from "./client";
import { localLocation } from "./server";

/** The parts of a Glue table the engine needs (plain values: the tests pass a bucket name, not an Output). */
export interface GlueTableSpec {
  readonly name: string;
  readonly storageDescriptor: {
    readonly location?: unknown;
    readonly columns?: unknown;
    readonly serDeInfo?: unknown;
  };
  readonly partitionKeys?: unknown;
}

interface Column {
  readonly name: string;
  readonly type: string;
}

/** Trino's storage format for each SerDe the lake's tables use. */
const FORMAT_OF_SERDE: Record<string, string> = {
  [JSON_SERDE]: "OPENX_JSON",
  [PARQUET_SERDE]: "PARQUET",
  [REGEX_SERDE]: "REGEX",
};

/** The SerDe parameter Trino takes as a table property at CREATE TABLE, per storage format. */
const CREATE_PROPERTY_OF_FORMAT: Record<
  string,
  { readonly property: string; readonly serdeParameter: string }
> = { REGEX: { property: "regex", serdeParameter: "input.regex" } };

/** Trino's type for each Hive/Glue column type the lake's tables use. */
const TRINO_TYPE: Record<string, string> = {
  string: "varchar",
  int: "integer",
  bigint: "bigint",
  double: "double",
  boolean: "boolean",
  date: "date",
  // Hive's timestamp is millisecond precision in Athena (and Trino's Hive connector default).
  timestamp: "timestamp(3)",
  // A JSON format's undeclared keys in the curated table (components/shared/schema.ts ATTRIBUTES_TYPE).
  "map<string,string>": "map(varchar, varchar)",
};

function plainString(value: unknown, what: string): string {
  if (typeof value !== "string") throw new Error(`${what} is ${JSON.stringify(value)}, not a plain string.`);
  return value;
}

function columnsOf(value: unknown, what: string): Column[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error(`${what} is not a list of columns.`);
  return value.map((c: { name?: unknown; type?: unknown }, i) => ({
    name: plainString(c.name, `${what}[${i}].name`),
    type: plainString(c.type, `${what}[${i}].type`),
  }));
}

function trinoType(c: Column, table: string): string {
  const t = TRINO_TYPE[c.type];
  if (!t) {
    throw new Error(
      `table ${table}: column ${c.name} has Glue type ${c.type}, which tools/trino/tables.ts does not map to a Trino type; add it to TRINO_TYPE.`,
    );
  }
  return t;
}

interface Plan {
  readonly createSql: string;
  readonly serdeParameters: Record<string, string>;
  readonly partitioned: boolean;
}

/** The `CREATE TABLE` of a Glue table in `<catalog>.<schema>`, and the SerDe parameters to mirror. */
export function planTable(catalog: string, schema: string, def: GlueTableSpec): Plan {
  const sd = def.storageDescriptor;
  const serde = (sd.serDeInfo ?? {}) as { serializationLibrary?: unknown; parameters?: unknown };
  const library = plainString(serde.serializationLibrary, `table ${def.name}: serializationLibrary`);
  const format = FORMAT_OF_SERDE[library];
  if (!format) {
    throw new Error(
      `table ${def.name}: SerDe ${library} has no Trino storage format in tools/trino/tables.ts; add it to FORMAT_OF_SERDE.`,
    );
  }
  const columns = columnsOf(sd.columns, `table ${def.name}: columns`);
  const keys = columnsOf(def.partitionKeys, `table ${def.name}: partitionKeys`);
  const all = [...columns, ...keys].map((c) => `  ${quoteIdent(c.name)} ${trinoType(c, def.name)}`);
  const props = [`format = '${format}'`];
  if (keys.length) props.push(`partitioned_by = ARRAY[${keys.map((k) => `'${k.name}'`).join(", ")}]`);
  props.push(
    `external_location = '${localLocation(plainString(sd.location, `table ${def.name}: location`))}'`,
  );
  const params = (serde.parameters ?? {}) as Record<string, unknown>;
  const serdeParameters: Record<string, string> = {};
  for (const [k, v] of Object.entries(params))
    serdeParameters[k] = plainString(v, `table ${def.name}: SerDe parameter ${k}`);
  const required = CREATE_PROPERTY_OF_FORMAT[format];
  if (required) {
    const value = serdeParameters[required.serdeParameter];
    if (value === undefined) {
      throw new Error(
        `table ${def.name}: SerDe ${library} has no ${required.serdeParameter} parameter, which Trino's ${format} format requires.`,
      );
    }
    props.push(`${required.property} = '${value.replace(/'/g, "''")}'`);
  }
  return {
    createSql: `CREATE TABLE ${quoteIdent(catalog)}.${quoteIdent(schema)}.${quoteIdent(def.name)} (\n${all.join(",\n")}\n)\nWITH (${props.join(", ")})`,
    serdeParameters,
    partitioned: keys.length > 0,
  };
}

/**
 * Creates the table, mirrors its SerDe parameters into the file metastore (before any partition
 * is registered: each partition copies the table's SerDe parameters when it is added), then
 * registers the partitions present under its location. Returns the CREATE TABLE statement.
 */
export async function registerGlueTable(
  client: TrinoClient,
  metastoreDir: string,
  schema: string,
  def: GlueTableSpec,
): Promise<string> {
  const plan = planTable(client.catalog, schema, def);
  await client.query(plan.createSql);
  // The file metastore keeps each table's metadata as JSON in <metastore>/<schema>/<table>/.trinoSchema.
  const file = path.join(metastoreDir, schema, def.name, ".trinoSchema");
  const meta = JSON.parse(fs.readFileSync(file, "utf8")) as { serdeParameters?: Record<string, string> };
  meta.serdeParameters = { ...meta.serdeParameters, ...plan.serdeParameters };
  fs.writeFileSync(file, JSON.stringify(meta, null, 2));
  if (plan.partitioned) {
    await client.query(
      `CALL ${quoteIdent(client.catalog)}.system.sync_partition_metadata('${schema}', '${def.name}', 'ADD')`,
    );
  }
  return plan.createSql;
}
