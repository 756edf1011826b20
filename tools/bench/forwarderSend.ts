/**
 * The forwarder end to end against a loopback `_bulk` fake that answers 413 above 10 MiB, as
 * OpenSearch Service does on small instance types: documents written, lost and duplicated for a
 * batch of about 1 MB gzip, and the process's peak RSS. Run:
 * `node --expose-gc -r ts-node/register/transpile-only tools/bench/forwarderSend.ts`
 */
import * as http from "http";
import { AddressInfo } from "net";
import type { BulkClient } from "../../components/speed/forwarder/bulk";
import { createHandler } from "../../components/speed/forwarder/handler";
import { realisticEvent } from "./forwarder";

const LIMIT = 10 * 1024 * 1024;

async function main(): Promise<void> {
  const { event, events } = realisticEvent(1_000_000);
  global.gc?.();
  const ids = new Map<string, number>();
  let requests = 0;
  let rejected413 = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      requests++;
      const body = Buffer.concat(chunks);
      if (body.length > LIMIT) {
        rejected413++;
        res.writeHead(413).end('{"status":413}');
        return;
      }
      const lines = body.toString("utf8").split("\n");
      const items = [];
      for (let i = 0; i + 1 < lines.length; i += 2) {
        const id = (JSON.parse(lines[i]) as { index: { _id: string } }).index._id;
        ids.set(id, (ids.get(id) ?? 0) + 1);
        items.push({ index: { _id: id, status: 201 } });
      }
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ errors: false, items }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A minimal client (the fake is on loopback, unsigned): POST /_bulk, 413 as the client's ResponseError does.
  const { Client } = await import("@opensearch-project/opensearch");
  const client = new Client({ node: url, maxRetries: 0, requestTimeout: 30_000 });
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const start = Date.now();
  const result = await createHandler({ client: client as unknown as BulkClient, log: () => undefined })(
    event,
    {
      getRemainingTimeInMillis: () => 300_000,
    },
  );
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  server.close();
  const duplicated = [...ids.values()].filter((n) => n > 1).length;
  console.log(
    `${events} events, ${((event.awslogs.data.length * 3) / 4 / 1e6).toFixed(2)} MB gzip: written ${result.written}, ` +
      `lost ${events - ids.size}, duplicated ${duplicated}, requests ${requests} (413: ${rejected413}), ` +
      `${Date.now() - start} ms, peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB`,
  );
}

void main();
