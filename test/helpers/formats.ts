/**
 * What several suites need to state a format of their own: the config of a stack that may have one
 * (no generator, a log group, a declared volume), a format read through the stacks' own validation,
 * and docs/sources.md's text example.
 */
import type { EventSchema } from "../../components/shared/schema";
import { eventSchemaOf, parseConfig } from "../../stacks/config";

/** The config around a format: the generator off, one log group, a declared volume. */
export const WITHOUT_GENERATOR = {
  generator: { enabled: false },
  sources: { logGroups: ["/ecs/app"] },
  workload: { eventsPerSecond: 10 },
} as const;

/** A format through the stacks' own validation, as `datalake:format` of a stack without the generator. */
export function validatedFormat(format: Record<string, unknown>): EventSchema {
  return eventSchemaOf(parseConfig({ ...WITHOUT_GENERATOR, format }));
}

/** docs/sources.md's text example: time, level, status, message. */
export const DOCS_TEXT_FORMAT = {
  name: "text-example",
  kind: "text",
  pattern: String.raw`^(?<ts>[^ ]+) (?<level>[A-Z]+) (?<status>\d{3}) (?<msg>.*)$`,
  fields: [
    { name: "ts", type: "timestamp" },
    { name: "level", type: "string" },
    { name: "status", type: "long" },
    { name: "msg", type: "string" },
  ],
  timeField: "ts",
  timeFormat: "%Y-%m-%dT%H:%M:%S%z",
  keywordField: "level",
} as const;
