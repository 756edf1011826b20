/**
 * Bundles a TypeScript entry point and its imports into one CommonJS file with esbuild, so the
 * program ships runtime code (the generator, Lambda handlers) with no separate build step.
 */
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import * as esbuild from "esbuild";
import * as fs from "fs";
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

/** Where bundles are kept between runs: the usual tool cache folder, never committed. */
const DISK_CACHE_DIR = path.resolve(__dirname, "..", "..", "node_modules", ".cache", "datalake-bundles");

interface DiskEntry {
  /** Every file esbuild read for this bundle (from its metafile), with the sha256 of its content. */
  readonly inputs: Record<string, string>;
  readonly text: string;
}

function sha256(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * A bundle from an earlier run, if every file it was built from still has the same content. The
 * check is exact (the inputs esbuild itself recorded, re-hashed), so a cached bundle is byte for
 * byte the bundle esbuild would build now; any unreadable or changed input means a rebuild.
 */
function readDiskCache(file: string): string | undefined {
  try {
    const entry = JSON.parse(fs.readFileSync(file, "utf8")) as DiskEntry;
    for (const [input, hash] of Object.entries(entry.inputs)) {
      if (sha256(fs.readFileSync(input)) !== hash) return undefined;
    }
    return entry.text;
  } catch {
    return undefined;
  }
}

function writeDiskCache(file: string, entry: DiskEntry): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(entry));
    fs.renameSync(tmp, file);
  } catch {
    // A cache that cannot be written only costs the next run a rebuild.
  }
}

/**
 * The bundled source of `entry` (absolute path, or relative to the project root). Cached per
 * process, and on disk keyed by esbuild's version, the options and the content of every input.
 */
export function bundleScript(
  entry: string,
  options: BundleOptions = {},
  cacheDir: string = DISK_CACHE_DIR,
): string {
  const absolute = path.resolve(__dirname, "..", "..", entry);
  const key = JSON.stringify([absolute, options]);
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const diskFile = path.join(cacheDir, `${sha256(JSON.stringify([esbuild.version, key]))}.json`);
  const fromDisk = readDiskCache(diskFile);
  if (fromDisk !== undefined) {
    cache.set(key, fromDisk);
    return fromDisk;
  }
  const result = esbuild.buildSync({
    entryPoints: [absolute],
    bundle: true,
    platform: "node",
    format: "cjs",
    target: options.target ?? "node20",
    external: [...(options.external ?? [])],
    write: false,
    metafile: true,
    minify: options.minify ?? false,
    // Minified, but with the original function and class names, so stack traces in the
    // function's logs still name the code that failed.
    keepNames: options.minify ?? false,
    legalComments: "none",
    logLevel: "silent",
  });
  const text = result.outputFiles[0].text;
  cache.set(key, text);
  // esbuild's metafile names inputs relative to its working directory; a bundle with an input
  // that is not a readable file is simply not cached.
  try {
    const inputs: Record<string, string> = {};
    for (const input of Object.keys(result.metafile.inputs)) {
      const file = path.resolve(process.cwd(), input);
      inputs[file] = sha256(fs.readFileSync(file));
    }
    writeDiskCache(diskFile, { inputs, text });
  } catch {
    // Not cached; the next run bundles again.
  }
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

/**
 * The bundle of `entry` as a file in the bundle cache, named by the sha256 of its content
 * (`<cache>/files/<sha256>/index.js`), written once and atomically. A Lambda's code is a file
 * asset of it, so the stack's state stores the bundle by path and hash, as it does any file
 * asset, rather than the whole text (1.8 MB for the three functions of a dev stack).
 */
export function bundleFile(
  entry: string,
  options: BundleOptions = {},
  cacheDir: string = DISK_CACHE_DIR,
): string {
  const text = bundleScript(entry, options, cacheDir);
  const file = path.join(cacheDir, "files", sha256(text), "index.js");
  try {
    if (fs.readFileSync(file, "utf8") === text) return file;
  } catch {
    // Not written yet (or unreadable): written below.
  }
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  } catch (err) {
    throw new Error(
      `Cannot write the bundle of ${entry} to ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); the Lambda code is deployed from there, so make ${cacheDir} writable.`,
    );
  }
  return file;
}

/**
 * A Lambda function's code: an archive whose `index.js` is the handler's bundle
 * (`bundleLambdaHandler`) as a file asset from the bundle cache (see `bundleFile`).
 */
export function lambdaHandlerArchive(
  entry: string,
  cacheDir: string = DISK_CACHE_DIR,
): pulumi.asset.AssetArchive {
  const file = bundleFile(
    entry,
    { external: LAMBDA_NODEJS_RUNTIME_EXTERNALS, target: LAMBDA_NODEJS_TARGET, minify: true },
    cacheDir,
  );
  return new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.FileAsset(file) });
}
