/**
 * The record the agent ships for one hands-on log line: the parser's fields with `number` typed
 * as an integer (the agent's `types number:integer`, render.ts HANDS_ON_PARSER), serialised as
 * one JSON object by the CloudWatch Logs and Firehose outputs. The sizing model and the benches
 * measure event sizes on exactly this record.
 */
import { parseLogLine } from "../../shared/logformat";

export function agentRecord(line: string): Record<string, string | number> {
  const fields = parseLogLine(line);
  if (!fields) throw new Error(`log line does not parse: ${line}`);
  return { ...fields, number: Number(fields.number) };
}
