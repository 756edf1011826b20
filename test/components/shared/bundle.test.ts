import * as assert from "assert";
import { execFileSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { builtinModules } from "module";
import {
  LAMBDA_NODEJS_RUNTIME_EXTERNALS,
  bundleFile,
  bundleLambdaHandler,
  bundleScript,
  lambdaHandlerArchive,
} from "../../../components/shared/bundle";

/** Every module a CommonJS bundle still loads with `require("...")`. */
function requiresOf(code: string): string[] {
  return [...new Set([...code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]))].sort();
}

const provided = (m: string) =>
  LAMBDA_NODEJS_RUNTIME_EXTERNALS.some((p) => (p.endsWith("/*") ? m.startsWith(p.slice(0, -1)) : m === p));
const builtin = (m: string) => builtinModules.includes(m.replace(/^node:/, ""));

describe("Lambda bundles", () => {
  for (const handler of ["forwarder", "bootstrap", "probe"]) {
    const entry = `components/speed/${handler}/handler.ts`;

    it(`the ${handler} bundle requires only Node builtins and what the nodejs22.x runtime provides`, () => {
      const code = bundleLambdaHandler(entry);
      const foreign = requiresOf(code).filter((m) => !builtin(m) && !provided(m));
      assert.deepStrictEqual(foreign, []);
      assert.ok(/exports|module\.exports/.test(code) && code.includes("handler"));
    });

    it(`the ${handler} bundle is minified and smaller than the plain bundle`, () => {
      const lambda = bundleLambdaHandler(entry);
      const plain = bundleScript(entry);
      assert.ok(lambda.length < plain.length, `${lambda.length} >= ${plain.length}`);
      assert.ok(lambda.split("\n").length < 50, "minified code has few lines");
    });
  }

  it("leaves the AWS SDK out of the forwarder (it was 1.6 MiB with the SDK bundled)", () => {
    const code = bundleLambdaHandler("components/speed/forwarder/handler.ts");
    assert.ok(requiresOf(code).includes("@aws-sdk/credential-provider-node"));
    assert.ok(code.length < 512 * 1024, `${code.length} bytes`);
  });

  it("the generator bundle (EC2 user data) requires only Node builtins", () => {
    const code = bundleScript("components/network/generator/main.ts", { minify: true });
    assert.deepStrictEqual(
      requiresOf(code).filter((m) => !builtin(m)),
      [],
    );
  });
});

describe("bundle cache on disk", () => {
  it("reuses a bundle from an earlier run only while every input file keeps its content", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bundle-cache-"));
    const cacheDir = path.join(dir, "cache");
    const dep = path.join(dir, "dep.ts");
    const entry = path.join(dir, "entry.ts");
    fs.writeFileSync(dep, 'export const word = "first";\n');
    fs.writeFileSync(entry, 'import { word } from "./dep";\nconsole.log(word);\n');
    // Each run is its own process, as `npm run plan` is, so only the disk cache links them.
    const run = () =>
      execFileSync(
        process.execPath,
        [
          "-r",
          "esbuild-register",
          "-e",
          `process.stdout.write(require(${JSON.stringify(path.resolve("components/shared/bundle.ts"))}).bundleScript(${JSON.stringify(entry)}, {}, ${JSON.stringify(cacheDir)}))`,
        ],
        { encoding: "utf8" },
      );
    assert.match(run(), /"first"/);
    const [file] = fs.readdirSync(cacheDir);
    // Mark the cached text: a run that returns the mark read the cache instead of bundling.
    const cached = JSON.parse(fs.readFileSync(path.join(cacheDir, file), "utf8"));
    fs.writeFileSync(path.join(cacheDir, file), JSON.stringify({ ...cached, text: "from the cache" }));
    assert.strictEqual(run(), "from the cache");
    fs.writeFileSync(dep, 'export const word = "second";\n');
    assert.match(run(), /"second"/);
  });
});

describe("Lambda code as a file asset", () => {
  it("writes each handler's bundle once, named by its sha256, and archives it as index.js by path", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bundle-files-"));
    try {
      const entry = "components/speed/probe/handler.ts";
      const file = bundleFile(entry, {}, dir);
      const text = bundleScript(entry, {}, dir);
      assert.strictEqual(fs.readFileSync(file, "utf8"), text);
      assert.strictEqual(path.basename(path.dirname(file)), createHash("sha256").update(text).digest("hex"));
      const mtime = fs.statSync(file).mtimeMs;
      assert.strictEqual(bundleFile(entry, {}, dir), file);
      assert.strictEqual(fs.statSync(file).mtimeMs, mtime, "an unchanged bundle is not rewritten");

      const archive = lambdaHandlerArchive(entry, dir);
      const assets = (await archive.assets) as Record<string, { path: Promise<string> }>;
      assert.deepStrictEqual(Object.keys(assets), ["index.js"]);
      assert.strictEqual(fs.readFileSync(await assets["index.js"].path, "utf8"), bundleLambdaHandler(entry));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("says in one sentence where it could not write the bundle", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bundle-files-"));
    try {
      // A regular file where the files directory should be: nothing can be created under it.
      fs.writeFileSync(path.join(dir, "files"), "");
      assert.throws(
        () => bundleFile("components/speed/probe/handler.ts", {}, dir),
        /^Error: Cannot write the bundle of components\/speed\/probe\/handler\.ts to .*\(ENOTDIR\); the Lambda code is deployed from there, so make .* writable\.$/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
