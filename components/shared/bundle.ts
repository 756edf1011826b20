/**
 * Bundles a TypeScript entry point and its imports into one CommonJS file with esbuild, so the
 * program ships runtime code (the generator, Lambda handlers) with no separate build step.
 */
import * as esbuild from "esbuild";
import * as path from "path";

export interface BundleOptions {
  /** Modules left out of the bundle (provided by the runtime, e.g. the Lambda runtime's AWS SDK). */
  readonly external?: readonly string[];
  /** Node.js version the code runs on. @default "node20" */
  readonly target?: string;
  /** Minify the output (smaller assets, state and user data). @default false */
  readonly minify?: boolean;
}

/**
 * What the Lambda Node.js runtimes (nodejs18.x and later, so the functions' nodejs22.x) provide
 * to every function: the AWS SDK for JavaScript v3, its `@aws-sdk/*` packages and the `@smithy/*`
 * packages they are built on, on the runtime's NODE_PATH (/var/runtime/node_modules). "The
 * Node.js 18 and later runtimes include the AWS SDK for JavaScript v3"
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html#nodejs-sdk-included).
 * Leaving them out of the bundles keeps each function's code, and the state that stores it,
 * small; the bundle test checks that a bundle requires nothing else beyond Node's builtins.
 */
export const LAMBDA_NODEJS_RUNTIME_EXTERNALS: readonly string[] = ["@aws-sdk/*", "@smithy/*"];

/** Node.js version of the Lambda functions' runtime (`nodejs22.x`), as an esbuild target. */
export const LAMBDA_NODEJS_TARGET = "node22";

const cache = new Map<string, string>();

/** The bundled source of `entry` (absolute path, or relative to the project root). Cached per process. */
export function bundleScript(entry: string, options: BundleOptions = {}): string {
  const absolute = path.resolve(__dirname, "..", "..", entry);
  const key = JSON.stringify([absolute, options]);
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const result = esbuild.buildSync({
    entryPoints: [absolute],
    bundle: true,
    platform: "node",
    format: "cjs",
    target: options.target ?? "node20",
    external: [...(options.external ?? [])],
    write: false,
    minify: options.minify ?? false,
    // Minified, but with the original function and class names, so stack traces in the
    // function's logs still name the code that failed.
    keepNames: options.minify ?? false,
    legalComments: "none",
    logLevel: "silent",
  });
  const text = result.outputFiles[0].text;
  cache.set(key, text);
  return text;
}

/**
 * A Lambda handler's bundle for the Node.js 22 runtime: minified, with what the runtime provides
 * (`LAMBDA_NODEJS_RUNTIME_EXTERNALS`) left out.
 */
export function bundleLambdaHandler(entry: string): string {
  return bundleScript(entry, {
    external: LAMBDA_NODEJS_RUNTIME_EXTERNALS,
    target: LAMBDA_NODEJS_TARGET,
    minify: true,
  });
}
