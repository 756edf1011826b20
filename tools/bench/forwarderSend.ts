/**
 * The forwarder end to end against a loopback `_bulk` fake (its own process, see fakeBulk.ts)
 * that answers 413 above a byte limit, as OpenSearch Service does above its HTTP payload quota:
 * documents written, lost and duplicated for a batch of about 1 MB gzip. Run:
 * `npm run bench:forwarder-send -- [--limit-mib 10] [--bulk-max-bytes N]`
 *
 * By default the forwarder splits at its default (8 MiB) under the fake's 10 MiB, so no request
 * is answered 413. `--limit-mib 10 --bulk-max-bytes 67108864` makes the forwarder send bodies of
 * up to 64 MiB that the fake refuses, which exercises the split-on-413 path.
 */
import type { BulkClient } from "../../components/speed/forwarder/bulk";
import { DEFAULT_BULK_MAX_BYTES } from "../../components/speed/forwarder/bulk";
import { createHandler } from "../../components/speed/forwarder/handler";
import { CommandSpec, ParsedArgs, UsageError, parseCommandLine, runCommand } from "../cli";
import { startFakeBulk } from "./fakeBulk";
import { realisticEvent } from "./forwarder";

const MIB = 1024 * 1024;

export const BENCH_FORWARDER_SEND_COMMAND: CommandSpec = {
  command: "npm run bench:forwarder-send --",
  summary:
    "The forwarder end to end against a loopback _bulk fake that answers 413 above a byte limit: documents " +
    "written, lost and duplicated for a batch of about 1 MB gzip.",
  options: {
    "limit-mib": {
      type: "string",
      value: "N",
      description: "the fake's request size limit in MiB (default 10)",
    },
    "bulk-max-bytes": {
      type: "string",
      value: "N",
      description: `the forwarder's largest request body (default ${DEFAULT_BULK_MAX_BYTES})`,
    },
  },
};

/** A positive number option, or its default. */
export function positiveOption(values: ParsedArgs["values"], name: string, fallback: number): number {
  const raw = values[name] as string | undefined;
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} is ${raw}; give a positive number.`);
  return n;
}

async function main(): Promise<number> {
  const { values } = parseCommandLine(BENCH_FORWARDER_SEND_COMMAND, process.argv.slice(2));
  const limit = positiveOption(values, "limit-mib", 10) * MIB;
  const maxBytes = positiveOption(values, "bulk-max-bytes", DEFAULT_BULK_MAX_BYTES);
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
  return 0;
}

if (require.main === module) runCommand("bench:forwarder-send", main);
