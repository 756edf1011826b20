import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  Cadence,
  HANDS_ON_CADENCE,
  createRandom,
  eventsForTick,
  formatLine,
  formatTimestamp,
  simulateLines,
  ticksBetween,
} from "../../../components/network/generator/lines";
import { spawn } from "child_process";
import * as crypto from "crypto";
import { PassThrough } from "stream";
import {
  DaemonDeps,
  appendLines,
  daemonStep,
  parseArgs,
  printLines,
} from "../../../components/network/generator/main";
import { bundleScript } from "../../../components/shared/bundle";
import {
  LOG_LEVELS,
  LOG_LINE_REGEX,
  parseLogLine,
  parseLogTimestamp,
} from "../../../components/shared/logformat";

const MINUTE = 60_000;
const T0 = Date.UTC(2019, 5, 20, 0, 0, 0); // a burst boundary (multiple of 10 minutes)

describe("log generator", () => {
  describe("line format", () => {
    it("writes JST with the offset and no T", () => {
      assert.strictEqual(formatTimestamp(Date.UTC(2019, 5, 20, 12, 34, 56)), "2019-06-20 21:34:56+0900");
      assert.strictEqual(formatTimestamp(Date.UTC(2019, 11, 31, 15, 0, 1)), "2020-01-01 00:00:01+0900");
    });

    it("formats one event exactly as the hands-on did", () => {
      const line = formatLine({
        time: Date.UTC(2019, 5, 20, 3, 4, 5),
        level: "ERROR",
        host: "prd-db02",
        user: "uehara",
        number: 1001,
        text: "This is ERROR.",
      });
      assert.strictEqual(line, "[2019-06-20 12:04:05+0900] ERROR prd-db02 uehara 1001 [This is ERROR.]");
    });

    it("every generated line parses with the hands-on regex into the six fields", () => {
      const lines = simulateLines(5000, T0, HANDS_ON_CADENCE, createRandom(7));
      assert.strictEqual(lines.length, 5000);
      for (const line of lines) {
        assert.match(line, LOG_LINE_REGEX);
        const f = parseLogLine(line);
        assert.ok(f, line);
        assert.ok((LOG_LEVELS as readonly string[]).includes(f.alarmlevel), line);
        assert.match(f.host, /^prd-(db|web|ap)\d+$/);
        assert.match(f.user, /^[a-z]+$/);
        assert.match(f.number, /^\d{4}$/);
        assert.match(f.text, /^This is \w+\.$/);
        assert.ok(parseLogTimestamp(f.timestamp) !== undefined, f.timestamp);
      }
    });

    it("round-trips the timestamp: the parsed event time is the generated instant", () => {
      const events = eventsForTick({ at: T0 + 7 * MINUTE, kind: "regular", lines: 3 }, createRandom(1));
      for (const e of events) {
        const f = parseLogLine(formatLine(e));
        assert.strictEqual(parseLogTimestamp(f!.timestamp), T0 + 7 * MINUTE);
      }
    });
  });

  describe("cadence", () => {
    it("follows the hands-on: 10 lines every 2 minutes and 300 ERROR lines every 10 minutes", () => {
      const hour = ticksBetween(T0, T0 + 60 * MINUTE, HANDS_ON_CADENCE);
      const regular = hour.filter((t) => t.kind === "regular");
      const bursts = hour.filter((t) => t.kind === "burst");
      assert.strictEqual(regular.length, 30);
      assert.ok(regular.every((t) => t.lines === 10 && (t.at - T0) % (2 * MINUTE) === 0));
      assert.deepStrictEqual(
        bursts.map((t) => (t.at - T0) / MINUTE),
        [10, 20, 30, 40, 50, 60],
      );
      assert.ok(bursts.every((t) => t.lines === 300));
    });

    it("bursts are all ERROR and trip an alarm of ≥ 50 per minute; regular minutes never do", () => {
      const random = createRandom(3);
      const perMinute = new Map<number, number>();
      for (const tick of ticksBetween(T0, T0 + 6 * 60 * MINUTE, HANDS_ON_CADENCE)) {
        const events = eventsForTick(tick, random);
        if (tick.kind === "burst") assert.ok(events.every((e) => e.level === "ERROR"));
        const minute = Math.floor(tick.at / MINUTE);
        perMinute.set(
          minute,
          (perMinute.get(minute) ?? 0) + events.filter((e) => e.level === "ERROR").length,
        );
      }
      for (const [minute, errors] of perMinute) {
        const isBurstMinute = (minute * MINUTE - T0) % (10 * MINUTE) === 0;
        assert.strictEqual(errors >= 50, isBurstMinute, `minute ${minute}: ${errors} ERROR lines`);
      }
    });

    it("contiguous windows see every tick exactly once (no double fire after a restart)", () => {
      const whole = ticksBetween(T0, T0 + 30 * MINUTE, HANDS_ON_CADENCE);
      const pieces = [0, 1, 7, 13, 20, 30].reduce<{ prev: number; ticks: typeof whole }>(
        (acc, m) => ({
          prev: T0 + m * MINUTE,
          ticks: [...acc.ticks, ...ticksBetween(acc.prev, T0 + m * MINUTE, HANDS_ON_CADENCE)],
        }),
        { prev: T0, ticks: [] },
      ).ticks;
      assert.deepStrictEqual(pieces, whole);
    });

    it("honours configurable rates and turns bursts off with interval 0", () => {
      const c: Cadence = {
        linesPerInterval: 3,
        intervalSeconds: 30,
        burstLines: 100,
        burstIntervalSeconds: 0,
      };
      const ticks = ticksBetween(T0, T0 + 5 * MINUTE, c);
      assert.strictEqual(ticks.length, 10);
      assert.ok(ticks.every((t) => t.kind === "regular" && t.lines === 3));
    });

    it("is deterministic for a seed", () => {
      assert.deepStrictEqual(
        simulateLines(50, T0, HANDS_ON_CADENCE, createRandom(42)),
        simulateLines(50, T0, HANDS_ON_CADENCE, createRandom(42)),
      );
    });
  });

  describe("command line", () => {
    it("parses the print mode with defaults", () => {
      assert.deepStrictEqual(parseArgs(["--lines", "5"], 9), {
        mode: { kind: "print", lines: 5 },
        cadence: HANDS_ON_CADENCE,
        seed: 9,
      });
    });

    it("takes --flag=value as --flag value", () => {
      assert.deepStrictEqual(
        parseArgs(["--lines=5", "--seed=9"]),
        parseArgs(["--lines", "5", "--seed", "9"]),
      );
    });

    it("parses the file mode with a custom cadence", () => {
      const o = parseArgs([
        "--file",
        "/tmp/x.log",
        "--burst-lines",
        "60",
        "--interval-seconds",
        "30",
        "--seed",
        "1",
      ]);
      assert.deepStrictEqual(o.mode, { kind: "file", path: "/tmp/x.log", maxBytes: 50 * 1024 * 1024 });
      assert.strictEqual(o.cadence.burstLines, 60);
      assert.strictEqual(o.cadence.intervalSeconds, 30);
    });

    const bad: [string[], RegExp][] = [
      [[], /give exactly one of --lines and --file/],
      [["--lines", "3", "--file", "x"], /give exactly one of --lines and --file/],
      [["--lines", "-1"], /--lines is "-1"; it must be an integer of at least 0/],
      [["--lines"], /--lines needs a value/],
      [["--lines", "--seed", "1"], /--lines needs a value/],
      [
        ["--interval-seconds", "0", "--lines", "1"],
        /--interval-seconds is "0"; it must be an integer of at least 1/,
      ],
      [["--speed", "2"], /unknown option --speed\. usage: npm run -s generate --/],
      [["lines"], /unexpected argument "lines"\. usage: npm run -s generate --/],
      [["--lines=x"], /--lines is "x"; it must be an integer of at least 0/],
    ];
    for (const [argv, message] of bad) {
      it(`rejects ${JSON.stringify(argv)} with a clear message`, () => {
        assert.throws(() => parseArgs(argv), message);
      });
    }

    it("npm run generate -- --lines N prints N parseable lines and exits", () => {
      const root = path.join(__dirname, "..", "..", "..");
      const out = execFileSync(
        process.execPath,
        ["-r", "esbuild-register", "components/network/generator/main.ts", "--lines", "25", "--seed", "3"],
        { cwd: root, encoding: "utf8" },
      );
      const lines = out.trimEnd().split("\n");
      assert.strictEqual(lines.length, 25);
      assert.ok(lines.every((l) => LOG_LINE_REGEX.test(l)));
    });
  });

  describe("log file", () => {
    it("appends lines and rotates to .1 past the size limit", () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gen-"));
      const file = path.join(dir, "app.log");
      try {
        appendLines(file, ["a".repeat(600)], 1024);
        appendLines(file, ["b".repeat(600)], 1024);
        assert.strictEqual(fs.readFileSync(file, "utf8"), `${"a".repeat(600)}\n${"b".repeat(600)}\n`);
        appendLines(file, ["c"], 1024);
        assert.strictEqual(fs.readFileSync(file, "utf8"), "c\n");
        assert.strictEqual(fs.readFileSync(`${file}.1`, "utf8").length, 1202);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("output format", () => {
    it("streams exactly the lines the previous in-memory implementation printed", async () => {
      // sha256 of simulateLines(20000, T0, HANDS_ON_CADENCE, createRandom(5)) joined with "\n" plus a
      // final newline, computed with the implementation before streaming: the format is unchanged.
      const out = new PassThrough();
      const hash = crypto.createHash("sha256");
      out.on("data", (d: Buffer) => hash.update(d));
      await printLines(20000, T0, HANDS_ON_CADENCE, createRandom(5), out);
      out.end();
      assert.strictEqual(
        hash.digest("hex"),
        "7bbab2e35883983a27e2a04534fa043905f82a1293c4973685e82c9910df31eb",
      );
    });

    it("--lines 2000000 streams in bounded memory (a 24 MB heap, under 200 MB resident)", async function () {
      this.timeout(300_000);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gen-stream-"));
      try {
        const bundle = path.join(dir, "generate.js");
        fs.writeFileSync(bundle, bundleScript("components/network/generator/main.ts", { minify: true }));
        const rss = path.join(dir, "rss");
        const probe = path.join(dir, "probe.js");
        fs.writeFileSync(
          probe,
          `process.on("exit", () => require("fs").writeFileSync(${JSON.stringify(rss)}, String(process.resourceUsage().maxRSS)));`,
        );
        const child = spawn(
          process.execPath,
          ["--max-old-space-size=24", "-r", probe, bundle, "--lines", "2000000", "--seed", "1"],
          {
            stdio: ["ignore", "pipe", "pipe"],
          },
        );
        let newlines = 0;
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => {
          for (let i = d.indexOf(10); i !== -1; i = d.indexOf(10, i + 1)) newlines++;
        });
        child.stderr.on("data", (d) => (stderr += d));
        const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
        assert.strictEqual(code, 0, stderr);
        assert.strictEqual(newlines, 2_000_000);
        const maxRssKiB = Number(fs.readFileSync(rss, "utf8"));
        assert.ok(maxRssKiB < 200 * 1024, `peak resident memory ${maxRssKiB} KiB`);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("service", () => {
    const cadence: Cadence = {
      linesPerInterval: 2,
      intervalSeconds: 60,
      burstLines: 0,
      burstIntervalSeconds: 0,
    };
    function harness(times: number[]) {
      const written: string[] = [];
      const reports: string[] = [];
      let fail = false;
      const deps: DaemonDeps = {
        now: () => times.shift() as number,
        report: (m) => reports.push(m),
        append: (_p, lines) => {
          if (fail && lines.length)
            throw Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" });
          written.push(...lines);
        },
      };
      return { deps, written, reports, setFail: (f: boolean) => (fail = f) };
    }

    it("never repeats a tick when the wall clock steps back 300 s", () => {
      const times = [
        T0 + 3 * MINUTE,
        T0 + 3 * MINUTE - 300_000,
        T0 + 2 * MINUTE,
        T0 + 3 * MINUTE,
        T0 + 4 * MINUTE,
      ];
      const h = harness(times);
      let last = T0;
      for (let i = 0; i < 5; i++) last = daemonStep(last, "/x", 1 << 20, cadence, createRandom(1), h.deps);
      const stamps = h.written.map((l) => l.slice(1, 25));
      // Ticks at +1, +2, +3 minutes (first step), nothing while the clock is behind, then +4.
      assert.strictEqual(h.written.length, 8);
      assert.deepStrictEqual(
        [...new Set(stamps)],
        [1, 2, 3, 4].map((m) => formatTimestamp(T0 + m * MINUTE)),
      );
    });

    it("reports a failed write with the lines lost and keeps running", () => {
      const h = harness([T0 + MINUTE, T0 + 2 * MINUTE]);
      h.setFail(true);
      let last = daemonStep(T0, "/var/log/app.log", 1 << 20, cadence, createRandom(1), h.deps);
      assert.deepStrictEqual(h.reports, [
        "generator: cannot append 2 line(s) to /var/log/app.log (EACCES); they are lost, retrying at the next tick.",
      ]);
      h.setFail(false);
      last = daemonStep(last, "/var/log/app.log", 1 << 20, cadence, createRandom(1), h.deps);
      assert.strictEqual(last, T0 + 2 * MINUTE);
      assert.strictEqual(h.written.length, 2);
    });

    it("the real service keeps running on an unwritable --file and says why", async function () {
      this.timeout(60_000);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gen-bad-"));
      try {
        const bundle = path.join(dir, "generate.js");
        fs.writeFileSync(bundle, bundleScript("components/network/generator/main.ts", { minify: true }));
        // The log file is a directory: every append fails with EISDIR.
        const target = path.join(dir, "app.log");
        fs.mkdirSync(target);
        const child = spawn(
          process.execPath,
          [
            bundle,
            "--file",
            target,
            "--interval-seconds",
            "1",
            "--lines-per-interval",
            "1",
            "--burst-interval-seconds",
            "0",
          ],
          { stdio: ["ignore", "pipe", "pipe"] },
        );
        let stderr = "";
        child.stderr.on("data", (d) => (stderr += d));
        await new Promise((resolve) => setTimeout(resolve, 3500));
        assert.strictEqual(child.exitCode, null, `the service stopped: ${stderr}`);
        child.kill("SIGTERM");
        const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
        assert.strictEqual(code, 0);
        assert.match(
          stderr,
          /^generator: cannot append 1 line\(s\) to .*app\.log \(EISDIR\); they are lost, retrying at the next tick\.$/m,
        );
        assert.ok(stderr.trim().split("\n").length >= 2, stderr);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
