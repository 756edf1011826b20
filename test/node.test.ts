/**
 * One Node.js version for the project: package.json `engines` asks for the major the Lambda
 * functions run (components/shared/bundle.ts), and the README's prerequisites say the same.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { LAMBDA_NODEJS_TARGET } from "../components/shared/bundle";

const ROOT = path.join(__dirname, "..");
const read = (f: string) => fs.readFileSync(path.join(ROOT, f), "utf8");

describe("the Node.js version", () => {
  const lambdaMajor = Number(/^node(\d+)$/.exec(LAMBDA_NODEJS_TARGET)?.[1]);
  const pkg = JSON.parse(read("package.json")) as { engines: { node: string } };
  const lock = JSON.parse(read("package-lock.json")) as { packages: { "": { engines: { node: string } } } };

  it("package.json engines asks for the Lambda functions' major or later (and the lock file agrees)", () => {
    assert.ok(lambdaMajor >= 22, `the Lambdas run Node.js ${lambdaMajor}`);
    assert.strictEqual(pkg.engines.node, `>=${lambdaMajor}`);
    assert.strictEqual(lock.packages[""].engines.node, pkg.engines.node);
  });

  it("CI's pinned Node.js (.nvmrc, read by .ci/run and the GitHub workflow) is of that major", () => {
    const pinned = read(".nvmrc").trim();
    assert.match(pinned, new RegExp(`^${lambdaMajor}\\.\\d+\\.\\d+$`));
    assert.ok(read(".ci/run").includes("cat .nvmrc"));
    assert.strictEqual(
      [...read(".github/workflows/pulumi.yml").matchAll(/node-version-file: \.nvmrc/g)].length,
      3,
    );
  });

  it("the README's prerequisites name the same major and no older one", () => {
    const readme = read("README.md");
    const prerequisites = readme.slice(
      readme.indexOf("Prerequisites:"),
      readme.indexOf("```", readme.indexOf("Prerequisites:")),
    );
    assert.match(prerequisites, new RegExp(`Node\\.js ${lambdaMajor} or a later LTS\\s+line`));
    for (const doc of ["README.md", "CONTRIBUTING.md"]) {
      const older = [...read(doc).matchAll(/Node(?:\.js)? (\d+)\b/g)].filter(
        (m) =>
          Number(m[1]) < lambdaMajor &&
          !/end of life|end-of-life|ships Node/.test(read(doc).slice(m.index! - 80, m.index! + 80)),
      );
      assert.deepStrictEqual(
        older.map((m) => m[0]),
        [],
        `${doc} asks for an older Node.js`,
      );
    }
  });
});
