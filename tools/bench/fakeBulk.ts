/**
 * A loopback stand-in for OpenSearch's `_bulk`, run as its own process (`fork`) so that its memory
 * and CPU are not counted with the forwarder's. It answers 413 to a body larger than `--limit`
 * bytes, as Amazon OpenSearch Service does above its HTTP payload quota, and 201 to every item
 * otherwise, and counts how often each `_id` was written.
 *
 * Protocol: sends `{ port }` once listening; answers the message `"stats"` with {@link FakeBulkStats}.
 */
import * as http from "http";
import { AddressInfo } from "net";
import { fork } from "child_process";

export interface FakeBulkStats {
  readonly requests: number;
  readonly answered413: number;
  /** Distinct `_id`s written. */
  readonly written: number;
  /** `_id`s written more than once. */
  readonly duplicated: number;
}

/** Starts the fake in a child process; resolves with its URL, a stats query and a stop function. */
export async function startFakeBulk(limitBytes: number): Promise<{
  url: string;
  stats: () => Promise<FakeBulkStats>;
  stop: () => void;
}> {
  const child = fork(__filename, ["--limit", String(limitBytes)], {
    execArgv: ["-r", "esbuild-register"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("message", (m) => resolve((m as { port: number }).port));
    child.once("exit", (code) => reject(new Error(`the fake _bulk server exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stats: () =>
      new Promise((resolve) => {
        child.once("message", (m) => resolve(m as FakeBulkStats));
        child.send("stats");
      }),
    stop: () => child.kill(),
  };
}

function serve(limit: number): void {
  const ids = new Map<string, number>();
  let requests = 0;
  let answered413 = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      // Past the limit the body is not kept: OpenSearch stops reading it too.
      if (size <= limit) chunks.push(c);
    });
    req.on("end", () => {
      requests++;
      if (size > limit) {
        answered413++;
        res.writeHead(413, { "content-type": "application/json" }).end('{"status":413}');
        return;
      }
      const lines = Buffer.concat(chunks).toString("utf8").split("\n");
      const items = [];
      for (let i = 0; i + 1 < lines.length; i += 2) {
        const id = (JSON.parse(lines[i]) as { index: { _id: string } }).index._id;
        JSON.parse(lines[i + 1]);
        ids.set(id, (ids.get(id) ?? 0) + 1);
        items.push({ index: { _id: id, status: 201 } });
      }
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ took: 1, errors: false, items }));
    });
  });
  server.listen(0, "127.0.0.1", () => process.send!({ port: (server.address() as AddressInfo).port }));
  process.on("message", () => {
    let duplicated = 0;
    for (const n of ids.values()) if (n > 1) duplicated++;
    const stats: FakeBulkStats = { requests, answered413, written: ids.size, duplicated };
    process.send!(stats);
  });
}

if (require.main === module) {
  const i = process.argv.indexOf("--limit");
  serve(i > 0 ? Number(process.argv[i + 1]) : Infinity);
}
