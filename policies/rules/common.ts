/**
 * Helpers shared by the rule modules. Side-effect free: nothing here (or in any rule module)
 * starts a server; only `policies/index.ts` constructs the `PolicyPack`.
 *
 * Rules match resources by their type token (a string) rather than through `@pulumi/aws` classes,
 * so the pack does not load the AWS SDK at start-up and one rule can accept a resource and its
 * deprecated `...V2` twin.
 */
import {
  PolicyConfigSchema,
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";

// Resource properties arrive as untyped JSON (the SDK's `props` is `Record<string, any>` too).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Props = Record<string, any>;

/** A validator for one resource type: its inputs, the validation args, and the reporter. */
export type TypedValidator = (props: Props, args: ResourceValidationArgs, report: ReportViolation) => void;

// ---------------------------------------------------------------------------------------------
// Typed readers. A rule that compared a string or an object with a number would compare with NaN
// and pass, so every property a rule checks is read through these: absent (undefined or null)
// reads as undefined, the right type reads as itself, and anything else throws a
// PropertyTypeError that the wrappers below turn into a violation naming the property.
// Reading a value that is unknown at preview still throws the SDK's own error first (its proxy
// throws on access), so those keep becoming the advisory "can't run policy ... during preview".
// ---------------------------------------------------------------------------------------------

/** A checked property is present but has the wrong type (or a policy document does not parse). */
export class PropertyTypeError extends Error {
  override name = "PropertyTypeError";
  constructor(
    readonly path: string,
    readonly problem: string,
    /** The resource the property belongs to, set by `within` when a stack policy reads it. */
    readonly resource?: { readonly name: string; readonly type: string; readonly urn: string },
  ) {
    super(`${path} ${problem}`);
  }
}

/** Says what a wrong value is, briefly: `the string "thirty"`, `an object`, `the number 5`. */
export function describeValue(v: unknown): string {
  if (Array.isArray(v)) return "a list";
  if (typeof v === "string") return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === "number" || typeof v === "boolean") return `the ${typeof v} ${String(v)}`;
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

const wrong = (path: string, v: unknown, expected: string) =>
  new PropertyTypeError(path, `is ${describeValue(v)}, not ${expected}`);

const absent = (v: unknown): v is undefined | null => v === undefined || v === null;

function at(o: Props | undefined, key: string): unknown {
  return o === undefined ? undefined : o[key];
}

/** A string property, or undefined when absent. `path` names it in messages. */
export function str(o: Props | undefined, key: string, path = key): string | undefined {
  const v = at(o, key);
  if (absent(v)) return undefined;
  if (typeof v !== "string") throw wrong(path, v, "a string");
  return v;
}

/** A finite number property, or undefined when absent. */
export function num(o: Props | undefined, key: string, path = key): number | undefined {
  const v = at(o, key);
  if (absent(v)) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v)) throw wrong(path, v, "a number");
  return v;
}

/** A boolean property, or undefined when absent. */
export function bool(o: Props | undefined, key: string, path = key): boolean | undefined {
  const v = at(o, key);
  if (absent(v)) return undefined;
  if (typeof v !== "boolean") throw wrong(path, v, "true or false");
  return v;
}

/** An object property (not a list), or undefined when absent. */
export function obj(o: Props | undefined, key: string, path = key): Props | undefined {
  const v = at(o, key);
  if (absent(v)) return undefined;
  if (typeof v !== "object" || Array.isArray(v)) throw wrong(path, v, "an object");
  return v as Props;
}

/** A list of objects, empty when absent. */
export function objects(o: Props | undefined, key: string, path = key): Props[] {
  const v = at(o, key);
  if (absent(v)) return [];
  if (!Array.isArray(v)) throw wrong(path, v, "a list");
  v.forEach((e, i) => {
    if (!e || typeof e !== "object" || Array.isArray(e)) throw wrong(`${path}[${i}]`, e, "an object");
  });
  return v as Props[];
}

/** A list of strings, empty when absent. */
export function strings(o: Props | undefined, key: string, path = key): string[] {
  const v = at(o, key);
  if (absent(v)) return [];
  if (!Array.isArray(v)) throw wrong(path, v, "a list of strings");
  v.forEach((e, i) => {
    if (typeof e !== "string") throw wrong(`${path}[${i}]`, e, "a string");
  });
  return v as string[];
}

/**
 * A list whose elements the caller inspects itself (an EventBridge pattern's match values, which
 * may mix strings and content filters), empty when absent; a present non-list is an error.
 */
export function list(o: Props | undefined, key: string, path = key): unknown[] {
  const v = at(o, key);
  if (absent(v)) return [];
  if (!Array.isArray(v)) throw wrong(path, v, "a list");
  return v;
}

/** True for a non-empty string property; a present value of another type is an error. */
export function isSetString(o: Props | undefined, key: string, path = key): boolean {
  return (str(o, key, path) ?? "").length > 0;
}

/** A string or a list of strings (IAM's `Action`, `Resource`), as a list; empty when absent. */
export function oneOrMany(o: Props | undefined, key: string, path = key): string[] {
  const v = at(o, key);
  if (typeof v === "string") return [v];
  return strings(o, key, path);
}

/** An IAM policy document: its statements, each an object. */
export interface PolicyDocument {
  readonly Statement: Props[];
}

/**
 * A policy document given as JSON text (what `pulumi.jsonStringify` produces) or as an object;
 * undefined when absent. Text that is not JSON, a document that is not an object, or a
 * `Statement` that is neither an object nor a list of objects is a PropertyTypeError.
 */
export function policyDocument(o: Props | undefined, key: string, path = key): PolicyDocument | undefined {
  let v = at(o, key);
  if (absent(v)) return undefined;
  if (typeof v === "string") {
    try {
      v = JSON.parse(v);
    } catch {
      throw new PropertyTypeError(path, `is not a JSON policy document (${describeValue(at(o, key))})`);
    }
  }
  if (!v || typeof v !== "object" || Array.isArray(v)) throw wrong(path, v, "a policy document object");
  const doc = v as Props;
  const st = doc.Statement;
  if (st && typeof st === "object" && !Array.isArray(st)) return { Statement: [st as Props] };
  return { Statement: objects(doc, "Statement", `${path}.Statement`) };
}

/** The message for a property of the wrong type, naming the resource and the property. */
export function typeViolation(err: PropertyTypeError, resource: string, type: string): string {
  return `Resource "${resource}" (${type}): ${err.message}, so this rule cannot check it and fails. Give the property the type the provider documents.`;
}

// ---------------------------------------------------------------------------------------------
// Policy config. The engine validates a rule's properties against its schema but builds that
// schema from `properties` and `required` only (pkg/resource/analyzer/config.go, convertSchema),
// and the analyzer protocol carries nothing else, so a misspelled property such as `minDay`
// passes the CLI and the rule silently uses its default. Every rule's schema is therefore closed
// (`additionalProperties: false`, which the offline gate enforces before running), and the rules
// read their config through `ruleConfig`, which turns an unknown property into a violation under
// the CLI as well.
// ---------------------------------------------------------------------------------------------

/** A rule's config schema; always closed. */
export type ClosedConfigSchema = PolicyConfigSchema & { readonly additionalProperties: false };

/** Builds a rule's closed config schema. */
export function closedSchema(properties: PolicyConfigSchema["properties"]): ClosedConfigSchema {
  return { properties, additionalProperties: false };
}

/** A misspelled or unknown property in a rule's policy config. */
export class PolicyConfigError extends Error {
  override name = "PolicyConfigError";
}

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/** The candidate nearest to `word` by edit distance, if one is close enough to be a likely typo. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/** Names the unknown properties of a config object against a rule's schema, with suggestions. */
export function unknownConfigProperties(
  config: Record<string, unknown>,
  schema: PolicyConfigSchema | undefined,
): string[] {
  const known = Object.keys(schema?.properties ?? {});
  return Object.keys(config)
    .filter((k) => k !== "enforcementLevel" && !known.includes(k))
    .map((k) => {
      const near = nearest(k, known);
      return `"${k}"${near ? ` (did you mean "${near}"?)` : ""}`;
    });
}

/** A rule's config, checked against its closed schema: an unknown property throws PolicyConfigError. */
export function ruleConfig(
  args: { getConfig<T extends object>(): T },
  schema: PolicyConfigSchema,
): Record<string, unknown> {
  const config = args.getConfig<Record<string, unknown>>() ?? {};
  const unknown = unknownConfigProperties(config, schema);
  if (unknown.length)
    throw new PolicyConfigError(
      `The policy config of this rule has the unknown ${unknown.length === 1 ? "property" : "properties"} ${unknown.join(", ")}; allowed: ${Object.keys(schema.properties).join(", ")}. Fix policies/config/<stack>.json.`,
    );
  return config;
}

/**
 * Runs a validation and turns a PropertyTypeError or PolicyConfigError into a violation; any
 * other error (such as the SDK's unknown-value error at preview) propagates.
 */
export function reportingTypeErrors(
  run: () => void,
  report: ReportViolation,
  fallback: { name: string; type: string },
): void {
  try {
    run();
  } catch (err) {
    if (err instanceof PolicyConfigError) report(err.message);
    else if (err instanceof PropertyTypeError && err.resource)
      report(typeViolation(err, err.resource.name, err.resource.type), err.resource.urn);
    else if (err instanceof PropertyTypeError) report(typeViolation(err, fallback.name, fallback.type));
    else throw err;
  }
}

/**
 * One `validateResource` function for several type tokens. A resource of any other type is
 * reported as not applicable (what `validateResourceOfType` does for a single class), and a
 * single token is attached as `__pulumiType` so the server can skip the call altogether.
 */
export function forTypes(
  validators: Record<string, TypedValidator>,
): ResourceValidationPolicy["validateResource"] {
  const types = Object.keys(validators);
  const fn = (args: ResourceValidationArgs, report: ReportViolation) => {
    const validate = validators[args.type];
    if (!validate)
      return args.notApplicable(
        `Policy only applies to resources of type ${types.map((t) => `'${t}'`).join(", ")}`,
      );
    reportingTypeErrors(() => validate(args.props, args, report), report, args);
  };
  if (types.length === 1) (fn as unknown as { __pulumiType: string }).__pulumiType = types[0];
  return fn;
}

/**
 * Stack validation over the resources of the given types; not applicable when there are none.
 * A property of the wrong type is reported on the resource named by the error (see `within`).
 */
export function forStackTypes(
  types: readonly string[],
  validate: (resources: PolicyResource[], args: StackValidationArgs, report: ReportViolation) => void,
): StackValidationPolicy["validateStack"] {
  return (args, report) => {
    const matching = args.resources.filter((r) => types.includes(r.type));
    if (matching.length === 0)
      return args.notApplicable(
        `Policy only applies to stacks with resources of type ${types.map((t) => `'${t}'`).join(", ")}`,
      );
    reportingTypeErrors(() => validate(matching, args, report), report, {
      name: "the stack",
      type: "pulumi:pulumi:Stack",
    });
  };
}

/** Reads another resource's properties in a stack policy, so a type error names that resource. */
export function within<T>(r: PolicyResource, read: (props: Props) => T): T {
  try {
    return read(r.props);
  } catch (err) {
    if (err instanceof PropertyTypeError && !err.resource)
      throw new PropertyTypeError(err.path, err.problem, { name: r.name, type: r.type, urn: r.urn });
    throw err;
  }
}

/** The logical name of a resource, for messages. */
export function nameOf(r: { name: string }): string {
  return `"${r.name}"`;
}

/** A number from the policy config, falling back to the default in code (the engine applies schema defaults, the SDK does not). */
export function configNumber(config: Record<string, unknown>, key: string, fallback: number): number {
  const v = config[key];
  return typeof v === "number" ? v : fallback;
}

export function configBoolean(config: Record<string, unknown>, key: string, fallback: boolean): boolean {
  const v = config[key];
  return typeof v === "boolean" ? v : fallback;
}

export function configStrings(
  config: Record<string, unknown>,
  key: string,
  fallback: readonly string[],
): readonly string[] {
  const v = config[key];
  return Array.isArray(v) && v.every((s) => typeof s === "string") ? (v as string[]) : fallback;
}
