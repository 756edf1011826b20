import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { allPolicies } from "../policies/rules";
import { CONFIG_SECTIONS } from "../stacks/config";

const ROOT = path.join(__dirname, "..");
const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");

describe("README", () => {
  it("documents every config section and setting in the configuration reference", () => {
    const reference = readme.slice(
      readme.indexOf("## Configuration reference"),
      readme.indexOf("## Architecture"),
    );
    for (const [section, schema] of Object.entries(CONFIG_SECTIONS)) {
      assert.ok(
        reference.includes(`\`datalake:${section}\``),
        `section datalake:${section} is not documented`,
      );
      for (const key of Object.keys(schema.shape)) {
        assert.ok(reference.includes(`\`${key}\``), `datalake:${section}.${key} is not documented`);
      }
    }
  });

  it("every npm script the README runs exists", () => {
    const scripts = (
      JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    const used = [...readme.matchAll(/npm run (?:-s )?([a-z][a-z0-9:-]*)/g)].map((m) => m[1]);
    assert.ok(used.includes("plan"));
    for (const s of used)
      assert.ok(scripts[s], `README runs "npm run ${s}" but package.json has no such script`);
  });

  it("lists every policy of the pack with its effective dev and prod level", () => {
    const section = readme.slice(readme.indexOf("## Policy gate"), readme.indexOf("## Using it after"));
    const rows = new Map(
      [
        ...section.matchAll(
          /^\| `(datalake-[a-z0-9-]+)` \|.*\| (mandatory|advisory|disabled)[^|]*\| (mandatory|advisory|disabled)[^|]*\|$/gm,
        ),
      ].map((m) => [m[1], [m[2], m[3]]]),
    );
    const levelIn = (stack: string, policy: { name: string; enforcementLevel?: string }) => {
      const cfg = JSON.parse(
        fs.readFileSync(path.join(ROOT, "policies", "config", `${stack}.json`), "utf8"),
      ) as Record<string, any>;
      const entry = cfg[policy.name];
      return (
        (typeof entry === "string" ? entry : entry?.enforcementLevel) ??
        cfg.all ??
        policy.enforcementLevel ??
        "mandatory"
      );
    };
    assert.deepStrictEqual([...rows.keys()].sort(), allPolicies.map((p) => p.name).sort());
    for (const policy of allPolicies) {
      assert.deepStrictEqual(
        rows.get(policy.name),
        [levelIn("dev", policy), levelIn("prod", policy)],
        policy.name,
      );
    }
  });

  it("links only to files that exist", () => {
    for (const m of readme.matchAll(/\]\(((?:docs|components|policies|stacks)\/[^)#]*)\)/g)) {
      assert.ok(fs.existsSync(path.join(ROOT, m[1])), `README links to missing ${m[1]}`);
    }
  });
  it("names only files that exist in the architecture map, and every component module", () => {
    const map = readme.slice(readme.indexOf("Which file builds what:"), readme.indexOf("### How the agent"));
    const named = new Set<string>();
    for (const row of map.matchAll(/^\| (.+?) \|/gm)) {
      const cells = [...row[1].matchAll(/`([^`]+)`/g)].map((m) => m[1]);
      // A row names its first file with the full path and the others relative to the same folder.
      const dir = cells[0] && cells[0].includes("/") ? path.posix.dirname(cells[0].replace(/\/$/, "")) : "";
      for (const cell of cells) {
        const file = /^(components|stacks|tools|policies|test|docs)\//.test(cell)
          ? cell
          : path.posix.join(dir, cell);
        assert.ok(fs.existsSync(path.join(ROOT, file)), `the architecture map names missing ${file}`);
        named.add(file.replace(/\/$/, ""));
      }
    }
    for (const layer of ["network", "speed", "batch", "etl", "ops"]) {
      for (const f of fs.readdirSync(path.join(ROOT, "components", layer))) {
        const rel = `components/${layer}/${f}`;
        const isDir = fs.statSync(path.join(ROOT, rel)).isDirectory();
        const covered = named.has(rel) || (isDir && [...named].some((n) => n.startsWith(`${rel}/`)));
        assert.ok(covered || (!isDir && !f.endsWith(".ts")), `the architecture map does not name ${rel}`);
      }
    }
  });
});
