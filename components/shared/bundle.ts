/**
 * Bundles a TypeScript entry point and its imports into one CommonJS file with esbuild, so the
 * program ships runtime code (the generator, Lambda handlers) with no separate build step.
 */
import * as esbuild from "esbuild";
import * as path from "path";

export interface BundleOptions {
  /** Modules left out of the bundle (provided by the runtime, e.g. the Lambda runtime's AWS SDK). */
  readonly external?: string[];
  /** Node.js version the code runs on. @default "node20" */
  readonly target?: string;
  /** Minify the output (where a size limit applies, such as EC2 user data). @default false */
  readonly minify?: boolean;
}

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
    external: options.external ?? [],
    write: false,
    minify: options.minify ?? false,
    legalComments: "none",
    logLevel: "silent",
  });
  const text = result.outputFiles[0].text;
  cache.set(key, text);
  return text;
}
