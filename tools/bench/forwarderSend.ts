/**
 * The forwarder end to end against a loopback `_bulk` fake (its own process, see fakeBulk.ts)
 * that answers 413 above a byte limit, as OpenSearch Service does above its HTTP payload quota:
 * documents written, lost and duplicated for a batch of about 1 MB gzip. Run:
 * `node -r ts-node/register/transpile-only tools/bench/forwarderSend.ts [--limit-mib 10] [--bulk-max-bytes N]`
 *
 * By default the forwarder splits at its default (8 MiB) under the fake's 10 MiB, so no request
 * is answered 413. `--limit-mib 10 --bulk-max-bytes 67108864` makes the forwarder send bodies of
 * up to 64 MiB that the fake refuses, which exercises the split-on-413 path.
 */
import type { BulkClient } from "../../components/speed/forwarder/bulk";
import { DEFAULT_BULK_MAX_BYTES } from "../../components/speed/forwarder/bulk";
import { createHandler } from "../../components/speed/forwarder/handler";
import { startFakeBulk } from "./fakeBulk";
import { realisticEvent } from "./forwarder";

const MIB = 1024 * 1024;

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main(): Promise<void> {
  const limit = option("--limit-mib", 10) * MIB;
  const maxBytes = option("--bulk-max-bytes", DEFAULT_BULK_MAX_BYTES);
  const { event, events } = realisticEvent(1_000_000);
  const fake = await startFakeBulk(limit);
  try {
    const { Client } = await import("@opensearch-project/opensearch");
    const client = new Client({ node: fake.url, maxRetries: 0, requestTimeout: 60_000 });
    const start = Date.now();
    const result = await createHandler({
      client: client as unknown as BulkClient,
      maxBytes,
      log: () => undefined,
    })(event, { getRemainingTimeInMillis: () => 300_000 });
    const ms = Date.now() - start;
    const s = await fake.stats();
    console.log(
      `${events} events, ${((event.awslogs.data.length * 3) / 4 / 1e6).toFixed(2)} MB gzip, fake limit ${limit / MIB} MiB, ` +
        `BULK_MAX_BYTES ${maxBytes}: written ${result.written} (fake: ${s.written}), lost ${events - s.written}, ` +
        `duplicated ${s.duplicated}, requests ${s.requests} (413: ${s.answered413}), ${ms} ms`,
    );
  } finally {
    fake.stop();
  }
}

main().catch((err: unknown) => {
  console.error((err as Error).message);
  process.exitCode = 1;
});
