/**
 * Benchmarks on a real OpenSearch 2.19.6 node (`npm run bench:opensearch`, heap 512 MiB, and
 * `npm run bench:opensearch-1g`, heap 1 GiB): the node started as the engine tests start it
 * (tools/engines/opensearch.ts), the index templates applied by the bootstrap, then
 * - `_bulk`: the forwarder's own 5 MiB bodies (bulkBodies at DEFAULT_BULK_MAX_BYTES) of the
 *   forwarder benchmark's realistic 1 MB-gzip subscription event, sent one at a time as the
 *   forwarder sends them, each round into a new index of the `cwl` family (inserts, not
 *   overwrites), after one warm-up round: documents/s and MiB/s per request;
 * - bytes on disk per document of each index family after a force-merge to one segment (the
 *   forwarder's documents for `cwl`, the agent's parsed lines for `testappec2log`), and the cost of
 *   the mapping policy for JSON logs with keys the templates do not declare: the same documents
 *   under the template (`dynamic: false`) and under dynamic mapping;
 * - the time from a `_bulk` return to the document being found by a search, with the default
 *   refresh interval (1 s), polled every 10 ms, at random offsets from the refresh schedule.
 * Each figure is printed as min / median / max over its samples, with the machine's load. Options:
 * `--heap MiB` (default 512), `--rounds N` of bulk rounds (default 4), `--samples N` for the
 * refresh delay (default 30).
 */
import * as os from "os";
import { Client } from "@opensearch-project/opensearch";
import { runBootstrap } from "../../components/speed/bootstrap/handler";
import { DEFAULT_BULK_MAX_BYTES } from "../../components/speed/forwarder/bulk";
import { bulkBodies, decodeEvent } from "../../components/speed/forwarder/transform";
import { DECLARED_FIELDS } from "../../components/speed/mapping";
import { parseLogLine } from "../../components/shared/logformat";
import { AGENT_INDEX_PREFIX, FORWARDER_INDEX_PREFIX } from "../../components/shared/names";
import { createRandom, simulateLines } from "../../components/network/generator/lines";
import { ensureOpenSearch, startOpenSearch, OPENSEARCH_VERSION } from "../engines/opensearch";
import { realisticEvent } from "./forwarder";

const MIB = 1024 * 1024;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) {
    console.error(`--${name} must be a positive number, not ${JSON.stringify(process.argv[i + 1])}.`);
    process.exit(2);
  }
  return v;
}

function spread(values: number[], digits = 0): string {
  const s = [...values].sort((a, b) => a - b);
  const f = (v: number) => v.toFixed(digits);
  return `${f(s[0])} / ${f(s[Math.floor((s.length - 1) / 2)])} / ${f(s[s.length - 1])} (min / median / max, n=${s.length})`;
}

async function bulk(client: Client, body: string): Promise<void> {
  // An NDJSON string, sent as it is (the client's type names only the array form).
  const res = await client.bulk({ body } as unknown as Parameters<Client["bulk"]>[0]);
  const b = res.body as { errors?: boolean; items?: { index?: { error?: { reason?: string } } }[] };
  if (b.errors) {
    const first = b.items?.find((i) => i.index?.error)?.index?.error?.reason;
    throw new Error(`the benchmark's bulk request had rejected documents (first: ${first})`);
  }
}

/** The forwarder's bodies for the realistic event, with the index name to replace per round. */
function forwarderBodies(): { bodies: string[]; documents: number; index: string } {
  const { event } = realisticEvent();
  const data = decodeEvent(event);
  const builder = bulkBodies(data, { maxChars: DEFAULT_BULK_MAX_BYTES });
  const bodies: string[] = [];
  for (let b = builder.next(); b !== undefined; b = builder.next()) bodies.push(b);
  const index = /"_index":"([^"]+)"/.exec(bodies[0])![1];
  return { bodies, documents: builder.documents, index };
}

async function storePerDocument(client: Client, index: string): Promise<number> {
  await client.indices.refresh({ index });
  await client.indices.forcemerge({ index, max_num_segments: 1 });
  // The merged-away segments' files are deleted once a flush and a refresh release them.
  await client.indices.flush({ index });
  await client.indices.refresh({ index });
  const stats = (await client.indices.stats({ index, metric: ["store", "docs", "segments"] })).body as any;
  const p = stats.indices[index].primaries;
  if (p.segments.count !== 1)
    throw new Error(`${index} has ${p.segments.count} segments after the force-merge`);
  return p.store.size_in_bytes / p.docs.count;
}

/** The agent's documents: the parsed hands-on line, `number` an integer, and fluentd's `@timestamp`. */
function agentBody(index: string, count: number, seed: number): string {
  const lines = simulateLines(
    count,
    Date.UTC(2026, 0, 15),
    { intervalSeconds: 1, linesPerInterval: 10, burstIntervalSeconds: 0, burstLines: 0 },
    createRandom(seed),
  );
  return lines
    .map((line, i) => {
      const p = parseLogLine(line)!;
      const doc = {
        ...p,
        number: Number(p.number),
        "@timestamp": new Date(Date.UTC(2026, 0, 15) + i * 100).toISOString(),
      };
      return `{"index":{"_index":"${index}","_id":"${i}"}}\n${JSON.stringify(doc)}\n`;
    })
    .join("");
}

/** JSON application logs with keys the templates do not declare (a request, ids, timings). */
function richBody(index: string, count: number, seed: number): string {
  const random = createRandom(seed);
  const int = (n: number) => Math.floor(random() * n);
  const parts: string[] = [];
  for (let i = 0; i < count; i++) {
    const doc = {
      "@timestamp": new Date(Date.UTC(2026, 0, 15) + i * 100).toISOString(),
      "@message": "",
      alarmlevel: ["INFO", "WARNING", "ERROR"][int(3)],
      host: `prd-web00${int(5)}`,
      user: ["imai", "uchida", "uehara"][int(3)],
      text: `GET /api/items/${int(10_000)} took ${int(900)} ms`,
      request: {
        method: ["GET", "POST"][int(2)],
        path: `/api/items/${int(10_000)}`,
        status: [200, 404, 500][int(3)],
      },
      latency_ms: int(900),
      bytes: int(100_000),
      trace_id:
        int(2 ** 31)
          .toString(16)
          .padStart(8, "0") +
        int(2 ** 31)
          .toString(16)
          .padStart(8, "0"),
      region: "ap-northeast-1",
      version: `1.${int(20)}.${int(10)}`,
    };
    doc["@message"] = JSON.stringify(doc);
    parts.push(`{"index":{"_index":"${index}","_id":"${i}"}}\n${JSON.stringify(doc)}\n`);
  }
  return parts.join("");
}

async function main(): Promise<void> {
  const heap = arg("heap", 512);
  const rounds = arg("rounds", 4);
  const samples = arg("samples", 30);
  const install = ensureOpenSearch();
  if (install.built) console.log(`install: ${(install.buildMs / 1000).toFixed(1)} s into ${install.dir}`);
  const node = await startOpenSearch(install, { heapMiB: heap });
  try {
    const client = new Client({ node: node.url });
    console.log(
      `OpenSearch ${OPENSEARCH_VERSION}, heap ${heap} MiB, ${os.cpus().length} x ${os.cpus()[0]?.model}, load ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}; node ready in ${(node.startMs / 1000).toFixed(1)} s`,
    );
    await runBootstrap(
      {
        endpoint: node.url,
        username: "bench",
        password: "bench",
        settings: {
          writerRole: "bench",
          writerBackendRoles: [],
          indexPrefixes: [AGENT_INDEX_PREFIX, FORWARDER_INDEX_PREFIX],
          retentionDays: 1,
          replicas: 0,
          ismPolicyId: "bench",
        },
      },
      { missingPlugins: "report", log: () => undefined },
    );

    // _bulk throughput.
    const { bodies, documents, index } = forwarderBodies();
    const sizes = bodies.map((b) => Buffer.byteLength(b));
    console.log(
      `bulk: ${bodies.length} forwarder bodies of ${(Math.max(...sizes) / MIB).toFixed(2)} MiB max, ${documents} documents per round`,
    );
    const docsPerSecond: number[] = [];
    const mibPerSecond: number[] = [];
    for (let round = 0; round <= rounds; round++) {
      const target = `${FORWARDER_INDEX_PREFIX}-bench-${round}`;
      for (const body of bodies) {
        const b = body.split(`"_index":"${index}"`).join(`"_index":"${target}"`);
        const items = (b.match(/\n/g) ?? []).length / 2;
        const t0 = process.hrtime.bigint();
        await bulk(client, b);
        const s = Number(process.hrtime.bigint() - t0) / 1e9;
        // Round 0 warms the JIT and creates the first index: not counted.
        if (round > 0) {
          docsPerSecond.push(items / s);
          mibPerSecond.push(Buffer.byteLength(b) / MIB / s);
        }
      }
      await client.indices.delete({ index: target });
    }
    console.log(`bulk documents/s per 5 MiB request: ${spread(docsPerSecond)}`);
    console.log(`bulk MiB/s per 5 MiB request: ${spread(mibPerSecond, 2)}`);

    // Bytes on disk per document, after a force-merge.
    const perDoc: Record<string, number[]> = { cwl: [], testappec2log: [], richPolicy: [], richDynamic: [] };
    for (let rep = 0; rep < 3; rep++) {
      const cwl = `${FORWARDER_INDEX_PREFIX}-disk-${rep}`;
      for (const body of bodies)
        await bulk(client, body.split(`"_index":"${index}"`).join(`"_index":"${cwl}"`));
      perDoc.cwl.push(await storePerDocument(client, cwl));
      const agent = `${AGENT_INDEX_PREFIX}-disk-${rep}`;
      await bulk(client, agentBody(agent, 50_000, 7 + rep));
      perDoc.testappec2log.push(await storePerDocument(client, agent));
      const rich = `${FORWARDER_INDEX_PREFIX}-rich-${rep}`;
      await bulk(client, richBody(rich, 20_000, 11 + rep));
      perDoc.richPolicy.push(await storePerDocument(client, rich));
      const dynamic = `bench-dynamic-${rep}`;
      await client.indices.create({
        index: dynamic,
        body: {
          settings: { number_of_shards: 1, number_of_replicas: 0 },
          mappings: { properties: DECLARED_FIELDS },
        },
      });
      await bulk(client, richBody(dynamic, 20_000, 11 + rep));
      perDoc.richDynamic.push(await storePerDocument(client, dynamic));
      await client.indices.delete({ index: [cwl, agent, rich, dynamic] });
    }
    console.log(
      `bytes on disk per document, cwl (forwarder documents, ${documents} per index): ${spread(perDoc.cwl, 1)}`,
    );
    console.log(
      `bytes on disk per document, testappec2log (agent documents, 50000 per index): ${spread(perDoc.testappec2log, 1)}`,
    );
    console.log(
      `bytes on disk per document, JSON logs with 6 undeclared keys (one an object of 3), template (dynamic: false): ${spread(perDoc.richPolicy, 1)}`,
    );
    console.log(
      `bytes on disk per document, the same under dynamic mapping (every key indexed): ${spread(perDoc.richDynamic, 1)}`,
    );

    // Time from _bulk return to searchable.
    const delays: number[] = [];
    const refreshIndex = `${FORWARDER_INDEX_PREFIX}-refresh`;
    for (let i = 0; i < samples; i++) {
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 1000)));
      const id = `r${i}`;
      await bulk(
        client,
        `{"index":{"_index":"${refreshIndex}","_id":"${id}"}}\n{"@id":"${id}","user":"refresh"}\n`,
      );
      const t0 = process.hrtime.bigint();
      for (;;) {
        const res = await client.search({
          index: refreshIndex,
          body: { query: { term: { "@id": id } }, size: 0 },
        });
        if ((res.body as any).hits.total.value > 0) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      delays.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    console.log(`ms from _bulk return to searchable (refresh_interval 1 s): ${spread(delays)}`);
  } finally {
    await node.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
