/**
 * Renders the fluentd (fluent-package v6, see versions.ts) configuration of the generator instance from typed
 * inputs. Pure: the same inputs always give the same text, so a change of destination changes
 * the text (and its hash) and nothing else.
 */
import { LOG_LINE_PATTERN, LOG_TIME_FORMAT } from "../../shared/logformat";

/** OpenSearch output (lab 2): daily `<indexPrefix>-YYYY.MM.DD` indices, SigV4 with the instance role. */
export interface OpenSearchDestination {
  /** Domain endpoint host name, without scheme (as `aws.opensearch.Domain.endpoint`). */
  readonly endpoint: string;
  readonly region: string;
  readonly indexPrefix: string;
}

/** CloudWatch Logs output (lab 3): one stream per instance host name. */
export interface CloudWatchLogsDestination {
  readonly logGroupName: string;
  readonly region: string;
}

/** Kinesis Data Firehose output (lab 4): newline-delimited JSON records. */
export interface FirehoseDestination {
  readonly deliveryStreamName: string;
  readonly region: string;
}

export interface AgentDestinations {
  readonly opensearch?: OpenSearchDestination;
  readonly cloudwatchLogs?: CloudWatchLogsDestination;
  readonly firehose?: FirehoseDestination;
}

/** How lines are parsed into records. */
export interface AgentParser {
  /** Regular expression with named groups (Ruby syntax). */
  readonly expression: string;
  /** The captured field that holds the event time. */
  readonly timeKey: string;
  /** strftime format of that field. */
  readonly timeFormat: string;
  /** Field types other than string (fluentd `types`), e.g. `{ number: "integer" }`. */
  readonly types?: Readonly<Record<string, "integer" | "float" | "bool">>;
}

export interface AgentConfigInput {
  /** fluentd tag of the records. */
  readonly tag: string;
  /** File the tail input follows. */
  readonly path: string;
  /** Directory for the tail position file and the file buffers. */
  readonly stateDir: string;
  readonly parser: AgentParser;
  readonly destinations: AgentDestinations;
}

/** The hands-on parser, with `timestamp` as the event time (the hands-on's time_format did not match). */
export const HANDS_ON_PARSER: AgentParser = {
  expression: LOG_LINE_PATTERN,
  timeKey: "timestamp",
  timeFormat: LOG_TIME_FORMAT,
  types: { number: "integer" },
};

/** out_opensearch `<endpoint>` credential refresh: below EC2's five-minute rotation margin. */
export const OPENSEARCH_CREDENTIALS_REFRESH = "4m";

const SAFE_VALUE = /^[A-Za-z0-9._:\/@+=,-]+$/;

/** Rejects values that could break out of a fluentd directive line. */
function safe(field: string, value: string): string {
  if (!SAFE_VALUE.test(value)) {
    throw new Error(
      `agent config: ${field} "${value}" may contain only letters, digits and . _ : / @ + = , -`,
    );
  }
  return value;
}

function indent(lines: string[], depth: number): string[] {
  return lines.map((l) => (l ? "  ".repeat(depth) + l : l));
}

/** Seconds between flushes of each destination's buffer (the capacity model reads them too). */
export const AGENT_FLUSH_SECONDS = { opensearch: 5, cloudwatchLogs: 5, firehose: 10 } as const;
/** Most bytes each destination's file buffer holds before the input blocks (`total_limit_size`). */
export const AGENT_BUFFER_LIMIT_BYTES = 1024 ** 3;
/** Largest chunk (one request) of the CloudWatch Logs and Firehose buffers (`chunk_limit_size 1m`). */
export const AGENT_CHUNK_LIMIT_BYTES = 1024 ** 2;

/**
 * A durable file buffer: chunks survive restarts and are retried until delivered (with capped
 * exponential backoff), so an outage of a destination delays data but never drops it.
 */
function fileBuffer(stateDir: string, id: string, flushInterval: string, chunkLimit: string): string[] {
  return [
    "<buffer>",
    "  @type file",
    `  path ${stateDir}/buffer/${id}`,
    `  flush_interval ${flushInterval}`,
    `  chunk_limit_size ${chunkLimit}`,
    `  total_limit_size ${AGENT_BUFFER_LIMIT_BYTES / 1024 ** 3}g`,
    "  retry_forever true",
    "  retry_max_interval 60s",
    "  overflow_action block",
    "</buffer>",
  ];
}

function opensearchStore(d: OpenSearchDestination, stateDir: string): string[] {
  return [
    "@type opensearch",
    "@id out_opensearch",
    `host ${safe("opensearch.endpoint", d.endpoint)}`,
    "port 443",
    "scheme https",
    "ssl_verify true",
    "ssl_version TLSv1_2",
    "logstash_format true",
    `logstash_prefix ${safe("opensearch.indexPrefix", d.indexPrefix)}`,
    "logstash_dateformat %Y.%m.%d",
    "utc_index true",
    "suppress_type_name true",
    "<endpoint>",
    `  url https://${d.endpoint}`,
    `  region ${safe("opensearch.region", d.region)}`,
    // The plugin signs with a snapshot of the instance-profile credentials
    // (`Aws::InstanceProfileCredentials.new.credentials` in out_opensearch.rb, 1.1.6) and takes a
    // new one every refresh_credentials_interval (default 5 hours). EC2 serves new role
    // credentials at least five minutes before the old ones expire
    // (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-metadata-security-credentials.html),
    // so a snapshot is good for at least that long: refreshing more often never signs with
    // expired credentials (a 403 that would hold the buffer until the next refresh).
    `  refresh_credentials_interval ${OPENSEARCH_CREDENTIALS_REFRESH}`,
    "</endpoint>",
    ...fileBuffer(stateDir, "opensearch", `${AGENT_FLUSH_SECONDS.opensearch}s`, "8m"),
  ];
}

function cloudwatchStore(d: CloudWatchLogsDestination, stateDir: string): string[] {
  return [
    "@type cloudwatch_logs",
    "@id out_cloudwatch_logs",
    `region ${safe("cloudwatchLogs.region", d.region)}`,
    `log_group_name ${safe("cloudwatchLogs.logGroupName", d.logGroupName)}`,
    // One stream per instance; the group itself is owned by the stack, never created here.
    `log_stream_name "#{Socket.gethostname}"`,
    "auto_create_stream true",
    ...fileBuffer(
      stateDir,
      "cloudwatch_logs",
      `${AGENT_FLUSH_SECONDS.cloudwatchLogs}s`,
      `${AGENT_CHUNK_LIMIT_BYTES / 1024 ** 2}m`,
    ),
  ];
}

function firehoseStore(d: FirehoseDestination, stateDir: string): string[] {
  return [
    "@type kinesis_firehose",
    "@id out_kinesis_firehose",
    `region ${safe("firehose.region", d.region)}`,
    `delivery_stream_name ${safe("firehose.deliveryStreamName", d.deliveryStreamName)}`,
    // Each record is one JSON object followed by "\n", so the lake's JSON SerDe reads one row per line.
    "append_new_line true",
    // The default (true) drops the records Firehose still rejects after retries_on_batch_request;
    // false raises instead, so the chunk goes back to the file buffer and retry_forever keeps it
    // (README "drop_failed_records_after_batch_request_retries", kinesis_helper/api.rb). The cost
    // is possible duplicates of the records of a partially failed batch, never a loss.
    "drop_failed_records_after_batch_request_retries false",
    "<format>",
    "  @type json",
    "</format>",
    ...fileBuffer(
      stateDir,
      "kinesis_firehose",
      `${AGENT_FLUSH_SECONDS.firehose}s`,
      `${AGENT_CHUNK_LIMIT_BYTES / 1024 ** 2}m`,
    ),
  ];
}

/** The destinations present, in a fixed order. */
export function destinationNames(d: AgentDestinations): string[] {
  return (["opensearch", "cloudwatchLogs", "firehose"] as const).filter((k) => d[k] !== undefined);
}

/**
 * The whole fluentd configuration. With no destination it renders no input at all: fluentd then
 * idles and the tail position is not advanced, so the first real configuration ships the file
 * from its head and no line written before the destinations existed is lost.
 */
export function renderAgentConfig(input: AgentConfigInput): string {
  const stateDir = safe("stateDir", input.stateDir);
  const tag = safe("tag", input.tag);
  const header = [
    "# Rendered by components/network/agent/render.ts — do not edit on the instance;",
    "# the SSM association overwrites this file whenever the stack changes it.",
    "<system>",
    "  log_level info",
    "</system>",
  ];
  const stores: string[][] = [];
  const d = input.destinations;
  if (d.opensearch) stores.push(opensearchStore(d.opensearch, stateDir));
  if (d.cloudwatchLogs) stores.push(cloudwatchStore(d.cloudwatchLogs, stateDir));
  if (d.firehose) stores.push(firehoseStore(d.firehose, stateDir));
  if (stores.length === 0) {
    return [...header, "# No destination yet: nothing is read, so nothing is lost.", ""].join("\n");
  }
  if (input.parser.expression.includes("\n") || input.parser.expression.includes("/")) {
    throw new Error("agent config: parser.expression must be one line and contain no unescaped '/'.");
  }
  const source = [
    "<source>",
    "  @type tail",
    "  @id in_tail_app",
    `  path ${safe("path", input.path)}`,
    `  pos_file ${stateDir}/app.log.pos`,
    `  tag ${tag}`,
    "  read_from_head true",
    "  <parse>",
    "    @type regexp",
    `    expression /${input.parser.expression}/`,
    `    time_key ${safe("parser.timeKey", input.parser.timeKey)}`,
    `    time_format ${input.parser.timeFormat}`,
    // The raw timestamp string stays in the record: every consumer sees the hands-on's fields.
    "    keep_time_key true",
    ...(input.parser.types && Object.keys(input.parser.types).length
      ? [
          `    types ${Object.entries(input.parser.types)
            .map(([k, t]) => `${safe("parser.types", k)}:${t}`)
            .join(",")}`,
        ]
      : []),
    "  </parse>",
    "</source>",
  ];
  const match = [
    `<match ${tag}>`,
    "  @type copy",
    ...stores.flatMap((store) => ["  <store>", ...indent(store, 2), "  </store>"]),
    "</match>",
  ];
  return [...header, ...source, ...match, ""].join("\n");
}
