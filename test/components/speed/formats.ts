/**
 * Event formats the speed layer's tests use beside the hands-on's: the example stack's JSON format
 * (read from Pulumi.example-app.yaml through the config's own validation), a text format with
 * every field type (a bracketed strftime time, a boolean, an optional group), and a JSON format
 * that declares the hostile generator's keys with every type. Each one passes the config's checks.
 */
import { EventSchema } from "../../../components/shared/schema";
import { schemaProblems } from "../../../components/shared/schemaCheck";
import { exampleAppSchema } from "../queries/genericInput";

function checked(schema: EventSchema): EventSchema {
  const problems = schemaProblems(schema);
  if (problems.length > 0) {
    throw new Error(`test format ${schema.name}: ${problems.map((p) => p.message).join("; ")}`);
  }
  return schema;
}

/** `datalake:format` of Pulumi.example-app.yaml: a web service's JSON requests. */
export const WEB_SCHEMA: EventSchema = exampleAppSchema();

/**
 * A text format: `[2026-02-02 12:04:05+0900] INFO GET 200 12.5 true user=ann message...`, the
 * `user=` part optional.
 */
export const TEXT_SCHEMA: EventSchema = checked({
  name: "shop-text",
  kind: "text",
  pattern:
    "^(?<ts>\\[[^\\]]*\\]) (?<level>[A-Z]+) (?<method>[A-Z]+) (?<status>[^ ]+) (?<latency_ms>[^ ]+) (?<cached>[^ ]+)(?: user=(?<user>[a-z]+))? (?<msg>.*)$",
  fields: [
    { name: "ts", type: "timestamp" },
    { name: "level", type: "string" },
    { name: "method", type: "string" },
    { name: "status", type: "long" },
    { name: "latency_ms", type: "double" },
    { name: "cached", type: "boolean" },
    { name: "user", type: "string" },
    { name: "msg", type: "string" },
  ],
  timeField: "ts",
  timeFormat: "[%Y-%m-%d %H:%M:%S%z]",
  keywordField: "method",
});

/** A JSON format declaring keys of test/helpers/hostileLogs.ts with each type (booleans included). */
export const FUZZ_SCHEMA: EventSchema = checked({
  name: "fuzz-json",
  kind: "json",
  fields: [
    { name: "a", type: "boolean" },
    { name: "b", type: "long" },
    { name: "number", type: "boolean" },
    { name: "host", type: "string" },
    { name: "text", type: "double" },
    { name: "ts", type: "timestamp" },
  ],
  timeField: "ts",
  timeFormat: "epoch_ms",
});
