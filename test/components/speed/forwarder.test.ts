import * as assert from "assert";
import * as http from "http";
import { AddressInfo } from "net";
import { gzipSync } from "zlib";
import type { CloudWatchLogsDecodedData, CloudWatchLogsEvent } from "aws-lambda";
import { Client } from "@opensearch-project/opensearch";
import { AwsSigv4Signer } from "@opensearch-project/opensearch/aws";
import {
  BulkClient,
  BulkFailedError,
  DEFAULT_BULK_MAX_BYTES,
  maxBulkBytesFor,
  parseMaxBytes,
} from "../../../components/speed/forwarder/bulk";
import { createHandler, logLine } from "../../../components/speed/forwarder/handler";
import { REJECTED_DOCUMENTS_FILTER_PATTERN } from "../../../components/speed/metrics";
import { MalformedPayloadError } from "../../../components/speed/forwarder/transform";

/**
 * A loopback stand-in for OpenSearch `_bulk` that stores documents by index/_id. It stays for what
 * a real node cannot produce on demand: per-item and whole-request 429/5xx in chosen rounds, hangs,
 * trickling answers, 413 at a chosen size, and the SigV4 header (the local node has no security
 * plugin). Real bulk answers, content rejections, 429 retries and every hostile message are proven
 * on a real OpenSearch node in speed.opensearch.ts.
 */
class FakeBulk {
  readonly docs = new Map<string, unknown>();
  readonly requests: { auth: string | undefined; items: number }[] = [];
  /** Decides each request: a status for the whole request, "hang", or per-item statuses. */
  script:
    | ((n: number, ids: string[]) => number | "hang" | "trickle" | { itemStatus: (id: string) => number })
    | undefined;
  /** Bodies larger than this are answered 413, as OpenSearch's http.max_content_length does. */
  maxBytes = Infinity;
  private server = http.createServer((req, res) => this.handle(req, res));
  url = "";

  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      assert.strictEqual(req.url, "/_bulk");
      if (Buffer.byteLength(body) > this.maxBytes) {
        this.requests.push({ auth: req.headers.authorization, items: -1 });
        res.writeHead(413, { "content-type": "application/json" });
        res.end('{"error":"content too long","status":413}');
        return;
      }
      const lines = body.split("\n").filter((l) => l !== "");
      const pairs: { index: string; id: string; doc: unknown }[] = [];
      for (let i = 0; i < lines.length; i += 2) {
        const action = JSON.parse(lines[i]).index;
        pairs.push({ index: action._index, id: action._id, doc: JSON.parse(lines[i + 1]) });
      }
      this.requests.push({ auth: req.headers.authorization, items: pairs.length });
      const decision = this.script?.(
        this.requests.length,
        pairs.map((p) => p.id),
      ) ?? { itemStatus: () => 201 };
      if (decision === "hang") return; // never answers: the client times out
      if (decision === "trickle") {
        // Headers at once, then one byte a second: the client's own timeout stops counting.
        res.writeHead(200, { "content-type": "application/json" });
        const timer = setInterval(() => res.write(" "), 1000);
        res.on("close", () => clearInterval(timer));
        return;
      }
      if (typeof decision === "number") {
        res.writeHead(decision, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            error: { type: decision === 429 ? "es_rejected_execution_exception" : "internal_error" },
            status: decision,
          }),
        );
        return;
      }
      const items = pairs.map((p) => {
        const status = decision.itemStatus(p.id);
        if (status < 300) this.docs.set(`${p.index}/${p.id}`, p.doc);
        return {
          index: {
            _index: p.index,
            _id: p.id,
            status,
            ...(status >= 300
              ? {
                  error: {
                    type: status === 429 ? "es_rejected_execution_exception" : "mapper_parsing_exception",
                  },
                }
              : {}),
          },
        };
      });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ took: 1, errors: items.some((i) => i.index.status >= 300), items }));
    });
  }
}

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
function subscriptionEvent(
  count: number,
  extra: Partial<CloudWatchLogsDecodedData> = {},
): CloudWatchLogsEvent {
  const payload: CloudWatchLogsDecodedData = {
    messageType: "DATA_MESSAGE",
    owner: "123456789012",
    logGroup: "/datalake/test/speed/app",
    logStream: "ip-10-0-0-1",
    subscriptionFilters: ["f"],
    logEvents: Array.from({ length: count }, (_v, i) => ({
      id: String(37000000000000000000000000000000000000000000000000000000n + BigInt(i)),
      timestamp: T0 + i,
      message: JSON.stringify({
        timestamp: "2026-01-15 21:00:00+0900",
        alarmlevel: "ERROR",
        host: "prd-web002",
        user: "imai",
        number: 1000 + i,
        text: "This is ERROR.",
      }),
    })),
    ...extra,
  };
  return { awslogs: { data: gzipSync(Buffer.from(JSON.stringify(payload))).toString("base64") } };
}

describe("forwarder handler against a loopback _bulk server", function () {
  this.timeout(20_000);
  const server = new FakeBulk();
  let logs: { level: string; record: Record<string, unknown> }[];

  before(() => server.start());
  after(() => server.stop());
  beforeEach(() => {
    server.docs.clear();
    server.requests.length = 0;
    server.script = undefined;
    logs = [];
  });

  const handlerWith = (requestTimeout = 2_000, send: Record<string, number> = {}) => {
    const client = new Client({
      ...AwsSigv4Signer({
        region: "ap-northeast-1",
        service: "es",
        getCredentials: async () => ({
          accessKeyId: "AKIDLOOPBACKTEST0000",
          secretAccessKey: "loopback-secret-not-real",
        }),
      }),
      node: server.url,
      maxRetries: 0,
      requestTimeout,
    });
    return createHandler({
      client: client as unknown as BulkClient,
      send: { budgetMs: 1_500, requestTimeoutMs: requestTimeout, baseDelayMs: 1, maxDelayMs: 5, ...send },
      log: (level, record) => logs.push({ level, record }),
    });
  };

  it("writes every event once, SigV4-signed, with the event id as _id", async () => {
    const result = await handlerWith()(subscriptionEvent(25));
    assert.deepStrictEqual(result, { written: 25, requests: 1, rejected: 0 });
    assert.strictEqual(server.docs.size, 25);
    assert.ok(
      server.requests[0].auth?.startsWith("AWS4-HMAC-SHA256 Credential=AKIDLOOPBACKTEST0000/"),
      "request is SigV4-signed",
    );
    assert.ok(server.docs.has("cwl-2026.01.15/37000000000000000000000000000000000000000000000000000000"));
  });

  it("re-sends only the items that failed with 429 and succeeds", async () => {
    server.script = (n) => ({ itemStatus: (id) => (n === 1 && id.endsWith("3") ? 429 : 201) });
    const result = await handlerWith()(subscriptionEvent(25));
    assert.deepStrictEqual(result, { written: 25, requests: 2, rejected: 0 });
    assert.deepStrictEqual(
      server.requests.map((r) => r.items),
      [25, 3],
    );
    assert.strictEqual(server.docs.size, 25);
  });

  it("records a permanently rejected document with its reason and writes every other one", async () => {
    // One 400 plus 30 % throttling in the first rounds: every retryable document ends up written.
    server.script = (n) => ({
      itemStatus: (id) => (id.endsWith("17") ? 400 : n <= 3 && Number(id.slice(-3)) % 10 < 3 ? 429 : 201),
    });
    const result = await handlerWith()(subscriptionEvent(500));
    assert.strictEqual(result.written, 495);
    assert.strictEqual(result.rejected, 5);
    assert.strictEqual(server.docs.size, 495);
    const rejected = logs.filter((l) => l.record.outcome === "rejected");
    assert.strictEqual(rejected.length, 5);
    assert.strictEqual(rejected[0].record.type, "mapper_parsing_exception");
    assert.strictEqual(rejected[0].record.status, 400);
    assert.ok(String(rejected[0].record.id).endsWith("17"));
    assert.match(String(rejected[0].record.message), /"text":"This is ERROR\."/);
    assert.deepStrictEqual([rejected[0].record.part, rejected[0].record.parts], [1, 1]);
  });

  it("splits a request answered 413 and writes each document once", async () => {
    server.maxBytes = 20_000;
    const result = await handlerWith()(subscriptionEvent(300));
    assert.strictEqual(result.written, 300);
    assert.strictEqual(server.docs.size, 300);
    assert.ok(
      server.requests.some((r) => r.items === -1),
      "some requests were answered 413",
    );
    server.maxBytes = Infinity;
  });

  it("never sends a request larger than maxBytes", async () => {
    server.maxBytes = 10_000;
    const result = await handlerWith(2_000, { maxBytes: 10_000 })(subscriptionEvent(300));
    assert.strictEqual(result.written, 300);
    assert.ok(server.requests.every((r) => r.items > 0));
    server.maxBytes = Infinity;
  });

  it("sends the bodies of a large batch one at a time and still sends the others when one fails", async () => {
    server.maxBytes = 10_000;
    // Every request that carries the first document is answered 503: only its body fails.
    const firstId = "37000000000000000000000000000000000000000000000000000000";
    server.script = (_n, ids) => (ids.includes(firstId) ? 503 : { itemStatus: () => 201 });
    const err = await handlerWith(2_000, { maxBytes: 10_000, budgetMs: 300 })(subscriptionEvent(300)).then(
      () => assert.fail("expected a failure"),
      (e: unknown) => e,
    );
    server.maxBytes = Infinity;
    assert.ok(err instanceof BulkFailedError);
    const bodyItems = server.requests.find((r) => r.items > 0)!.items;
    assert.ok(bodyItems < 300, "the batch was split into several bodies");
    assert.strictEqual(err.failed, bodyItems);
    assert.strictEqual(err.written, 300 - bodyItems);
    assert.strictEqual(server.docs.size, 300 - bodyItems);
    assert.match(
      err.message,
      new RegExp(`^${bodyItems} of 300 documents were not written \\(HTTP 503: ${bodyItems}\\)`),
    );
  });

  it("ends a request whose answer trickles at the request deadline, within the time budget", async () => {
    server.script = () => "trickle";
    const start = Date.now();
    await assert.rejects(handlerWith(300, { budgetMs: 1_000 })(subscriptionEvent(3)), BulkFailedError);
    assert.ok(Date.now() - start < 2_500, `took ${Date.now() - start} ms`);
  });

  it("retries against the invocation's remaining time", async () => {
    server.script = () => 503;
    const start = Date.now();
    const handler = handlerWith(2_000, { budgetMs: 60_000 });
    await assert.rejects(
      handler(subscriptionEvent(3), { getRemainingTimeInMillis: () => 5_000 + 400 }),
      /3 of 3 documents were not written \(HTTP 503: 3\)/,
    );
    assert.ok(Date.now() - start < 2_000, `took ${Date.now() - start} ms`);
    assert.ok(server.requests.length >= 2);
  });

  it("retries a whole-request 429 with backoff", async () => {
    server.script = (n) => (n <= 2 ? 429 : { itemStatus: () => 201 });
    assert.deepStrictEqual(await handlerWith()(subscriptionEvent(10)), {
      written: 10,
      requests: 3,
      rejected: 0,
    });
    assert.strictEqual(server.docs.size, 10);
  });

  it("retries a 500 and fails with every document counted when 5xx persists", async () => {
    server.script = (n) => (n === 1 ? 500 : { itemStatus: () => 201 });
    assert.deepStrictEqual(await handlerWith()(subscriptionEvent(10)), {
      written: 10,
      requests: 2,
      rejected: 0,
    });
    server.docs.clear();
    server.requests.length = 0;
    server.script = () => 503;
    await assert.rejects(
      handlerWith()(subscriptionEvent(10)),
      /10 of 10 documents were not written \(HTTP 503: 10\)/,
    );
    assert.ok(server.requests.length >= 2);
  });

  it("retries after a timeout and then writes everything", async () => {
    server.script = (n) => (n === 1 ? "hang" : { itemStatus: () => 201 });
    assert.deepStrictEqual(await handlerWith(300)(subscriptionEvent(10)), {
      written: 10,
      requests: 2,
      rejected: 0,
    });
    assert.strictEqual(server.docs.size, 10);
  });

  it("does not retry a 403 and fails the invocation", async () => {
    server.script = () => 403;
    await assert.rejects(
      handlerWith()(subscriptionEvent(3)),
      /3 of 3 documents were not written \(HTTP 403: 3\)/,
    );
    assert.strictEqual(server.requests.length, 1);
  });

  it("skips a CONTROL_MESSAGE without calling OpenSearch", async () => {
    const result = await handlerWith()(
      subscriptionEvent(0, { messageType: "CONTROL_MESSAGE", logEvents: [] }),
    );
    assert.deepStrictEqual(result, { written: 0, requests: 0, rejected: 0 });
    assert.strictEqual(server.requests.length, 0);
  });

  it("logs a malformed payload with its reason and fails (Lambda then hands it to the DLQ)", async () => {
    await assert.rejects(
      handlerWith()({ awslogs: { data: Buffer.from("not gzip").toString("base64") } }),
      MalformedPayloadError,
    );
    assert.strictEqual(logs.length, 1);
    assert.strictEqual(logs[0].level, "error");
    assert.strictEqual(logs[0].record.outcome, "malformed-payload");
    assert.match(String(logs[0].record.reason), /^awslogs\.data is not base64-encoded gzip/);
    assert.strictEqual(server.requests.length, 0);
  });

  it("never logs credentials, and document contents only in rejected records", async () => {
    server.script = () => ({ itemStatus: (id) => (id.endsWith("1") ? 400 : 201) });
    await handlerWith()(subscriptionEvent(5));
    assert.ok(JSON.stringify(logs).includes("This is ERROR."));
    const text = JSON.stringify(logs.filter((l) => l.record.outcome !== "rejected"));
    assert.ok(!text.includes("loopback-secret-not-real") && !text.includes("AKIDLOOPBACKTEST0000"));
    assert.ok(!text.includes("This is ERROR."));
  });
});

describe("forwarder request size", () => {
  it("builds requests of at most 5 MiB for every instance type, under each type's payload quota", () => {
    for (const type of [
      "t3.small.search",
      "t2.micro.elasticsearch",
      "m3.medium.search",
      "r6g.large.search",
    ]) {
      assert.strictEqual(maxBulkBytesFor(type), 5 * 1024 * 1024, type);
    }
    assert.strictEqual(DEFAULT_BULK_MAX_BYTES, 5 * 1024 * 1024);
  });

  it("reads BULK_MAX_BYTES and rejects a value outside 64 KiB..100 MiB in one sentence", () => {
    assert.strictEqual(parseMaxBytes(undefined, "BULK_MAX_BYTES"), DEFAULT_BULK_MAX_BYTES);
    assert.strictEqual(parseMaxBytes("67108864", "BULK_MAX_BYTES"), 64 * 1024 * 1024);
    assert.throws(
      () => parseMaxBytes("10", "BULK_MAX_BYTES"),
      /^Error: BULK_MAX_BYTES is "10"; use a whole number of bytes from 65536 to 104857600\.$/,
    );
  });
});

describe("forwarder log records", () => {
  it("writes each record as one line that is exactly one JSON object, the shape the rejected-documents filter reads", () => {
    const line = logLine("error", { outcome: "rejected", part: 1, parts: 1, message: 'a\nb"c' });
    assert.ok(line.endsWith("}\n") && line.indexOf("\n") === line.length - 1);
    assert.deepStrictEqual(JSON.parse(line), {
      level: "error",
      outcome: "rejected",
      part: 1,
      parts: 1,
      message: 'a\nb"c',
    });
    assert.strictEqual(REJECTED_DOCUMENTS_FILTER_PATTERN, '{ ($.outcome = "rejected") && ($.part = 1) }');
  });
});
