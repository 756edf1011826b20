import * as assert from "assert";
import {
  AgentConfigInput,
  HANDS_ON_PARSER,
  destinationNames,
  renderAgentConfig,
} from "../../../components/network/agent/render";
import { LOG_LINE_PATTERN } from "../../../components/shared/logformat";

const base: AgentConfigInput = {
  tag: "testappec2.log",
  path: "/var/log/testapp/app.log",
  stateDir: "/var/log/fluent",
  parser: HANDS_ON_PARSER,
  destinations: {},
};

const all: AgentConfigInput = {
  ...base,
  destinations: {
    opensearch: {
      endpoint: "vpc-speed-abc.ap-northeast-1.es.amazonaws.com",
      region: "ap-northeast-1",
      indexPrefix: "testappec2log",
    },
    cloudwatchLogs: { logGroupName: "/datalake/dev/app", region: "ap-northeast-1" },
    firehose: { deliveryStreamName: "batch-stream-1234567", region: "ap-northeast-1" },
  },
};

/** The lines between `<tag ...>` and its closing tag (first occurrence). */
function block(text: string, open: string, close: string): string[] {
  const lines = text.split("\n").map((l) => l.trim());
  const start = lines.findIndex((l) => l.startsWith(open));
  assert.ok(start >= 0, `no ${open} in config`);
  const end = lines.indexOf(close, start);
  return lines.slice(start + 1, end);
}

describe("agent configuration renderer", () => {
  it("renders no input while there is no destination, so nothing is read and lost", () => {
    const text = renderAgentConfig(base);
    assert.ok(!text.includes("<source>"));
    assert.ok(!text.includes("<match"));
    assert.ok(text.includes("<system>"));
  });

  it("tails the log file with the hands-on parser and reads `timestamp` as the event time", () => {
    const text = renderAgentConfig(all);
    assert.deepStrictEqual(block(text, "<source>", "</source>"), [
      "@type tail",
      "@id in_tail_app",
      "path /var/log/testapp/app.log",
      "pos_file /var/log/fluent/app.log.pos",
      "tag testappec2.log",
      "read_from_head true",
      "<parse>",
      "@type regexp",
      `expression /${LOG_LINE_PATTERN}/`,
      "time_key timestamp",
      "time_format %Y-%m-%d %H:%M:%S%z",
      "keep_time_key true",
      "types number:integer",
      "</parse>",
    ]);
  });

  it("ships to OpenSearch with SigV4 (endpoint section), daily UTC indices and a durable buffer", () => {
    const store = block(renderAgentConfig(all), "@type opensearch", "</store>");
    assert.deepStrictEqual(store.slice(0, 16), [
      "@id out_opensearch",
      "host vpc-speed-abc.ap-northeast-1.es.amazonaws.com",
      "port 443",
      "scheme https",
      "ssl_verify true",
      "ssl_version TLSv1_2",
      "logstash_format true",
      "logstash_prefix testappec2log",
      "logstash_dateformat %Y.%m.%d",
      "utc_index true",
      "suppress_type_name true",
      "<endpoint>",
      "url https://vpc-speed-abc.ap-northeast-1.es.amazonaws.com",
      "region ap-northeast-1",
      "refresh_credentials_interval 4m",
      "</endpoint>",
    ]);
    assert.deepStrictEqual(store.slice(16), [
      "<buffer>",
      "@type file",
      "path /var/log/fluent/buffer/opensearch",
      "flush_interval 5s",
      "chunk_limit_size 8m",
      "total_limit_size 1g",
      "retry_forever true",
      "retry_max_interval 60s",
      "overflow_action block",
      "</buffer>",
    ]);
  });

  it("ships to CloudWatch Logs (existing group, one stream per host) and Firehose (JSON + newline)", () => {
    const text = renderAgentConfig(all);
    const cwl = block(text, "@type cloudwatch_logs", "</store>");
    assert.deepStrictEqual(cwl.slice(0, 5), [
      "@id out_cloudwatch_logs",
      "region ap-northeast-1",
      "log_group_name /datalake/dev/app",
      'log_stream_name "#{Socket.gethostname}"',
      "auto_create_stream true",
    ]);
    assert.ok(
      !text.includes("auto_create_group"),
      "the log group belongs to the stack, with its KMS key and retention",
    );
    const firehose = block(text, "@type kinesis_firehose", "</store>");
    assert.deepStrictEqual(firehose.slice(0, 8), [
      "@id out_kinesis_firehose",
      "region ap-northeast-1",
      "delivery_stream_name batch-stream-1234567",
      "append_new_line true",
      "drop_failed_records_after_batch_request_retries false",
      "<format>",
      "@type json",
      "</format>",
    ]);
    assert.ok(firehose.includes("path /var/log/fluent/buffer/kinesis_firehose"));
  });

  it("keeps the records Firehose keeps rejecting in the retry-forever buffer instead of dropping them", () => {
    // fluent-plugin-kinesis defaults drop_failed_records_after_batch_request_retries to true
    // (kinesis_helper/api.rb), which drops records after retries_on_batch_request attempts.
    const firehose = block(renderAgentConfig(all), "@type kinesis_firehose", "</store>");
    assert.ok(firehose.includes("drop_failed_records_after_batch_request_retries false"));
    assert.ok(firehose.includes("retry_forever true"));
    assert.ok(
      !firehose.some((l) => /^retries_on_batch_request /.test(l)),
      "plugin retry count left at its default",
    );
  });

  it("refreshes the OpenSearch SigV4 credentials snapshot more often than EC2 rotates them", () => {
    const endpoint = block(renderAgentConfig(all), "<endpoint>", "</endpoint>");
    const line = endpoint.find((l) => l.startsWith("refresh_credentials_interval "));
    assert.ok(line, "the plugin default is 5 hours");
    const m = /^refresh_credentials_interval (\d+)([smh])$/.exec(line);
    assert.ok(m, line);
    const seconds = Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as "s" | "m" | "h"];
    // EC2 serves new role credentials at least five minutes before the old ones expire.
    assert.ok(seconds > 0 && seconds < 300, `${seconds}s`);
  });

  it("copies each record to every destination, in a fixed order", () => {
    const text = renderAgentConfig(all);
    assert.deepStrictEqual(block(text, "<match testappec2.log>", "</match>")[0], "@type copy");
    const order = ["@type opensearch", "@type cloudwatch_logs", "@type kinesis_firehose"].map((t) =>
      text.indexOf(t),
    );
    assert.deepStrictEqual(
      [...order].sort((a, b) => a - b),
      order,
    );
    assert.deepStrictEqual(destinationNames(all.destinations), ["opensearch", "cloudwatchLogs", "firehose"]);
    assert.deepStrictEqual(destinationNames({ firehose: all.destinations.firehose }), ["firehose"]);
  });

  it("is pure: the same input renders the same text", () => {
    assert.strictEqual(renderAgentConfig(all), renderAgentConfig({ ...all }));
  });

  const injections: [string, AgentConfigInput][] = [
    [
      "a log group with a newline",
      { ...base, destinations: { cloudwatchLogs: { logGroupName: "g\n<match **>", region: "r" } } },
    ],
    [
      "a stream name with a space",
      { ...base, destinations: { firehose: { deliveryStreamName: "a b", region: "r" } } },
    ],
    [
      "an endpoint with a quote",
      { ...base, destinations: { opensearch: { endpoint: 'x"y', region: "r", indexPrefix: "p" } } },
    ],
    ["a path with a space", { ...all, path: "/var/log/a b.log" }],
  ];
  for (const [title, input] of injections) {
    it(`rejects ${title} instead of writing a broken or injected config`, () => {
      assert.throws(
        () => renderAgentConfig(input),
        /agent config: [\s\S]* may contain only letters, digits and/,
      );
    });
  }
});
