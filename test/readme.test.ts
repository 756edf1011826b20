import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { CONFIG_SECTIONS } from "../stacks/config";

const ROOT = path.join(__dirname, "..");
const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");

describe("README", () => {
  it("documents every config section and setting in the configuration reference", () => {
    const reference = readme.slice(readme.indexOf("## Configuration reference"), readme.indexOf("## Architecture"));
    for (const [section, schema] of Object.entries(CONFIG_SECTIONS)) {
      assert.ok(reference.includes(`\`datalake:${section}\``), `section datalake:${section} is not documented`);
      for (const key of Object.keys(schema.shape)) {
        assert.ok(reference.includes(`\`${key}\``), `datalake:${section}.${key} is not documented`);
      }
    }
  });

  it("every npm script the README runs exists", () => {
    const scripts = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    const used = [...readme.matchAll(/npm run ([a-z:-]+)/g)].map((m) => m[1]);
    assert.ok(used.includes("plan"));
    for (const s of used) assert.ok(scripts[s], `README runs "npm run ${s}" but package.json has no such script`);
  });

  it("links only to files that exist", () => {
    for (const m of readme.matchAll(/\]\(((?:docs|components|policies|stacks)\/[^)#]*)\)/g)) {
      assert.ok(fs.existsSync(path.join(ROOT, m[1])), `README links to missing ${m[1]}`);
    }
  });
});
