/**
 * The program's config errors under the runtime path the Pulumi CLI uses: the language host runs
 * `node @pulumi/pulumi/cmd/run --monitor ADDR ... <project dir>` with the config in PULUMI_CONFIG.
 * Here a loopback fake of the resource monitor stands in for the engine (no engine address, so
 * the SDK's log.error writes `error: [runtime] ...` to stderr instead of sending a Log RPC).
 */
import * as assert from "assert";
import { spawn } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
/* eslint-disable @typescript-eslint/no-require-imports */
const resproto = require("@pulumi/pulumi/proto/resource_pb");
const resrpc = require("@pulumi/pulumi/proto/resource_grpc_pb");
const emptyproto = require("google-protobuf/google/protobuf/empty_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

const ROOT = path.join(__dirname, "..", "..");
type Callback = (err: Error | null, value?: unknown) => void;

/** A resource monitor that accepts registrations and records their types. */
async function startMonitor(): Promise<{ address: string; types: string[]; stop: () => void }> {
  const types: string[] = [];
  const server = new grpc.Server();
  server.addService(resrpc.ResourceMonitorService, {
    supportsFeature: (_call: unknown, cb: Callback) => {
      const r = new resproto.SupportsFeatureResponse();
      r.setHassupport(false);
      cb(null, r);
    },
    registerResource: (call: { request: { getType(): string; getName(): string } }, cb: Callback) => {
      types.push(call.request.getType());
      const r = new resproto.RegisterResourceResponse();
      r.setUrn(`urn:pulumi:zz::datalake::${call.request.getType()}::${call.request.getName()}`);
      cb(null, r);
    },
    registerResourceOutputs: (_call: unknown, cb: Callback) => cb(null, new emptyproto.Empty()),
    signalAndWaitForShutdown: (_call: unknown, cb: Callback) => cb(null, new emptyproto.Empty()),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return { address: `127.0.0.1:${port}`, types, stop: () => server.forceShutdown() };
}

function runProgram(monitor: string, config: Record<string, string>) {
  return new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve) => {
    const child = spawn(
      process.execPath,
      [
        require.resolve("@pulumi/pulumi/cmd/run"),
        `--monitor=${monitor}`,
        "--project=datalake",
        "--stack=zz",
        `--root-directory=${ROOT}`,
        ".",
      ],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          PULUMI_CONFIG: JSON.stringify(config),
          PULUMI_CONFIG_SECRET_KEYS: "[]",
          PULUMI_NODEJS_TYPESCRIPT: "true",
          PULUMI_NODEJS_TRANSPILE_ONLY: "true",
          AWS_REGION: "",
          AWS_DEFAULT_REGION: "",
        },
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("config errors under the CLI's runtime path (@pulumi/pulumi/cmd/run)", () => {
  it("prints the config error as its message alone, without a stack trace, and registers nothing else", async () => {
    const monitor = await startMonitor();
    try {
      const run = await runProgram(monitor.address, {
        "aws:regon": "ap-northeast-1",
      });
      assert.notStrictEqual(run.code, 0, run.stderr);
      assert.match(
        run.stderr,
        /error: \[runtime\] Invalid stack configuration:\n {2}- aws:regon is not a configuration key of the AWS provider; did you mean aws:region\?\n/,
      );
      assert.match(run.stderr, /\n {2}- aws:region is not set: set it in the stack file/);
      assert.doesNotMatch(run.stderr, /failed with an unhandled exception/);
      assert.doesNotMatch(run.stderr, /^\s+at /m, "no stack frames");
      assert.deepStrictEqual(monitor.types, ["pulumi:pulumi:Stack"]);
    } finally {
      monitor.stop();
    }
  });
});
