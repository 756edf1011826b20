/**
 * Reads `Pulumi.<stack>.yaml` the way the CLI would hand it to the program: every value as a
 * string (objects as JSON), keys `<namespace>:<key>`. `secure:` values cannot be decrypted
 * offline; each becomes a placeholder that satisfies its field's type (the `placeholder` option,
 * by default `[secret]`), and its key is marked secret, as the CLI marks it.
 */
import * as fs from "fs";
import * as path from "path";
import { Document, Scalar, isAlias, isMap, isScalar, isSeq, parseDocument } from "yaml";
import { quoteValue } from "../../components/shared/quote";

export const SECRET_PLACEHOLDER = "[secret]";

/**
 * Caps on a stack file's aliases (`*name`), counted as they are expanded, and on its expanded size
 * (nodes plus characters of text), so a file of nested aliases (a "billion laughs") is refused at
 * once instead of growing to gigabytes. 100 is the yaml library's own `maxAliasCount` default; the
 * size cap is far above any real stack file (ours are a few kilobytes).
 */
export const MAX_ALIASES = 100;

/** The top-level keys of a stack file the Pulumi CLI reads (https://www.pulumi.com/docs/iac/concepts/projects/stack-settings-file/). */
export const STACK_FILE_KEYS: readonly string[] = [
  "config",
  "secretsprovider",
  "encryptedkey",
  "encryptionsalt",
  "environment",
];
export const MAX_EXPANDED_SIZE = 1_000_000;

export interface StackConfig {
  readonly config: Record<string, string>;
  readonly secretKeys: string[];
}

/** A stack file that cannot be used; the message is one sentence naming the file and the problem. */
export class StackConfigError extends Error {
  override name = "StackConfigError";
}

export interface StackConfigOptions {
  /**
   * The offline stand-in for a `secure:` value at `path` inside config key `key` (path `[]`: the
   * key's whole value). Return `undefined` where a secret cannot stand: the key must be a map of
   * settings, so only its settings may be encrypted.
   */
  readonly placeholder?: (key: string, path: readonly string[]) => string | undefined;
}

const defaultPlaceholder = () => SECRET_PLACEHOLDER;

function shownKey(key: string, at: readonly string[]): string {
  return at.length ? `${key}.${at.join(".")}` : key;
}

/** What a YAML node is, for a sentence ("a string", "a list", "a map"), without expanding it. */
function kindOf(node: unknown): string {
  if (isSeq(node)) return "a list";
  if (isMap(node)) return "a map";
  if (isAlias(node)) return `an alias (*${node.source})`;
  const value = isScalar(node) ? node.value : node;
  if (value === null || value === undefined) return "null";
  return `a ${typeof value}`;
}

interface Walk {
  readonly key: string;
  readonly file: string;
  readonly doc: Document;
  readonly placeholder: NonNullable<StackConfigOptions["placeholder"]>;
  /** Aliases expanded and nodes plus characters produced so far, over the whole file. */
  readonly budget: { aliases: number; size: number };
}

/** Counts `size` against the file's expansion budget; refuses the file once it is spent. */
function spend(w: Walk, size: number, alias?: string): void {
  if (alias !== undefined && ++w.budget.aliases > MAX_ALIASES) {
    throw new StackConfigError(
      `${w.file}: ${w.key} expands more than ${MAX_ALIASES} aliases (*${alias} and others); write the values ` +
        `out, or use fewer aliases of aliases.`,
    );
  }
  w.budget.size += size;
  if (w.budget.size > MAX_EXPANDED_SIZE) {
    throw new StackConfigError(
      `${w.file}: ${w.key} expands to more than ${MAX_EXPANDED_SIZE.toLocaleString("en-US")} nodes and characters ` +
        `(aliases of aliases?); a stack file's settings are a few kilobytes: write them out.`,
    );
  }
}

/**
 * The node's plain value with `secure:` leaves replaced, and whether any was found. A number YAML
 * reads as infinite or not-a-number (`1e400`, `.inf`, `.nan`) is an error: JSON cannot carry it,
 * so the CLI would hand the program `null`.
 */
function convert(node: unknown, at: string[], w: Walk): { value: unknown; secret: boolean } {
  if (isAlias(node)) {
    spend(w, 1, node.source);
    return convert(node.resolve(w.doc), at, w);
  }
  spend(w, isScalar(node) && typeof node.value === "string" ? 1 + node.value.length : 1);
  if (isMap(node)) {
    const pairs = node.items;
    const secureItem = pairs.length === 1 && isScalar(pairs[0].key) && pairs[0].key.value === "secure";
    if (secureItem && isScalar(pairs[0].value) && typeof pairs[0].value.value === "string") {
      const value = w.placeholder(w.key, at);
      if (value === undefined) {
        throw new StackConfigError(
          `${w.file}: ${shownKey(w.key, at)} is encrypted as a whole (secure:), but the program reads it as a map of ` +
            `settings; keep it a map and encrypt only the secret setting, e.g. ` +
            `pulumi config set --secret --path '${shownKey(w.key, at)}.<setting>' VALUE.`,
        );
      }
      return { value, secret: true };
    }
    const out: Record<string, unknown> = {};
    let secret = false;
    for (const pair of pairs) {
      const name = String(isScalar(pair.key) ? pair.key.value : pair.key);
      const r = convert(pair.value, [...at, name], w);
      out[name] = r.value;
      secret ||= r.secret;
    }
    return { value: out, secret };
  }
  if (isSeq(node)) {
    const items = node.items.map((item, i) => convert(item, [...at, String(i)], w));
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (isScalar(node)) {
    const v = (node as Scalar).value;
    if (typeof v === "number" && !Number.isFinite(v)) {
      throw new StackConfigError(
        `${w.file}: ${shownKey(w.key, at)} is ${quoteValue((node as Scalar).source ?? String(v)).slice(1, -1)}, which is ` +
          `${Number.isNaN(v) ? "not a number" : "infinite as a number (too large or .inf)"}; give a finite number.`,
      );
    }
    return { value: v, secret: false };
  }
  return { value: node ?? null, secret: false };
}

/** Parses the text of a stack file. */
export function parseStackConfig(
  text: string,
  file: string,
  project: string,
  options: StackConfigOptions = {},
): StackConfig {
  const doc = parseDocument(text);
  if (doc.errors.length) {
    throw new StackConfigError(`${file} is not valid YAML: ${doc.errors[0].message.split("\n")[0]}`);
  }
  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ""))) {
    throw new StackConfigError(
      `${file} is empty; a stack file holds a "config:" map of keys to values (see Pulumi.dev.yaml).`,
    );
  }
  if (!isMap(root)) {
    throw new StackConfigError(
      `${file} holds ${kindOf(root)}, not a map; a stack file holds a "config:" map of keys to values.`,
    );
  }
  for (const pair of root.items) {
    const name = String(isScalar(pair.key) ? pair.key.value : pair.key);
    if (STACK_FILE_KEYS.includes(name)) continue;
    throw new StackConfigError(
      `${file}: "${quoteValue(name, 60).slice(1, -1)}" is outside "config:", where nothing reads it; ` +
        (name.includes(":")
          ? `indent it under "config:".`
          : `indent it under "config:" as ${project}:${name} (keys of the program are in the ${project}: namespace).`),
    );
  }
  const section = root.get("config", true);
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  if (section === undefined || (isScalar(section) && section.value === null)) return { config, secretKeys };
  if (!isMap(section)) {
    throw new StackConfigError(`${file}: "config" must be a map of keys to values, not ${kindOf(section)}.`);
  }
  const placeholder = options.placeholder ?? defaultPlaceholder;
  const budget = { aliases: 0, size: 0 };
  for (const pair of section.items) {
    const rawKey = String(isScalar(pair.key) ? pair.key.value : pair.key);
    const key = rawKey.includes(":") ? rawKey : `${project}:${rawKey}`;
    const { value, secret } = convert(pair.value, [], { key, file, doc, placeholder, budget });
    config[key] = typeof value === "string" ? value : JSON.stringify(value);
    if (secret) secretKeys.push(key);
  }
  return { config, secretKeys };
}

/** Reads `Pulumi.<stack>.yaml` from `root`. */
export function readStackConfig(
  root: string,
  stack: string,
  project: string,
  options: StackConfigOptions = {},
): StackConfig {
  const file = path.join(root, `Pulumi.${stack}.yaml`);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new StackConfigError(
        `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`,
      );
    }
    const known = fs
      .readdirSync(root)
      .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
      .filter((s): s is string => !!s);
    throw new StackConfigError(`no stack file ${file}; stacks here: ${known.join(", ") || "(none)"}`);
  }
  return parseStackConfig(text, path.basename(file), project, options);
}
