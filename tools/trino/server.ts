/**
 * One Trino node for the tests: a coordinator that also runs tasks, on a free 127.0.0.1 port, with
 * its configuration, data and a Hive catalog in a temporary folder, started in its own process
 * group and stopped by that group. The Hive catalog keeps its metastore in files (`hive.metastore=file`)
 * and reads table data from the local file system below one root folder, which stands in for S3:
 * a Glue location `s3://<bucket>/<key>` is `local:///<bucket>/<key>` here (see {@link localLocation}).
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { SetupError } from "../etl/venv";
import { TrinoClient, TrinoQueryError } from "./client";

/** The catalog the tests create their schema in. */
export const HIVE_CATALOG = "hive";
/** Folder below the data root that holds the file metastore (never a table location). */
export const METASTORE_FOLDER = "metastore";

export interface TrinoServer {
  readonly port: number;
  readonly url: string;
  readonly pid: number;
  /** The folder tables' `local:///` locations resolve to. */
  readonly dataRoot: string;
  /** The file metastore's folder (`<dataRoot>/metastore`). */
  readonly metastoreDir: string;
  readonly logFile: string;
  /** Milliseconds from spawn until the node accepted queries. */
  readonly startMs: number;
  stop(): Promise<void>;
}

/** The `local:///` location Trino reads for a Glue `s3://bucket/key` location. */
export function localLocation(s3Uri: string): string {
  const m = /^s3:\/\/([^/]+)\/(.*)$/.exec(s3Uri);
  if (!m) throw new Error(`localLocation: ${JSON.stringify(s3Uri)} is not an s3://bucket/key location.`);
  return `local:///${m[1]}/${m[2]}`;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function properties(entries: Record<string, string | number | boolean>): string {
  return Object.entries(entries)
    .map(([k, v]) => `${k}=${v}`)
    .join("\n")
    .concat("\n");
}

/** Writes etc/ for a single node on `port`; returns the etc folder. */
function writeConfig(work: string, port: number, dataRoot: string, heapMb: number): string {
  const etc = path.join(work, "etc");
  fs.mkdirSync(path.join(etc, "catalog"), { recursive: true });
  fs.writeFileSync(
    path.join(etc, "node.properties"),
    properties({
      "node.environment": "test",
      "node.id": "datalake-test",
      "node.data-dir": path.join(work, "data"),
      "node.bind-ip": "127.0.0.1",
      "node.internal-address": "127.0.0.1",
    }),
  );
  fs.writeFileSync(
    path.join(etc, "jvm.config"),
    [
      "-server",
      `-Xmx${heapMb}M`,
      "-XX:+UseG1GC",
      "-XX:+ExitOnOutOfMemoryError",
      "-Djdk.attach.allowAttachSelf=true",
      // The JVM's zone is the default of sessions that send none; the tests send UTC anyway.
      "-Duser.timezone=UTC",
      "",
    ].join("\n"),
  );
  fs.writeFileSync(
    path.join(etc, "config.properties"),
    properties({
      coordinator: true,
      "node-scheduler.include-coordinator": true,
      "http-server.http.port": port,
      "discovery.uri": `http://127.0.0.1:${port}`,
      "query.max-memory": `${Math.floor(heapMb / 2)}MB`,
      "query.max-memory-per-node": `${Math.floor(heapMb / 2)}MB`,
    }),
  );
  fs.writeFileSync(
    path.join(etc, "catalog", `${HIVE_CATALOG}.properties`),
    properties({
      "connector.name": "hive",
      "hive.metastore": "file",
      "hive.metastore.catalog.dir": `local:///${METASTORE_FOLDER}`,
      "fs.native-local.enabled": true,
      "local.location": dataRoot,
      // Partition projection is Athena's alone: the tests register the job's partitions instead.
      "hive.allow-register-partition-procedure": true,
      // Spark writes Parquet timestamps as INT96 instants; Athena reads them as UTC.
      "hive.parquet.time-zone": "UTC",
    }),
  );
  return etc;
}

function lastLines(file: string, n: number): string {
  try {
    return fs.readFileSync(file, "utf8").trim().split("\n").slice(-n).join("\n");
  } catch {
    return "(no log)";
  }
}

/** What a node still starting answers (an HTTP error before its protocol is up). */
const STARTING_ERRORS = new Set(["NO_NODES_AVAILABLE", "SERVER_STARTING_UP", "HTTP"]);

/**
 * Waits until the node has started (`/v1/info`) and has announced itself as a worker: a node that
 * has just started answers every query with NO_NODES_AVAILABLE until its own announcement reaches
 * the coordinator's node list, a few seconds later on an idle machine (`system.runtime.nodes`).
 */
async function waitUntilStarted(url: string, child: ChildProcess, logFile: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  const client = new TrinoClient(url, "system");
  let started = false;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new SetupError(
        `Trino exited during start-up (${child.exitCode ?? child.signalCode}); its log ends:\n${lastLines(logFile, 15)}`,
      );
    }
    try {
      if (!started) {
        const res = await fetch(`${url}/v1/info`);
        started = res.ok && ((await res.json()) as { starting?: boolean }).starting === false;
      }
      if (started) {
        const active = await client.query("SELECT count(*) FROM system.runtime.nodes WHERE state = 'active'");
        if (Number(active.rows[0]?.[0]) > 0) return;
      }
    } catch (err) {
      // Not listening yet, or no node to run the check on yet; anything else is a real failure.
      if (err instanceof TrinoQueryError && !STARTING_ERRORS.has(err.errorName)) throw err;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new SetupError(
    `Trino did not finish starting (or no node became active) within ${timeoutMs / 1000} s; its log ends:\n${lastLines(logFile, 15)}`,
  );
}

export interface StartOptions {
  /** The installed server (tools/trino/install.ts). */
  readonly home: string;
  /** A Java 22+ home. */
  readonly javaHome: string;
  /** Temporary folder for etc/, the node's data, the log and the data root. */
  readonly work: string;
  readonly heapMb?: number;
  readonly startTimeoutMs?: number;
}

/** Starts the node and resolves once it accepts queries. */
export async function startTrino(o: StartOptions): Promise<TrinoServer> {
  const port = await freePort();
  const dataRoot = path.join(o.work, "root");
  const metastoreDir = path.join(dataRoot, METASTORE_FOLDER);
  fs.mkdirSync(metastoreDir, { recursive: true });
  const etc = writeConfig(o.work, port, dataRoot, o.heapMb ?? 2048);
  const logFile = path.join(o.work, "server.log");
  const log = fs.openSync(logFile, "a");
  const started = Date.now();
  // `launcher run` execs the JVM in the foreground, so the child's pid is Trino's.
  const child = spawn(
    path.join(o.home, "bin", "launcher"),
    ["run", "--etc-dir", etc, "--data-dir", path.join(o.work, "data")],
    {
      detached: true,
      stdio: ["ignore", log, log],
      env: {
        ...process.env,
        JAVA_HOME: o.javaHome,
        PATH: `${path.join(o.javaHome, "bin")}${path.delimiter}${process.env.PATH ?? ""}`,
      },
    },
  );
  fs.closeSync(log);
  const pid = child.pid;
  if (pid === undefined) throw new SetupError(`could not start ${path.join(o.home, "bin", "launcher")}.`);
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // Should this process end without calling stop() (an interrupted test run), take the node with it.
  const killOnExit = () => {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // already gone
    }
  };
  process.once("exit", killOnExit);
  const stop = async () => {
    process.removeListener("exit", killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-pid, "SIGTERM");
    } catch {
      return;
    }
    const timer = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 30_000).unref());
    if ((await Promise.race([exited, timer])) === "timeout") {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // already gone
      }
      await exited;
    }
  };
  try {
    await waitUntilStarted(url, child, logFile, o.startTimeoutMs ?? 300_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { port, url, pid, dataRoot, metastoreDir, logFile, startMs: Date.now() - started, stop };
}
