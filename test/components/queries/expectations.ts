/**
 * The named query sets the stacks ship, and for each query the rows it must return, computed from
 * the sample's input (lakeInput.ts) at a given instant, never by an SQL engine. A query set is
 * one entry of {@link QUERY_SETS}: the function that renders its SQL (the same one the stacks
 * call) and one expectation per query; a query without an expectation fails the suite.
 */
import { LATEST_EVENTS_LIMIT, athenaNamedQueries, namedQueriesFor } from "../../../components/batch/queries";
import { namedQuerySpecs } from "../../../components/etl/queries";
import { RAW_COLUMNS } from "../../../components/shared/lake";
import { EventSchema, isHandsOn, rawColumnsFor } from "../../../components/shared/schema";
import type { QueryResult } from "../../../tools/trino/client";
import { GenericRow, accessLogSchema, exampleAppSchema } from "./genericInput";
import {
  CuratedRow,
  LakeInput,
  RawRow,
  field,
  rawEventMs,
  startOfUtcDay,
  utcDate,
  utcHourStart,
} from "./lakeInput";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export type Row = unknown[];

export interface Expected {
  /** Every row the query returns (with `limit`: the rows it may return). */
  readonly rows: Row[];
  /** `LIMIT n`: exactly min(n, rows) rows, each one of `rows`. */
  readonly limit?: number;
  /** ORDER BY: a column sorted descending, or columns sorted ascending. */
  readonly order?: { readonly desc: number } | { readonly asc: readonly number[] };
}

export interface NamedSql {
  /** Key of the query within its set (the expectation's key). */
  readonly id: string;
  /** The named query's name in the workgroup. */
  readonly name: string;
  readonly sql: string;
}

export interface QuerySet<I = LakeInput> {
  readonly title: string;
  /** The set's SQL for a database and raw table, from the same function the stacks call. */
  queries(database: string, rawTable: string): NamedSql[];
  readonly expect: Readonly<Record<string, (input: I, now: number) => Expected>>;
}

function countBy<T>(items: readonly T[], key: (item: T) => Row): Row[] {
  const counts = new Map<string, { key: Row; n: number }>();
  for (const item of items) {
    const k = key(item);
    const s = JSON.stringify(k);
    const e = counts.get(s) ?? { key: k, n: 0 };
    e.n++;
    counts.set(s, e);
  }
  return [...counts.values()].map((e) => [...e.key, e.n]);
}

const partitionValues = (r: RawRow) => [r.dt, r.hour];
const level = (r: RawRow | CuratedRow) => field(r.record, "alarmlevel");

/** The hands-on's four queries over the raw table (components/batch/queries.ts). */
export const HANDS_ON: QuerySet = {
  title: "hands-on queries over the raw table (components/batch/queries.ts)",
  queries: (database, rawTable) =>
    athenaNamedQueries(database, rawTable).map((q) => ({ id: q.key, name: q.name, sql: q.sql })),
  expect: {
    preview: (input, now) => ({
      rows: input.raw
        .filter((r) => r.dt === utcDate(now))
        .map((r) => [...RAW_COLUMNS.map((c) => field(r.record, c.name)), ...partitionValues(r)]),
      limit: 10,
    }),
    "count-by-level": (input, now) => ({
      rows: countBy(
        input.raw.filter((r) => r.dt >= utcDate(now - 7 * DAY_MS)),
        (r) => [level(r)],
      ),
      order: { desc: 1 },
    }),
    "errors-per-host": (input, now) => ({
      rows: countBy(
        input.raw.filter((r) => {
          const t = rawEventMs(r);
          return level(r) === "ERROR" && r.dt >= utcDate(now - DAY_MS) && t !== null && t >= now - HOUR_MS;
        }),
        (r) => [field(r.record, "host")],
      ),
      order: { desc: 1 },
    }),
    "per-user-day": (input, now) => ({
      rows: countBy(
        input.raw.filter((r) => r.dt === utcDate(now - DAY_MS)),
        (r) => [field(r.record, "user")],
      ),
      order: { desc: 1 },
    }),
  },
};

/** Rows of a comparison variant: raw rows with their event time, or curated rows. */
function variantRows(
  input: LakeInput,
  variant: string,
): { eventMs: number | null; row: RawRow | CuratedRow }[] {
  return variant === "raw"
    ? input.raw.map((r) => ({ eventMs: rawEventMs(r), row: r }))
    : input.curated.map((r) => ({ eventMs: r.eventMs, row: r }));
}

/** Since yesterday 00:00 UTC (and, partitioned, dt from yesterday: the same rows on the curated table). */
function sinceYesterday(input: LakeInput, variant: string, now: number) {
  const start = startOfUtcDay(now) - DAY_MS;
  return variantRows(input, variant).filter(
    (e) =>
      e.eventMs !== null && e.eventMs >= start && (variant !== "partitioned" || e.row.dt >= utcDate(start)),
  );
}

/** The comparison queries over raw, curated and partition-filtered curated (components/etl/queries.ts). */
export const COMPARISON: QuerySet = {
  title: "comparison queries over raw JSON and curated Parquet (components/etl/queries.ts)",
  queries: (database, rawTable) =>
    namedQuerySpecs().map((s) => ({ id: s.name, name: s.name, sql: s.query({ database, rawTable }) })),
  expect: Object.fromEntries(
    ["raw", "parquet", "partitioned"].flatMap((variant) => [
      [
        `etl-errors-by-user-${variant}`,
        (input: LakeInput, now: number): Expected => ({
          rows: countBy(
            sinceYesterday(input, variant, now).filter((e) => level(e.row) === "ERROR"),
            (e) => [field(e.row.record, "user")],
          ),
          order: { desc: 1 },
        }),
      ],
      [
        `etl-levels-by-hour-${variant}`,
        (input: LakeInput, now: number): Expected => ({
          rows: countBy(sinceYesterday(input, variant, now), (e) => [
            utcHourStart(e.eventMs as number),
            level(e.row),
          ]),
          order: { asc: [0, 1] },
        }),
      ],
    ]),
  ),
};

/** Every named query set the stacks ship; a new set is one more entry. */
export const QUERY_SETS: readonly QuerySet[] = [HANDS_ON, COMPARISON];

/** A raw column's cell: the value's text as the event wrote it (every raw column is a string). */
const asWritten = (v: unknown) =>
  v === null || v === undefined || typeof v === "string" ? (v ?? null) : JSON.stringify(v);

/** The UTC form Trino renders `from_iso8601_timestamp` in (normalized by {@link compare}). */
const utcSeconds = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace("T", " ");

/**
 * The generic queries of a user-defined format (components/batch/queries.ts, `namedQueriesFor` as
 * the stacks call it) over its own raw table, expected from the rows the table must show.
 */
export function genericQuerySet(schema: EventSchema, title: string): QuerySet<readonly GenericRow[]> {
  return {
    title,
    queries: (database, rawTable) => {
      if (isHandsOn(schema))
        throw new Error(`the ${schema.name} format is the hands-on's; no generic query to check.`);
      return namedQueriesFor(database, rawTable, schema).map((q) => ({
        id: q.key,
        name: q.name,
        sql: q.sql,
      }));
    },
    expect: {
      // Every row, a row of NULLs too, in the hour it arrived.
      "events-per-hour": (rows, now) => ({
        rows: countBy(
          rows.filter((r) => r.dt >= utcDate(now - DAY_MS)),
          (r) => [r.dt, r.hour],
        ),
        order: { asc: [0, 1] },
      }),
      // A row of NULLs counts under a NULL value.
      "events-per-keyword": (rows, now) => {
        const keyword = schema.keywordField as string;
        return {
          rows: countBy(
            rows.filter((r) => r.dt >= utcDate(now - 7 * DAY_MS)),
            (r) => [field(r.record, keyword)],
          ),
          order: { desc: 1 },
        };
      },
      // Rows without a readable time are left out. The events have distinct seconds, so the latest
      // ones are exactly these (no tie at the limit).
      "latest-events": (rows, now) => ({
        rows: rows
          .filter(
            (r): r is GenericRow & { eventMs: number } => r.eventMs !== null && r.dt >= utcDate(now - DAY_MS),
          )
          .sort((a, b) => b.eventMs - a.eventMs)
          .slice(0, LATEST_EVENTS_LIMIT)
          .map((r) => [
            utcSeconds(r.eventMs),
            ...rawColumnsFor(schema).map((c) => asWritten(field(r.record, c.name))),
            r.dt,
            r.hour,
          ]),
        limit: LATEST_EVENTS_LIMIT,
        order: { desc: 0 },
      }),
    },
  };
}

const GENERIC_SCHEMA = exampleAppSchema();

/** The generic queries with the format of Pulumi.example-app.yaml (JSON), over the generated events of genericInput.ts. */
export const GENERIC = genericQuerySet(
  GENERIC_SCHEMA,
  `generic queries of the ${GENERIC_SCHEMA.name} format (Pulumi.example-app.yaml) over its raw table`,
);

const TEXT_SCHEMA = accessLogSchema();

/** The generic queries with a text format (genericInput.ts, ACCESS_LOG_FORMAT), over its RegexSerDe raw table. */
export const TEXT_GENERIC = genericQuerySet(
  TEXT_SCHEMA,
  `generic queries of the ${TEXT_SCHEMA.name} text format over its raw table (RegexSerDe)`,
);

/**
 * A value as the expectation writes it: timestamps as `yyyy-MM-dd HH:mm:ss` in UTC (Trino renders
 * `timestamp(3)` as `… 06:00:00.000` and `timestamp(3) with time zone` as `… 06:00:00.000 UTC`; any
 * other zone is left as is, so it cannot match).
 */
function normalize(value: unknown, type: string): unknown {
  if (typeof value !== "string" || !type.startsWith("timestamp")) return value;
  const m = /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})(?:\.0+)?( UTC)?$/.exec(value);
  if (!m || Boolean(m[2]) !== type.includes("with time zone")) return value;
  return m[1];
}

/** The differences between what a query returned and what it should have; empty when they agree. */
export function compare(expected: Expected, result: QueryResult): string[] {
  const problems: string[] = [];
  const actual = result.rows.map((row) => row.map((v, i) => normalize(v, result.columns[i]?.type ?? "")));
  const want = new Map<string, number>();
  for (const r of expected.rows) want.set(JSON.stringify(r), (want.get(JSON.stringify(r)) ?? 0) + 1);
  const unexpected: string[] = [];
  for (const r of actual) {
    const k = JSON.stringify(r);
    const left = want.get(k) ?? 0;
    if (left > 0) want.set(k, left - 1);
    else unexpected.push(k);
  }
  if (expected.limit !== undefined) {
    const n = Math.min(expected.limit, expected.rows.length);
    if (actual.length !== n)
      problems.push(
        `returned ${actual.length} rows, expected ${n} (LIMIT ${expected.limit} of ${expected.rows.length})`,
      );
  } else {
    const missing = [...want]
      .filter(([, left]) => left > 0)
      .map(([k, left]) => (left > 1 ? `${k} x${left}` : k));
    if (missing.length)
      problems.push(`missing ${missing.length} expected rows, e.g. ${missing.slice(0, 5).join(", ")}`);
  }
  if (unexpected.length)
    problems.push(`returned ${unexpected.length} unexpected rows, e.g. ${unexpected.slice(0, 5).join(", ")}`);
  const order = expected.order;
  if (order && "desc" in order) {
    for (let i = 1; i < actual.length; i++) {
      if ((actual[i - 1][order.desc] as number) < (actual[i][order.desc] as number)) {
        problems.push(`rows are not in descending order of column ${order.desc + 1} at row ${i + 1}`);
        break;
      }
    }
  } else if (order) {
    // Column by column, numbers as numbers (hour 9 before hour 10), strings as strings.
    const after = (a: Row, b: Row) => {
      for (const c of order.asc) {
        const x = a[c] as string | number;
        const y = b[c] as string | number;
        if (x !== y) return x > y;
      }
      return false;
    };
    for (let i = 1; i < actual.length; i++) {
      if (after(actual[i - 1], actual[i])) {
        problems.push(
          `rows are not in ascending order of columns ${order.asc.map((c) => c + 1).join(", ")} at row ${i + 1}`,
        );
        break;
      }
    }
  }
  return problems;
}
