import * as assert from "assert";
import * as http from "http";
import { AddressInfo } from "net";
import { Client } from "@opensearch-project/opensearch";
import * as pulumi from "@pulumi/pulumi";
import { SearchClient, createProbe } from "../../../components/speed/probe/handler";
import { probePolicy } from "../../../components/speed/probe/policy";
import {
  PROBE_INDEX_PATTERNS,
  readSearchResponse,
  searchBody,
  validateProbeEvent,
} from "../../../components/speed/probe/search";

const MARKER = "dlv-0123456789abcdef";

/**
 * A loopback fake of `_search`: documents per index, matched by the marker phrase. It stays for the
 * exact requests the probe sends and for a refused search (a real node without the security plugin
 * refuses none); the search itself finds the marker on a real OpenSearch node in
 * speed.opensearch.ts.
 */
class FakeSearch {
  readonly requests: { method: string; path: string; body: any }[] = [];
  docs: Record<string, { _index: string; text?: string; "@message"?: string; "@timestamp": string }[]> = {};
  status = 200;
  private server = http.createServer((req, res) => {
    let text = "";
    req.on("data", (c) => (text += c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://x");
      const body = text ? JSON.parse(text) : undefined;
      this.requests.push({ method: req.method ?? "", path: url.pathname + url.search, body });
      res.writeHead(this.status, { "content-type": "application/json" });
      if (this.status !== 200) {
        res.end(JSON.stringify({ error: { type: "security_exception" } }));
        return;
      }
      const pattern = decodeURIComponent(url.pathname.split("/")[1]);
      const phrases = body.query.bool.should.map((s: any) => Object.entries(s.match_phrase)[0]);
      const hits = (this.docs[pattern] ?? [])
        .filter((d: any) => phrases.some(([field, value]: [string, string]) => d[field]?.includes(value)))
        .map((d) => ({ _index: d._index, _source: { "@timestamp": d["@timestamp"] } }));
      res.end(JSON.stringify({ hits: { total: { value: hits.length }, hits: hits.slice(0, body.size) } }));
    });
  });
  url = "";
  async start() {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  async stop() {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

describe("speed verify probe (pure)", () => {
  it("searches the agent's and the forwarder's index families, in that order", () => {
    assert.deepStrictEqual(PROBE_INDEX_PATTERNS, ["testappec2log-*", "cwl-*"]);
  });

  it("asks for the marker as a phrase in text or @message, one document", () => {
    assert.deepStrictEqual(searchBody(MARKER), {
      size: 1,
      _source: ["@timestamp"],
      query: {
        bool: {
          should: [{ match_phrase: { text: MARKER } }, { match_phrase: { "@message": MARKER } }],
          minimum_should_match: 1,
        },
      },
    });
  });

  const bad: unknown[] = [
    undefined,
    {},
    { marker: 12 },
    { marker: "short" },
    { marker: "UPPER-case-marker" },
    { marker: 'x" OR "1' },
  ];
  for (const event of bad) {
    it(`rejects the event ${JSON.stringify(event)}`, () => {
      assert.throws(() => validateProbeEvent(event), {
        message:
          'probe: the event must be {"marker": "..."} with 8 to 64 lower-case letters, digits or dashes',
      });
    });
  }

  it("reads a hit, a miss, and refuses a response without hits", () => {
    assert.deepStrictEqual(
      readSearchResponse("cwl-*", {
        hits: { hits: [{ _index: "cwl-2024.01.02", _source: { "@timestamp": "t" } }] },
      }),
      { indexPattern: "cwl-*", found: true, index: "cwl-2024.01.02", timestamp: "t" },
    );
    assert.deepStrictEqual(readSearchResponse("cwl-*", { hits: { hits: [] } }), {
      indexPattern: "cwl-*",
      found: false,
    });
    assert.throws(() => readSearchResponse("cwl-*", { error: "x" }), {
      message: "probe: the search of cwl-* returned no hits array",
    });
  });

  it("lets the probe role search the two families only, with no write action", async () => {
    const doc = probePolicy({
      functionLogGroupArn: "arn:aws:logs:ap-northeast-1:123456789012:log-group:/aws/lambda/probe",
      domainArn: "arn:aws:es:ap-northeast-1:123456789012:domain/d",
    });
    const search = await new Promise<any>((resolve) =>
      pulumi.output(doc.Statement[2]).apply((s) => resolve(s)),
    );
    assert.deepStrictEqual(search, {
      Sid: "SearchLogIndices",
      Effect: "Allow",
      Action: ["es:ESHttpGet", "es:ESHttpPost"],
      Resource: [
        "arn:aws:es:ap-northeast-1:123456789012:domain/d/testappec2log-*/_search",
        "arn:aws:es:ap-northeast-1:123456789012:domain/d/cwl-*/_search",
      ],
    });
    assert.deepStrictEqual(
      doc.Statement.map((s) => s.Sid),
      ["OwnLogGroup", "VpcNetworkInterfaces", "SearchLogIndices"],
    );
  });
});

describe("speed verify probe against a loopback fake search API", () => {
  const fake = new FakeSearch();
  let probe: (event: unknown) => Promise<any>;
  let lines: string[];
  let original: typeof console.log;
  before(async () => {
    await fake.start();
    probe = createProbe(new Client({ node: fake.url }) as unknown as SearchClient);
  });
  after(() => fake.stop());
  beforeEach(() => {
    fake.requests.length = 0;
    fake.docs = {};
    fake.status = 200;
    lines = [];
    original = console.log;
    console.log = (l: string) => lines.push(l);
  });
  afterEach(() => (console.log = original));

  it("finds the marker in testappec2log-* (text) and cwl-* (@message)", async () => {
    fake.docs = {
      "testappec2log-*": [
        { _index: "testappec2log-2024.01.02", text: `verify ${MARKER}`, "@timestamp": "a" },
      ],
      "cwl-*": [{ _index: "cwl-2024.01.02", "@message": `{"text":"verify ${MARKER}"}`, "@timestamp": "b" }],
    };
    assert.deepStrictEqual(await probe({ marker: MARKER }), {
      hits: [
        { indexPattern: "testappec2log-*", found: true, index: "testappec2log-2024.01.02", timestamp: "a" },
        { indexPattern: "cwl-*", found: true, index: "cwl-2024.01.02", timestamp: "b" },
      ],
    });
    assert.deepStrictEqual(fake.requests.map((r) => `${r.method} ${r.path}`).sort(), [
      "POST /cwl-*/_search?ignore_unavailable=true&allow_no_indices=true",
      "POST /testappec2log-*/_search?ignore_unavailable=true&allow_no_indices=true",
    ]);
    assert.deepStrictEqual(lines, [JSON.stringify({ outcome: "searched", found: 2 })]);
  });

  it("reports a family without the marker as not found", async () => {
    fake.docs = { "cwl-*": [{ _index: "cwl-x", text: "other", "@timestamp": "b" }] };
    const result = await probe({ marker: MARKER });
    assert.deepStrictEqual(
      result.hits.map((h: any) => h.found),
      [false, false],
    );
  });

  it("fails when the domain refuses the search (a missing mapping)", async () => {
    fake.status = 403;
    await assert.rejects(probe({ marker: MARKER }), /security_exception/);
  });
});
