import * as assert from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { HANDS_ON_CADENCE } from "../../components/network/generator/lines";
import { athenaNamedQueries } from "../../components/batch/queries";
import { ConfigError, PlatformConfig, parseConfig } from "../../stacks/config";
import {
  DEFAULT_DECLARED_PEAK_FACTOR,
  Workload,
  cadenceEventsPerSecond,
  cadencePeakFactor,
  generatorEventBytes,
  resolveWorkload,
} from "../../stacks/workload";
import { LOAD_TEST_MULTIPLE } from "../../tools/bench/load";
import { firehoseQuota, openSearchInstance } from "../../tools/sizing/limits";
import { GLUE_LOCAL, OPENSEARCH } from "../../tools/sizing/measured";
import { exampleAppSchema } from "../components/queries/genericInput";
import { HANDS_ON_SCHEMA } from "../../components/shared/schema";
import {
  NAMED_QUERY_DAYS,
  namedQueryDays,
  WARN_AT,
  breakingMultiple,
  cronIntervalSeconds,
  glueRunSeconds,
  level,
  openSearchUsableGiB,
  sizeStack,
} from "../../tools/sizing/model";
import { failureSentence, verdict } from "../../tools/sizing/report";
import { usageCost } from "../../tools/sizing/usage";
import { loadPrices } from "../../tools/offline/cost";

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;
const ROOT = path.join(__dirname, "..", "..");

/** dev-like config with overrides per section. */
function config(overrides: Record<string, Record<string, unknown>> = {}): PlatformConfig {
  return parseConfig({
    speed: {
      instanceType: "r7g.large.search",
      instanceCount: 3,
      availabilityZoneCount: 3,
      volumeSizeGiB: 1000,
      indexRetentionDays: 9,
      ...overrides.speed,
    },
    lake: { athenaBytesScannedCutoffMiB: 4096, ...overrides.lake },
    etl: {
      schedule: "cron(15 * * * ? *)",
      workerType: "G.1X",
      numberOfWorkers: 3,
      timeoutMinutes: 60,
      ...overrides.etl,
    },
    quotas: { ...overrides.quotas },
    generator: { ...overrides.generator },
  });
}

/** 100 events/s of 500 bytes, peak ×2, all indexed, no agent: round numbers to compute by hand. */
const WORKLOAD: Workload = {
  eventsPerSecond: 100,
  peakFactor: 2,
  eventBytes: 500,
  speedShare: 1,
  agentEventsPerSecond: 0,
  origin: "declared",
};

const check = (id: string, c = config(), w = WORKLOAD) => {
  const found = sizeStack({ config: c, workload: w, region: "ap-northeast-1" }).checks.find(
    (x) => x.id === id,
  );
  assert.ok(found, `no check ${id}`);
  return found;
};

describe("capacity model", () => {
  describe("the declared workload (stacks/workload.ts)", () => {
    it("derives the hands-on's rate and peak from the generator's cadence", () => {
      // 10 lines / 120 s + 300 lines / 600 s; the busiest minute holds one tick of each: 310 lines.
      assert.ok(Math.abs(cadenceEventsPerSecond(HANDS_ON_CADENCE) - 0.58333) < 1e-4);
      assert.ok(Math.abs(cadencePeakFactor(HANDS_ON_CADENCE) - 310 / 60 / (0.5 + 10 / 120)) < 1e-9);
      // 50 lines every 20 s: three ticks in a minute, 150 lines, 2.5/s against 2.5/s.
      assert.strictEqual(
        cadencePeakFactor({
          linesPerInterval: 50,
          intervalSeconds: 20,
          burstLines: 0,
          burstIntervalSeconds: 0,
        }),
        1,
      );
    });

    it("takes the generator's workload when none is declared, the declared one otherwise", () => {
      const generator = { ...HANDS_ON_CADENCE };
      const derived = resolveWorkload({ speedShare: 1 }, generator);
      assert.strictEqual(derived.origin, "generator");
      assert.strictEqual(derived.eventBytes, generatorEventBytes());
      assert.strictEqual(derived.agentEventsPerSecond, derived.eventsPerSecond);
      const declared = resolveWorkload(
        { eventsPerSecond: 1000, eventBytes: 400, speedShare: 0.5 },
        generator,
      );
      assert.deepStrictEqual(
        { ...declared },
        {
          eventsPerSecond: 1000,
          peakFactor: DEFAULT_DECLARED_PEAK_FACTOR,
          eventBytes: 400,
          speedShare: 0.5,
          agentEventsPerSecond: cadenceEventsPerSecond(HANDS_ON_CADENCE),
          origin: "declared",
        },
      );
      const off = resolveWorkload({ eventsPerSecond: 10, speedShare: 1 }, { ...generator, enabled: false });
      assert.strictEqual(off.agentEventsPerSecond, 0);
      // npm run size's overrides: with the generator as the only source, its agent carries the new rate.
      const scaled = resolveWorkload({ speedShare: 1 }, generator, { eventsPerSecond: 583, eventBytes: 200 });
      assert.strictEqual(scaled.agentEventsPerSecond, 583);
      assert.strictEqual(scaled.eventBytes, 200);
    });

    it("the generator's record is the agent's JSON of a hands-on line (about 135 bytes)", () => {
      assert.ok(generatorEventBytes() > 120 && generatorEventBytes() < 150, String(generatorEventBytes()));
    });

    it("rejects a bad workload with the key, the value and the range", () => {
      assert.throws(
        () => parseConfig({ workload: { eventsPerSecond: -1 } }),
        (e: ConfigError) =>
          /datalake:workload\.eventsPerSecond is -1: Number must be greater than 0/.test(e.message),
      );
      assert.throws(
        () => parseConfig({ quotas: { firehoseMiBPerSeconds: 5 } }),
        (e: ConfigError) => /datalake:quotas has unknown key\(s\) "firehoseMiBPerSeconds"/.test(e.message),
      );
    });

    it("the load test runs at 1000x the hands-on's rate", () => {
      assert.strictEqual(Math.round(LOAD_TEST_MULTIPLE * 1e9) / 1e9, 1000);
    });
  });

  describe("pure rules", () => {
    it("reduces Glue cron schedules to their interval", () => {
      const table: [string, number | undefined][] = [
        ["cron(15 * * * ? *)", 3600],
        ["cron(0 3 * * ? *)", 86_400],
        ["cron(0/15 * * * ? *)", 900],
        ["cron(*/5 * * * ? *)", 300],
        ["cron(0 */6 * * ? *)", 21_600],
        ["cron(0 1,13 * * ? *)", 43_200],
        ["cron(0 2,4 * * ? *)", 79_200],
        ["cron(0 3 ? * MON *)", undefined],
        ["rate(1 hour)", undefined],
      ];
      for (const [schedule, seconds] of table)
        assert.strictEqual(cronIntervalSeconds(schedule), seconds, schedule);
    });

    it("counts usable OpenSearch storage after Linux's 5 %, the service's 20 % (at most 20 GiB) and the alarm's share", () => {
      assert.strictEqual(openSearchUsableGiB(10, 25), 9.5 - 2 - 2.5);
      assert.ok(Math.abs(openSearchUsableGiB(768, 25) - (729.6 - 20 - 192)) < 1e-9);
      assert.strictEqual(openSearchUsableGiB(10, 99), 0);
    });

    it("knows the vCPUs and memory of OpenSearch instance types", () => {
      assert.deepStrictEqual(openSearchInstance("t3.small.search"), { vcpu: 2, memoryGiB: 2 });
      assert.deepStrictEqual(openSearchInstance("r7g.large.search"), { vcpu: 2, memoryGiB: 16 });
      assert.deepStrictEqual(openSearchInstance("m6g.2xlarge.search"), { vcpu: 8, memoryGiB: 32 });
      assert.strictEqual(openSearchInstance("x9.weird.search"), undefined);
    });

    it("uses the region's Firehose quota unless the account's granted one is set", () => {
      assert.deepStrictEqual(firehoseQuota("ap-northeast-1", {}), {
        mibPerSecond: 1,
        recordsPerSecond: 100_000,
        requestsPerSecond: 1000,
      });
      assert.strictEqual(firehoseQuota("us-east-1", {}).mibPerSecond, 5);
      assert.strictEqual(firehoseQuota("ap-northeast-1", { firehoseMiBPerSecond: 4 }).mibPerSecond, 4);
    });

    it("prices a format of its own by the generic queries' partitions (days back and today)", () => {
      const web = exampleAppSchema();
      assert.deepStrictEqual(namedQueryDays(web), {
        "events-per-hour": 2,
        "events-per-keyword": 8,
        "latest-events": 2,
      });
      assert.deepStrictEqual(namedQueryDays({ ...web, keywordField: undefined }), {
        "events-per-hour": 2,
        "latest-events": 2,
      });
      assert.strictEqual(namedQueryDays(HANDS_ON_SCHEMA), NAMED_QUERY_DAYS);
    });

    it("names every hands-on query it prices", () => {
      assert.deepStrictEqual(
        Object.keys(NAMED_QUERY_DAYS).sort(),
        athenaNamedQueries("db", "t")
          .map((q) => q.key)
          .sort(),
      );
    });
  });

  describe("stages, computed by hand for 100 events/s of 500 bytes, peak ×2", () => {
    it("OpenSearch storage: 10 days (9 + today) of cwl-* with 2 replicas against 3 nodes' usable GiB", () => {
      const c = check("opensearch.storage");
      const daily = (100 * 86_400 * 500 * OPENSEARCH.cwlBytesPerEventByte) / GIB;
      assert.ok(Math.abs(c.demand - daily * 10 * 3) < 1e-9);
      assert.strictEqual(c.capacity, 3 * (950 - 20 - 250));
      assert.strictEqual(c.configKey, "datalake:speed.volumeSizeGiB");
    });

    it("OpenSearch shards per node and indexing at the peak with replicas", () => {
      const shards = check("opensearch.shards");
      assert.strictEqual(shards.demand, (1 * 10 * 3) / 3);
      assert.strictEqual(shards.capacity, 25 * 8); // r7g.large: 16 GiB, heap 8 GiB
      const indexing = check("opensearch.indexing");
      assert.strictEqual(indexing.demand, 100 * 2 * 3);
      assert.strictEqual(indexing.capacity, 3 * 2 * OPENSEARCH.docsPerSecondPerVcpu);
    });

    it("Firehose: MiB/s, records/s and requests/s at the peak against Tokyo's Direct PUT quota", () => {
      assert.strictEqual(check("firehose.bytes").demand, (200 * 501) / MIB);
      assert.strictEqual(check("firehose.bytes").capacity, 1);
      assert.strictEqual(check("firehose.records").demand, 200);
      assert.strictEqual(check("firehose.requests").demand, 0.4); // 200 records/s in batches of 500
    });

    it("Glue: an hour of events over (workers - 1) × 4 vCPUs at the measured rate per core, plus the fixed start", () => {
      const c = check("glue.runTime");
      const expected =
        GLUE_LOCAL.fixedSeconds.value + 360_000 / (GLUE_LOCAL.eventsPerSecondPerCore.value * 8);
      assert.ok(Math.abs(c.demand - expected / 60) < 1e-9);
      assert.strictEqual(c.capacity, 60);
      assert.strictEqual(glueRunSeconds(0, "G.2X", 2), GLUE_LOCAL.fixedSeconds.value);
    });

    it("a format of its own: Glue at the web-service format's measured rate and fixed time, S3 and Athena at its bytes", () => {
      // The dev-like config with the example stack's format (which needs the generator off and a source).
      const web = exampleAppSchema();
      const base = config();
      const formatConfig = parseConfig({
        speed: base.speed,
        lake: base.lake,
        etl: base.etl,
        generator: { enabled: false },
        sources: { logGroups: ["/ecs/web-service/api"] },
        workload: { eventsPerSecond: 100 },
        format: web,
      });
      const glue = check("glue.runTime", formatConfig);
      // An hour of 100 events/s on 2 executors × 4 vCPUs: 13.5 s + 360,000 / (12,794 × 8) = 17.0173 s.
      assert.ok(Math.abs(glue.demand - (13.5 + 360_000 / (12_794 * 8)) / 60) < 1e-9);
      assert.ok(Math.abs(glue.demand * 60 - 17.0173) < 1e-4);
      assert.match(
        glue.source,
        /^npm run bench:glue -- --format example-app --lines 1000000 \(CPU 96\.3 s, median\)/,
      );
      assert.strictEqual(glueRunSeconds(0, "G.1X", 2, web), 13.5);
      // The hands-on's stack keeps the hands-on's measurement.
      assert.ok(Math.abs(check("glue.runTime").demand - (117.4 + 360_000 / (12_159 * 8)) / 60) < 1e-9);
      // 8 days of raw gzip: 100 records/s of 501 B, 26.0 B of gzip per 194.3 B of JSON.
      const athena = check("athena.cutoff", formatConfig);
      assert.ok(Math.abs(athena.demand - (100 * 501 * 86_400 * (26.0 / 194.3) * 8) / MIB) < 1e-6);
      assert.ok(Math.abs(athena.demand - 4419.2) < 0.1);
      // Curated Parquet over the default 730 days: 39.2 B per 194.3 B of JSON.
      const s = sizeStack({ config: formatConfig, workload: WORKLOAD, region: "ap-northeast-1" });
      const curated = s.figures.find((f) => f.what === "curated zone (Parquet), Standard");
      assert.ok(curated);
      assert.ok(Math.abs(curated.value - (100 * 501 * 86_400 * (39.2 / 194.3) * 730) / 1e9) < 1e-9);
    });

    it("agent: minutes of a destination outage its 1 GiB buffer rides out, a guideline", () => {
      const c = check("agent.buffer", config(), { ...WORKLOAD, agentEventsPerSecond: 100 });
      assert.strictEqual(c.capacity, GIB / (100 * 500) / 60);
      assert.strictEqual(c.advisory, true);
    });

    it("a linear check breaks at capacity / demand times the volume", () => {
      const input = { config: config(), workload: WORKLOAD, region: "ap-northeast-1" };
      const c = check("firehose.bytes");
      assert.ok(Math.abs(breakingMultiple(input, "firehose.bytes") - c.capacity / c.demand) < 1e-6);
      assert.strictEqual(breakingMultiple(input, "forwarder.memory"), Infinity);
    });
  });

  describe("the verdict", () => {
    it("fails a stage over its capacity with one sentence naming the stage and the key; warns from 80 %", () => {
      const small = config({ speed: { volumeSizeGiB: 20 } });
      const s = sizeStack({ config: small, workload: WORKLOAD, region: "ap-northeast-1" });
      const v = verdict(s);
      const storage = v.failures.find((c) => c.id === "opensearch.storage");
      assert.ok(storage);
      const sentence = failureSentence("zz", storage);
      assert.match(
        sentence,
        /^Stack "zz" cannot hold its declared workload at the OpenSearch stage: .* set datalake:speed\.volumeSizeGiB \(/,
      );
      assert.strictEqual(sentence.split("\n").length, 1);
      assert.strictEqual(sentence.match(/\. /g), null); // one sentence
      const near = { ...check("firehose.bytes"), demand: WARN_AT, capacity: 1 };
      assert.strictEqual(level(near), "warn");
      assert.strictEqual(level({ ...near, demand: 0.79 }), "ok");
      assert.strictEqual(level({ ...near, demand: 2, advisory: true }), "warn");
    });

    it("raising the volume, or shortening a retention's room, turns a held stack into a failing one", () => {
      const held = verdict(sizeStack({ config: config(), workload: WORKLOAD, region: "ap-northeast-1" }));
      assert.deepStrictEqual(held.failures, []);
      const more = verdict(
        sizeStack({
          config: config(),
          workload: { ...WORKLOAD, eventsPerSecond: 5000 },
          region: "ap-northeast-1",
        }),
      );
      assert.ok(more.failures.some((c) => c.configKey === "datalake:quotas.firehoseMiBPerSecond"));
      const fewerWorkers = config({ etl: { numberOfWorkers: 2, timeoutMinutes: 1 } });
      const slow = verdict(sizeStack({ config: fewerWorkers, workload: WORKLOAD, region: "ap-northeast-1" }));
      assert.ok(
        slow.failures.some((c) => c.id === "glue.runTime" && c.configKey === "datalake:etl.numberOfWorkers"),
      );
    });
  });

  describe("usage cost", () => {
    it("bills Firehose records in 5 KB increments and sums every line", () => {
      const prices = loadPrices("ap-northeast-1");
      const s = sizeStack({ config: config(), workload: WORKLOAD, region: "ap-northeast-1" });
      const cost = usageCost(s, prices, 100);
      const firehose = cost.usage.find((l) => l.service === "Firehose")!;
      const records = 100 * 30 * 86_400;
      assert.ok(
        Math.abs(firehose.monthly - ((records * 5120) / 1e9) * prices.usage!.firehoseIngestGB) < 1e-6,
      );
      assert.match(firehose.item, /of 501 B billed as 5120 B/);
      assert.ok(Math.abs(cost.total - 100 - cost.usage.reduce((a, l) => a + l.monthly, 0)) < 1e-9);
      const cwl = cost.usage.find((l) => l.service === "CloudWatch Logs")!;
      assert.ok(Math.abs(cwl.monthly - ((records * 526) / 1e9) * 0.76) < 1e-6);
      assert.strictEqual(cwl.confirmed, true);
    });
  });
});

describe("npm run size (command line)", () => {
  const size = (args: string[]) =>
    spawnSync(process.execPath, ["-r", "esbuild-register", "tools/size.ts", ...args], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 120_000,
    });

  it("--help exits 0; an unknown flag or a bad number exits 2 with one sentence", () => {
    const help = size(["--help"]);
    assert.strictEqual(help.status, 0, help.stderr);
    assert.match(
      help.stdout,
      /^usage: npm run -s size -- <stack> \[--events-per-second N\] \[--event-bytes B\]/,
    );
    const unknown = size(["dev", "--bogus"]);
    assert.strictEqual(unknown.status, 2);
    assert.match(unknown.stderr, /^unknown option --bogus\. usage:/);
    const bad = size(["dev", "--event-bytes", "1.5"]);
    assert.strictEqual(bad.status, 2);
    assert.match(bad.stderr, /^--event-bytes is "1\.5"; give a whole number from 16 to 1048576\.\n$/);
  });
});
