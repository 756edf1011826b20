/**
 * Reads `Pulumi.<stack>.yaml` the way the CLI would hand it to the program: every value as a
 * string (objects as JSON), keys `<namespace>:<key>`. `secure:` values cannot be decrypted
 * offline; each becomes a placeholder that satisfies its field's type (the `placeholder` option,
 * by default `[secret]`), and its key is marked secret, as the CLI marks it.
 */
import * as fs from "fs";
import * as path from "path";
import { Document, Scalar, isAlias, isMap, isScalar, isSeq, parseDocument } from "yaml";

export const SECRET_PLACEHOLDER = "[secret]";

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

/** What a YAML node is, for a sentence ("a string", "a list"). */
function kindOf(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value === null) return "null";
  return `a ${typeof value}`;
}

interface Walk {
  readonly key: string;
  readonly file: string;
  readonly doc: Document;
  readonly placeholder: NonNullable<StackConfigOptions["placeholder"]>;
}

/**
 * The node's plain value with `secure:` leaves replaced, and whether any was found. A number YAML
 * reads as infinite or not-a-number (`1e400`, `.inf`, `.nan`) is an error: JSON cannot carry it,
 * so the CLI would hand the program `null`.
 */
function convert(node: unknown, at: string[], w: Walk): { value: unknown; secret: boolean } {
  if (isAlias(node)) return convert(node.resolve(w.doc), at, w);
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
        `${w.file}: ${shownKey(w.key, at)} is ${(node as Scalar).source ?? String(v)}, which is ` +
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
      `${file} holds ${kindOf(doc.toJS())}, not a map; a stack file holds a "config:" map of keys to values.`,
    );
  }
  const section = root.get("config", true);
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  if (section === undefined || (isScalar(section) && section.value === null)) return { config, secretKeys };
  if (!isMap(section)) {
    throw new StackConfigError(
      `${file}: "config" must be a map of keys to values, not ${kindOf(doc.get("config"))}.`,
    );
  }
  const placeholder = options.placeholder ?? defaultPlaceholder;
  for (const pair of section.items) {
    const rawKey = String(isScalar(pair.key) ? pair.key.value : pair.key);
    const key = rawKey.includes(":") ? rawKey : `${project}:${rawKey}`;
    const { value, secret } = convert(pair.value, [], { key, file, doc, placeholder });
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
