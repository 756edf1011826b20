/**
 * Where `--out` and `--policy-json` write (tools/cli.ts writeTextFile, prepareOutputFile): a
 * regular file is replaced whole, a symbolic link is followed (and stays a link), an existing
 * named pipe is written into (never replaced), and a path on /proc is refused at once. Only temp
 * folders and named pipes made here are written; no device of the machine is touched.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { UsageError, prepareOutputFile, writeTextFile } from "../../tools/cli";

const ROOT = path.join(__dirname, "..", "..");

/** Runs `call` of tools/cli.ts in a child process, so a hang is a timeout, not a stuck suite. */
function inChild(call: string, timeoutMs = 15_000) {
  const started = Date.now();
  const r = spawnSync(
    process.execPath,
    [
      "-r",
      "esbuild-register",
      "-e",
      `try { ${call}; } catch (e) { process.stderr.write(e.message); process.exitCode = 2; }`,
    ],
    { cwd: ROOT, encoding: "utf8", timeout: timeoutMs, killSignal: "SIGKILL" },
  );
  return { ...r, ms: Date.now() - started };
}

function refuses(fn: () => void, pattern: RegExp): void {
  assert.throws(fn, (err: Error) => err instanceof UsageError && pattern.test(err.message));
}

describe("output files (tools/cli.ts)", function () {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "cli-out-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const call of [
    "writeTextFile('/proc/datalake-nope/plan.json', 'x')",
    "prepareOutputFile('/proc/x.json')",
  ]) {
    it(`refuses a path under /proc at once, in one sentence (${call.split("(")[0]})`, () => {
      const r = inChild(`require('./tools/cli').${call}`);
      assert.strictEqual(r.signal, null, `it did not return within 15 s (${r.ms} ms, killed)`);
      assert.strictEqual(r.status, 2);
      assert.match(
        r.stderr,
        /^cannot write \/proc\/\S+: it is on the kernel's process file system \(procfs\)/,
      );
      assert.strictEqual(r.stderr.trim().split("\n").length, 1);
    });
  }

  it("refuses a regular file on /proc reached through a link", () => {
    fs.symlinkSync("/proc/self/status", path.join(dir, "status"));
    refuses(
      () => writeTextFile(path.join(dir, "status"), "x"),
      /it leads to \/proc\/\d+\/status, which is on/,
    );
  });

  it("follows a symbolic link to a file: the file gets the text, the link stays a link", () => {
    fs.writeFileSync(path.join(dir, "real.json"), "old\n");
    fs.symlinkSync("real.json", path.join(dir, "out.json"));
    writeTextFile(path.join(dir, "out.json"), "new\n");
    assert.ok(fs.lstatSync(path.join(dir, "out.json")).isSymbolicLink());
    assert.strictEqual(fs.readFileSync(path.join(dir, "real.json"), "utf8"), "new\n");
    assert.deepStrictEqual(fs.readdirSync(dir).sort(), ["out.json", "real.json"]);
  });

  it("follows a dangling symbolic link to the file it names, making its folder", () => {
    fs.symlinkSync(path.join(dir, "sub", "new.json"), path.join(dir, "out.json"));
    prepareOutputFile(path.join(dir, "out.json"));
    writeTextFile(path.join(dir, "out.json"), "new\n");
    assert.ok(fs.lstatSync(path.join(dir, "out.json")).isSymbolicLink());
    assert.strictEqual(fs.readFileSync(path.join(dir, "sub", "new.json"), "utf8"), "new\n");
  });

  it("refuses a symbolic link loop in one sentence", () => {
    fs.symlinkSync("b", path.join(dir, "a"));
    fs.symlinkSync("a", path.join(dir, "b"));
    refuses(() => writeTextFile(path.join(dir, "a"), "x"), /too many symbolic links/);
  });

  describe("a named pipe", () => {
    let readEnd: number | undefined;
    afterEach(() => {
      if (readEnd !== undefined) fs.closeSync(readEnd);
      readEnd = undefined;
    });

    /** A FIFO in the temp folder (mkfifo(1)); with `read`, this process holds its reading end. */
    function fifo(read: boolean): string {
      const file = path.join(dir, "pipe");
      assert.strictEqual(spawnSync("mkfifo", [file]).status, 0, "mkfifo failed");
      // Opening the reading end without blocking succeeds at once; the text written is far below
      // the pipe's buffer, so the synchronous write completes before this process reads it.
      if (read) readEnd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
      return file;
    }

    function received(): string {
      const buffer = Buffer.alloc(4096);
      return buffer.subarray(0, fs.readSync(readEnd!, buffer)).toString("utf8");
    }

    it("is written into, not replaced, and stays a pipe", () => {
      const file = fifo(true);
      prepareOutputFile(file);
      writeTextFile(file, "through the pipe\n");
      assert.ok(fs.lstatSync(file).isFIFO(), "the named pipe was replaced");
      assert.strictEqual(received(), "through the pipe\n");
    });

    it("that no process reads is refused in one sentence, not waited on forever", () => {
      const file = fifo(false);
      refuses(
        () => writeTextFile(file, "x"),
        /it is a named pipe that no process reads; start its reader first\.$/,
      );
      assert.ok(fs.lstatSync(file).isFIFO(), "the named pipe was replaced");
    });

    it("behind a symbolic link is written into; the link stays", () => {
      const file = fifo(true);
      fs.symlinkSync(file, path.join(dir, "out.json"));
      writeTextFile(path.join(dir, "out.json"), "via link\n");
      assert.ok(fs.lstatSync(path.join(dir, "out.json")).isSymbolicLink());
      assert.ok(fs.lstatSync(file).isFIFO());
      assert.strictEqual(received(), "via link\n");
    });
  });

  it("refuses a socket in one sentence", async () => {
    const net = await import("net");
    const socket = path.join(dir, "s.sock");
    const server = net.createServer().listen(socket);
    await new Promise((r) => server.once("listening", r));
    try {
      refuses(() => writeTextFile(socket, "x"), /it is a socket; give a file name\.$/);
      assert.ok(fs.lstatSync(socket).isSocket());
    } finally {
      server.close();
    }
  });
});
