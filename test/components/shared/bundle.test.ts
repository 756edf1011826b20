import * as assert from "assert";
import { builtinModules } from "module";
import {
  LAMBDA_NODEJS_RUNTIME_EXTERNALS,
  bundleLambdaHandler,
  bundleScript,
} from "../../../components/shared/bundle";

/** Every module a CommonJS bundle still loads with `require("...")`. */
function requiresOf(code: string): string[] {
  return [...new Set([...code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]))].sort();
}

const provided = (m: string) =>
  LAMBDA_NODEJS_RUNTIME_EXTERNALS.some((p) => (p.endsWith("/*") ? m.startsWith(p.slice(0, -1)) : m === p));
const builtin = (m: string) => builtinModules.includes(m.replace(/^node:/, ""));

describe("Lambda bundles", () => {
  for (const handler of ["forwarder", "bootstrap"]) {
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
