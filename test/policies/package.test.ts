/**
 * The pack's package.json is self-contained for the Pulumi CLI (which installs a published pack
 * on its own): it names everything the analyzer needs to load index.ts, at the root's versions.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");
type Pkg = {
  version?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
};
const read = (file: string) => JSON.parse(fs.readFileSync(path.join(ROOT, file), "utf8")) as Pkg;

describe("policies/package.json", () => {
  const pack = read("policies/package.json");
  const root = read("package.json");
  const rootVersions = { ...root.dependencies, ...root.devDependencies };

  it("has a version and, as runtime dependencies, the SDKs, TypeScript and @types/node", () => {
    assert.match(pack.version ?? "", /^\d+\.\d+\.\d+$/);
    assert.deepStrictEqual(Object.keys(pack.dependencies ?? {}).sort(), [
      "@pulumi/policy",
      "@pulumi/pulumi",
      "@types/node",
      "typescript",
    ]);
  });

  it("uses the same version ranges as the root package.json", () => {
    for (const [name, range] of Object.entries(pack.dependencies ?? {}))
      assert.strictEqual(
        range,
        rootVersions[name],
        `${name}: ${range} here, ${rootVersions[name]} at the root`,
      );
  });
});
