/**
 * The plan's export as real Pulumi state has it, so that `pulumi stack import` takes it as it is
 * (the real CLI imports it in test/policies/engine.pulumi.ts): the manifest's magic cookie, a
 * secrets provider, assets and archives by path and hash without the SDK's instance markers.
 */
import * as assert from "assert";
import { execFileSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  ARCHIVE_SIG,
  ASSET_SIG,
  manifestMagic,
  manifestTime,
  planSecretsProvider,
  tarForHash,
} from "../../tools/offline/recorder";
import { PassphraseCrypter } from "../../tools/offline/secrets";
import { renderedStack } from "../helpers/renderedStacks";

const SIG = "4dabf18193072939515e22adb298388d";

describe("the manifest's time", () => {
  it("is written as the engine writes it: trailing zeros of the fraction dropped", () => {
    assert.strictEqual(manifestTime(new Date("2026-12-07T09:07:35.123Z")), "2026-12-07T09:07:35.123Z");
    assert.strictEqual(manifestTime(new Date("2026-12-07T09:07:35.330Z")), "2026-12-07T09:07:35.33Z");
    assert.strictEqual(manifestTime(new Date("2026-12-07T09:07:30.000Z")), "2026-12-07T09:07:30Z");
  });
});

describe("the plan's export", function () {
  this.timeout(300_000);

  it("has the manifest's magic cookie: hex(sha256(version)), as the CLI checks on import", async () => {
    const { manifest } = (await renderedStack("dev")).state.deployment as {
      manifest: { magic: string; version: string };
    };
    assert.match(manifest.version, /^v3\.\d+\.\d+$/);
    assert.strictEqual(manifest.magic, createHash("sha256").update(manifest.version).digest("hex"));
    assert.strictEqual(manifestMagic(""), "");
  });

  it("has a passphrase secrets provider that the passphrase the plan ran with opens", async () => {
    const provider = (await renderedStack("dev")).state.deployment.secrets_providers as {
      type: string;
      state: { salt: string };
    };
    assert.strictEqual(provider.type, "passphrase");
    assert.ok(PassphraseCrypter.fromState(process.env.PULUMI_CONFIG_PASSPHRASE ?? "", provider.state.salt));
    assert.strictEqual(PassphraseCrypter.fromState("another", provider.state.salt), undefined);
    // The same on every run for a stack, so two plans of the same program are the same file.
    assert.deepStrictEqual(
      planSecretsProvider("dev", "datalake", { PULUMI_CONFIG_PASSPHRASE: "p" }),
      planSecretsProvider("dev", "datalake", { PULUMI_CONFIG_PASSPHRASE: "p" }),
    );
  });

  it("stores the Lambda code and ETL scripts by path and hash, without __pulumiAsset/__pulumiArchive markers", async () => {
    const { state } = await renderedStack("dev");
    const text = JSON.stringify(state);
    assert.doesNotMatch(text, /__pulumi(Asset|Archive)/);
    const functions = state.deployment.resources!.filter((r) => r.type === "aws:lambda/function:Function");
    assert.ok(functions.length >= 3);
    for (const fn of functions) {
      const code = fn.inputs!.code as Record<string, any>;
      assert.strictEqual(code[SIG], ARCHIVE_SIG);
      const member = code.assets["index.js"];
      assert.deepStrictEqual(Object.keys(member).sort(), [SIG, "hash", "path"].sort());
      assert.strictEqual(member[SIG], ASSET_SIG);
      const content = fs.readFileSync(member.path);
      assert.strictEqual(member.hash, createHash("sha256").update(content).digest("hex"));
      assert.strictEqual(
        code.hash,
        createHash("sha256")
          .update(tarForHash([["index.js", content]]))
          .digest("hex"),
      );
    }
    // 1,847,340 bytes with the bundles inlined as text.
    assert.ok(text.length < 1_000_000, `${text.length} bytes`);
  });

  it("hashes an archive over a tar stream that tar itself reads back", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tar-hash-"));
    try {
      const file = path.join(dir, "a.tar");
      fs.writeFileSync(
        file,
        tarForHash([
          ["z.txt", Buffer.from("last\n")],
          ["index.js", Buffer.alloc(700, 120)],
        ]),
      );
      assert.strictEqual(
        execFileSync("tar", ["-tvf", file], { encoding: "utf8", env: { ...process.env, TZ: "UTC" } }).replace(
          / +/g,
          " ",
        ),
        "-rw------- 0/0 700 1970-01-01 00:00 index.js\n-rw------- 0/0 5 1970-01-01 00:00 z.txt\n",
      );
      assert.strictEqual(execFileSync("tar", ["-xOf", file, "z.txt"], { encoding: "utf8" }), "last\n");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
