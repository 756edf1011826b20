/**
 * Reads `Pulumi.<stack>.yaml` the way the CLI would hand it to the program: every value as a
 * string (objects as JSON), keys `<namespace>:<key>`. `secure:` values cannot be decrypted
 * offline; they become the placeholder "[secret]" and their keys are marked secret.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

export const SECRET_PLACEHOLDER = "[secret]";

export interface StackConfig {
  readonly config: Record<string, string>;
  readonly secretKeys: string[];
}

export class StackConfigError extends Error {}

function replaceSecure(value: unknown): { value: unknown; secret: boolean } {
  if (Array.isArray(value)) {
    const items = value.map(replaceSecure);
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (Object.keys(o).length === 1 && typeof o.secure === "string")
      return { value: SECRET_PLACEHOLDER, secret: true };
    let secret = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) {
      const r = replaceSecure(v);
      out[k] = r.value;
      secret ||= r.secret;
    }
    return { value: out, secret };
  }
  return { value, secret: false };
}

/** Parses the text of a stack file. */
export function parseStackConfig(text: string, file: string, project: string): StackConfig {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new StackConfigError(`${file} is not valid YAML: ${(err as Error).message}`);
  }
  const section = (doc as { config?: unknown } | null)?.config ?? {};
  if (typeof section !== "object" || Array.isArray(section) || section === null) {
    throw new StackConfigError(`${file}: "config" must be a map of keys to values`);
  }
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [rawKey, rawValue] of Object.entries(section as Record<string, unknown>)) {
    const key = rawKey.includes(":") ? rawKey : `${project}:${rawKey}`;
    const { value, secret } = replaceSecure(rawValue);
    config[key] = typeof value === "string" ? value : JSON.stringify(value);
    if (secret) secretKeys.push(key);
  }
  return { config, secretKeys };
}

/** Reads `Pulumi.<stack>.yaml` from `root`. */
export function readStackConfig(root: string, stack: string, project: string): StackConfig {
  const file = path.join(root, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) {
    const known = fs
      .readdirSync(root)
      .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
      .filter((s): s is string => !!s);
    throw new StackConfigError(`no stack file ${file}; stacks here: ${known.join(", ") || "(none)"}`);
  }
  return parseStackConfig(fs.readFileSync(file, "utf8"), path.basename(file), project);
}
