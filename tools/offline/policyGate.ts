/**
 * The credential-free policy gate: runs the real policy pack (`policies/index.ts`) over a
 * `pulumi stack export` file the way the Pulumi engine does (`pulumi policy analyze --file`),
 * without the CLI. The pack is spawned as its own process and driven through the analyzer gRPC
 * protocol with the clients generated in `@pulumi/pulumi/proto`:
 *
 * - GetAnalyzerInfo, then the engine's config merge (schema defaults, the pack's initial config,
 *   then `all`, then per-policy entries, then JSON-schema validation), then Configure;
 * - Analyze once per resource with its inputs (secrets kept, `__` keys dropped, like the engine);
 * - AnalyzeStack once with every resource's outputs, parent, dependencies and property
 *   dependencies.
 *
 * One pack process can serve many analyses (tests reuse it); `close()` ends it.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import { describeIoError } from "../cli";
import { nearest } from "../../policies/rules/common";
import { PASSPHRASE_TYPE, PassphraseCrypter, configPassphrase } from "./secrets";

const PULUMI_DIR = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
// The generated clients and messages must come from the same copies @pulumi/pulumi uses.
/* eslint-disable @typescript-eslint/no-require-imports */
const grpc = require(require.resolve("@grpc/grpc-js", { paths: [PULUMI_DIR] }));
const structproto = require(
  require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [PULUMI_DIR] }),
);
const analyzerpb = require("@pulumi/pulumi/proto/analyzer_pb");
const analyzergrpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

export const POLICY_PACK_DIR = path.resolve(__dirname, "..", "..", "policies");

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** What the engine sends for a value it cannot know (a computed value in a preview's state). */
export const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/**
 * What `pulumi policy analyze --file` gives a secret it cannot decrypt (its redacting decrypter,
 * pkg/backend/secrets BlindingProvider): the string "[secret]", whatever the value's type. A rule
 * reading a number, a flag or a list there reports the wrong type, so the check fails closed.
 */
export const REDACTED_SECRET = "[secret]";

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";
const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];
const LEVEL_OF: Record<number, EnforcementLevel> = {
  0: "advisory",
  1: "mandatory",
  2: "disabled",
  3: "remediate",
};
const LEVEL_CODE: Record<EnforcementLevel, number> = { advisory: 0, mandatory: 1, disabled: 2, remediate: 3 };

/** A usage, file or configuration problem: the CLI exits with 2. */
export class GateInputError extends Error {
  override name = "GateInputError";
}

/** One resource of a `pulumi stack export` (version 3) deployment. */
export interface ExportedResource {
  urn: string;
  type: string;
  custom?: boolean;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  parent?: string;
  provider?: string;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
  protect?: boolean;
  retainOnDelete?: boolean;
  delete?: boolean;
  aliases?: string[];
  additionalSecretOutputs?: string[];
  ignoreChanges?: string[];
}

export interface ExportedState {
  version: number;
  deployment: { resources?: ExportedResource[] | null; [k: string]: unknown };
}

export interface PolicyInfo {
  readonly name: string;
  readonly description: string;
  readonly type: "resource" | "stack" | "unknown";
  readonly enforcementLevel: EnforcementLevel;
  readonly configSchema?: { properties: Record<string, Record<string, unknown>>; required: string[] };
}

export interface PackInfo {
  readonly name: string;
  readonly version: string;
  readonly policies: readonly PolicyInfo[];
  readonly initialConfig: PolicyConfigMap;
}

export interface PolicyConfigEntry {
  enforcementLevel?: EnforcementLevel;
  properties?: Record<string, unknown>;
}
export type PolicyConfigMap = Record<string, PolicyConfigEntry>;

export interface Violation {
  readonly policy: string;
  readonly level: "mandatory" | "advisory";
  readonly urn: string;
  readonly message: string;
}

export interface NotApplicable {
  readonly policy: string;
  readonly reason: string;
}

/** A remote component whose children the state does not hold, so no rule saw them. */
export interface NotSeen {
  readonly urn: string;
  readonly type: string;
  /** What the component creates when the real engine runs its provider. */
  readonly children: string;
}

export interface GateResult {
  readonly violations: Violation[];
  /** What the analysis could not do as asked (secrets it could not decrypt and analyzed redacted). */
  readonly warnings: string[];
  /** Remote components rendered as one opaque resource (offline plans): their children were not checked. */
  readonly notSeen: NotSeen[];
  /** Enabled policies that applied to no resource of the state. */
  readonly notApplicable: NotApplicable[];
  readonly summary: {
    readonly policyPack: string;
    readonly resources: number;
    /** `resources` by kind (see countByKind): what `npm run plan` counts, and what it leaves out. */
    readonly plan: number;
    readonly topLevelComponents: number;
    readonly providers: number;
    readonly stacks: number;
    readonly policies: number;
    readonly disabled: number;
    readonly mandatory: number;
    readonly advisory: number;
    readonly notApplicable: number;
    readonly passed: boolean;
  };
}

/**
 * Multi-language (remote) components this program uses, with what their provider creates. Under
 * the mock runtime (and therefore in `npm run plan`'s export) such a component registers as one
 * resource without children (the awsx provider, which would create them, does not run), while
 * `pulumi preview` and a real export hold its children.
 * Subnets etc.: https://www.pulumi.com/registry/packages/awsx/api-docs/ec2/vpc/
 */
export const REMOTE_COMPONENTS: Readonly<Record<string, string>> = {
  "awsx:ec2:Vpc": "subnets, route tables, internet gateway, NAT gateways",
  "awsx:ec2:DefaultVpc": "the default subnets",
  "awsx:lb:ApplicationLoadBalancer": "load balancer, listeners, target group, security group",
  "awsx:lb:NetworkLoadBalancer": "load balancer, listeners, target group",
  "awsx:ecs:FargateService": "service, task definition, roles, log group",
  "awsx:ecs:EC2Service": "service, task definition, roles, log group",
  "awsx:ecr:Repository": "repository, lifecycle policy",
};

/** Remote components (`remote: true`, or a known remote type) with no children in the state. */
export function remoteComponentsWithoutChildren(resources: readonly ExportedResource[]): NotSeen[] {
  const parents = new Set(resources.map((r) => r.parent).filter((p): p is string => !!p));
  return resources
    .filter((r) => !r.custom && ((r as { remote?: boolean }).remote || r.type in REMOTE_COMPONENTS))
    .filter((r) => !parents.has(r.urn))
    .map((r) => ({
      urn: r.urn,
      type: r.type,
      children:
        r.type === "awsx:ec2:Vpc" ? vpcChildren(r.inputs) : (REMOTE_COMPONENTS[r.type] ?? "its children"),
    }));
}

/**
 * Counts the resources the gate analyzes by kind. `plan` is what `npm run plan` calls
 * "resources" (custom resources and the components inside the top-level ones); the gate also
 * analyzes the stack, the top-level components and the providers.
 */
export function countByKind(resources: readonly ExportedResource[]): {
  plan: number;
  topLevelComponents: number;
  providers: number;
  stacks: number;
} {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  let plan = 0;
  let topLevelComponents = 0;
  let providers = 0;
  let stacks = 0;
  for (const r of resources) {
    if (r.type === "pulumi:pulumi:Stack") stacks++;
    else if (r.type.startsWith("pulumi:providers:")) providers++;
    else if (!r.custom && r.parent && byUrn.get(r.parent)?.type === "pulumi:pulumi:Stack")
      topLevelComponents++;
    else plan++;
  }
  return { plan, topLevelComponents, providers, stacks };
}

/** What an awsx Vpc creates (https://www.pulumi.com/registry/packages/awsx/api-docs/ec2/vpc/). */
function vpcChildren(inputs: Record<string, unknown> | undefined): string {
  // awsx's default NAT strategy is OnePerAz; "None" creates no NAT gateways or Elastic IPs.
  const strategy = ((inputs?.natGateways as { strategy?: unknown } | undefined)?.strategy ??
    "OnePerAz") as string;
  return `subnets, route tables and their associations, routes, internet gateway${strategy === "None" ? "" : ", NAT gateways and their Elastic IPs"}`;
}

// ---------------------------------------------------------------------------------------------
// Reading files
// ---------------------------------------------------------------------------------------------

/** Reads and checks a stack export. */
export function readState(file: string): ExportedState {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new GateInputError(
      describeIoError(err, file, "read").replace(/^cannot read /, "cannot read the state file "),
    );
  }
  let state: unknown;
  try {
    state = JSON.parse(text);
  } catch (err) {
    throw new GateInputError(`${file} is not JSON: ${(err as Error).message}`);
  }
  return checkState(state, file);
}

export function checkState(state: unknown, file = "state"): ExportedState {
  const s = state as Partial<ExportedState> | null;
  if (!s || typeof s !== "object" || typeof s.deployment !== "object" || s.deployment === null) {
    throw new GateInputError(`${file} is not a \`pulumi stack export\` file: it has no "deployment" object.`);
  }
  if (s.version !== 3) {
    throw new GateInputError(
      `${file} has deployment version ${JSON.stringify(s.version)}; only version 3 (what \`pulumi stack export\` writes) is supported.`,
    );
  }
  const resources = s.deployment.resources ?? [];
  if (
    !Array.isArray(resources) ||
    resources.some((r) => !r || typeof r.urn !== "string" || typeof r.type !== "string")
  ) {
    throw new GateInputError(
      `${file}: deployment.resources must be a list of resources with "urn" and "type".`,
    );
  }
  for (const r of resources) {
    for (const side of ["inputs", "outputs"] as const) {
      const depth = nestingDepth(r[side], MAX_DEPTH);
      if (depth > MAX_DEPTH)
        throw new GateInputError(
          `${file}: the ${side} of ${r.urn} are nested more than ${MAX_DEPTH} levels deep, which no provider produces; the file is damaged or not a stack export.`,
        );
    }
  }
  return s as ExportedState;
}

/**
 * Deepest nesting the gate accepts in a resource's properties. Real AWS inputs nest a few dozen
 * levels at most; the protobuf marshalling that sends them to the pack recurses per level and
 * overflows the stack somewhere past 1,000 levels (a RangeError, not a sentence).
 */
export const MAX_DEPTH = 256;

/** Nesting depth of a JSON value, computed without recursion; stops counting past `limit`. */
export function nestingDepth(value: unknown, limit = Infinity): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (!v || typeof v !== "object") continue;
    if (d + 1 > max) max = d + 1;
    if (max > limit) return max;
    for (const c of Array.isArray(v) ? v : Object.values(v)) stack.push([c, d + 1]);
  }
  return max;
}

/**
 * Parses a policy config file the way the CLI does (`--policy-pack-config`): each key is a policy
 * name or `all`; a value is an enforcement level or an object with an optional `enforcementLevel`
 * and the policy's properties.
 */
export function parsePolicyConfig(text: string, file = "policy config"): PolicyConfigMap {
  if (text.trim() === "") return {};
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new GateInputError(`${file} is not JSON: ${(err as Error).message}`);
  }
  if (!raw || typeof raw !== "object" || Array.isArray(raw))
    throw new GateInputError(`${file} must be a JSON object keyed by policy name.`);
  const result: PolicyConfigMap = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const entry: PolicyConfigEntry = {};
    if (typeof value === "string") {
      if (!LEVELS.includes(value as EnforcementLevel)) {
        throw new GateInputError(
          `${file}: parsing enforcement level for "${key}": "${value}" is not a valid enforcement level (${LEVELS.join(", ")}).`,
        );
      }
      entry.enforcementLevel = value as EnforcementLevel;
    } else if (value && typeof value === "object" && !Array.isArray(value)) {
      const props = { ...(value as Record<string, unknown>) };
      if ("enforcementLevel" in props) {
        const level = props.enforcementLevel;
        if (typeof level !== "string" || !LEVELS.includes(level as EnforcementLevel)) {
          throw new GateInputError(
            `${file}: parsing enforcement level for "${key}": ${JSON.stringify(level)} is not a valid enforcement level (${LEVELS.join(", ")}).`,
          );
        }
        entry.enforcementLevel = level as EnforcementLevel;
        delete props.enforcementLevel;
      }
      if (Object.keys(props).length) entry.properties = props;
    } else {
      throw new GateInputError(
        `${file}: parsing "${key}": ${JSON.stringify(value)} is not a valid value; must be a string or object.`,
      );
    }
    if (entry.enforcementLevel === undefined && entry.properties === undefined) continue;
    result[key] = entry;
  }
  return result;
}

export function readPolicyConfig(file: string): PolicyConfigMap {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT")
      throw new GateInputError(
        `There is no policy config ${file}; every stack needs one (copy policies/config/dev.json for a new stack and set its levels and thresholds).`,
      );
    if (code === "EISDIR")
      throw new GateInputError(`The policy config ${file} is a directory, not a JSON file.`);
    throw new GateInputError(`Cannot read the policy config ${file} (${code ?? (err as Error).message}).`);
  }
  return parsePolicyConfig(text, file);
}

// ---------------------------------------------------------------------------------------------
// The engine's config merge
// ---------------------------------------------------------------------------------------------

function applyConfig(result: PolicyConfigMap, given: PolicyConfigMap): PolicyConfigMap {
  const all = given.all?.enforcementLevel;
  if (all) for (const k of Object.keys(result)) result[k] = { ...result[k], enforcementLevel: all };
  for (const [policy, cfg] of Object.entries(given)) {
    const current = result[policy] ?? {};
    const properties =
      cfg.properties && Object.keys(cfg.properties).length
        ? { ...(current.properties ?? {}), ...cfg.properties }
        : current.properties;
    result[policy] = {
      enforcementLevel: cfg.enforcementLevel ?? current.enforcementLevel,
      ...(properties ? { properties } : {}),
    };
  }
  return result;
}

/**
 * Schema defaults, then the pack's initial config, then the given config (`all` first, then
 * per-policy entries), then validation of every policy's properties against its schema (with
 * `enforcementLevel` injected, as the engine does). Throws GateInputError listing every error.
 */
export function reconcileConfig(info: PackInfo, config: PolicyConfigMap): PolicyConfigMap {
  let result: PolicyConfigMap = {};
  for (const p of info.policies) {
    const defaults: Record<string, unknown> = {};
    for (const [k, s] of Object.entries(p.configSchema?.properties ?? {}))
      if ("default" in s) defaults[k] = s.default;
    result[p.name] = {
      enforcementLevel: p.enforcementLevel,
      ...(Object.keys(defaults).length ? { properties: defaults } : {}),
    };
  }
  result = applyConfig(result, JSON.parse(JSON.stringify(info.initialConfig)) as PolicyConfigMap);
  result = applyConfig(result, JSON.parse(JSON.stringify(config)) as PolicyConfigMap);

  const ajv = new Ajv({ allErrors: true });
  const errors: string[] = [];
  for (const p of info.policies) {
    // Closed, unlike the engine's (which drops additionalProperties: the analyzer protocol only
    // carries properties and required): every rule of this pack declares additionalProperties
    // false, and a misspelled property must not silently leave the rule at its default.
    const known = Object.keys(p.configSchema?.properties ?? {});
    const schema = {
      type: "object",
      properties: {
        ...(p.configSchema?.properties ?? {}),
        enforcementLevel: { type: "string", enum: [...LEVELS] },
      },
      additionalProperties: false,
      ...(p.configSchema?.required.length ? { required: p.configSchema.required } : {}),
    };
    const validate = ajv.compile(schema);
    if (!validate(result[p.name]?.properties ?? {})) {
      for (const e of validate.errors ?? []) {
        if (e.keyword === "additionalProperties") {
          const prop = (e.params as { additionalProperty: string }).additionalProperty;
          const near = nearest(prop, known);
          errors.push(
            `The rule "${p.name}" has no property "${prop}"${near ? `; did you mean "${near}"?` : "."}` +
              (known.length
                ? ` Its properties: ${known.join(", ")}.`
                : " It takes no properties, only an enforcement level."),
          );
        } else {
          errors.push(`${p.name}: ${e.dataPath ? `${e.dataPath.replace(/^\./, "")} ` : ""}${e.message}`);
        }
      }
    }
  }
  const names = info.policies.map((p) => p.name);
  for (const k of Object.keys(config)) {
    if (k === "all" || names.includes(k)) continue;
    const near = nearest(k, names);
    // The engine would ignore a level for an unknown name and fail on properties with 'invalid
    // enforcement level ""'; either way the intended rule keeps its default, so both are errors.
    errors.push(
      `"${k}" names no rule of the pack${near ? `; did you mean "${near}"?` : " (see the rule table in README.md)."}`,
    );
  }
  if (errors.length)
    throw new GateInputError(
      errors.length === 1
        ? `Invalid policy config: ${errors[0]}`
        : `Invalid policy config:\n  ${errors.join("\n  ")}`,
    );
  return result;
}

// ---------------------------------------------------------------------------------------------
// State values to wire values, as the engine marshals them for analyzers
// ---------------------------------------------------------------------------------------------

/**
 * Secrets keep their signature (`plaintext` decoded, `ciphertext` unknown); `__` keys are dropped.
 * `where` names the value in messages (a secret whose plaintext is not JSON is an input error).
 */
export function toWire(value: unknown, where = "the state"): unknown {
  if (Array.isArray(value)) return value.map((v, i) => toWire(v, `${where}[${i}]`));
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (o[SIG_KEY] === SECRET_SIG) {
      if (typeof o.plaintext === "string") {
        let plain: unknown;
        try {
          plain = JSON.parse(o.plaintext);
        } catch {
          throw new GateInputError(
            `The secret at ${where} has a "plaintext" that is not JSON (\`pulumi stack export --show-secrets\` writes each secret's value as JSON text), so the file is damaged.`,
          );
        }
        if (nestingDepth(plain, MAX_DEPTH) > MAX_DEPTH)
          throw new GateInputError(`The secret at ${where} is nested more than ${MAX_DEPTH} levels deep.`);
        return { [SIG_KEY]: SECRET_SIG, value: toWire(plain, where) };
      }
      if ("value" in o) return { [SIG_KEY]: SECRET_SIG, value: toWire(o.value, where) };
      // resolveSecrets decrypts or redacts every ciphertext first; redact anything else.
      return { [SIG_KEY]: SECRET_SIG, value: REDACTED_SECRET };
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) {
      if (k.startsWith("__") || v === undefined) continue;
      out[k] = toWire(v, `${where}.${k}`);
    }
    return out;
  }
  return value;
}

/**
 * How many Analyze calls are in flight at once. Sending every call at once (as before) kept every
 * request, response and protobuf copy alive together: 50,000 resources took about 110 s and
 * 3.9 GiB. A few concurrent calls keep the pack busy; more only queue in memory.
 */
export const ANALYZE_CONCURRENCY = 16;

/** Maps `items` through `fn` with at most `limit` calls pending, keeping the order of results. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const nameOfUrn = (urn: string) => urn.split("::").pop() ?? urn;

function options(r: ExportedResource): any {
  const o = new analyzerpb.AnalyzerResourceOptions();
  o.setProtect(!!r.protect);
  o.setIgnorechangesList(r.ignoreChanges ?? []);
  o.setAliasesList(r.aliases ?? []);
  o.setAdditionalsecretoutputsList(r.additionalSecretOutputs ?? []);
  o.setCustomtimeouts(new analyzerpb.AnalyzerResourceOptions.CustomTimeouts());
  if (r.parent) o.setParent(r.parent);
  return o;
}

function providerOf(r: ExportedResource, byUrn: Map<string, ExportedResource>): any {
  if (!r.provider) return undefined;
  // A provider reference is `<urn>::<id>`; the URN itself contains `::`.
  const urn = r.provider.slice(0, r.provider.lastIndexOf("::"));
  const p = byUrn.get(urn);
  if (!p) return undefined;
  const pr = new analyzerpb.AnalyzerProviderResource();
  pr.setUrn(p.urn);
  pr.setType(p.type);
  pr.setName(nameOfUrn(p.urn));
  pr.setProperties(structproto.Struct.fromJavaScript(toWire(p.inputs ?? {}, `${p.urn} inputs`)));
  return pr;
}

// ---------------------------------------------------------------------------------------------
// Encrypted secrets and the root stack, as `pulumi policy analyze --file` treats them
// ---------------------------------------------------------------------------------------------

/** The root stack's URN: the stack resource without a parent, else the one the engine would name. */
export function rootStackUrn(resources: readonly ExportedResource[]): string {
  const root = resources.find((r) => r.type === "pulumi:pulumi:Stack" && !r.parent);
  if (root) return root.urn;
  const first = resources.find((r) => r.urn.startsWith("urn:pulumi:"));
  if (!first) return "";
  // urn:pulumi:<stack>::<project>::<type>::<name>
  const [head, project] = first.urn.split("::");
  const stack = head.slice("urn:pulumi:".length);
  return `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`;
}

/** Every `ciphertext` secret in a resource's inputs and outputs, with a setter for its plaintext. */
function ciphertexts(
  resources: readonly ExportedResource[],
): { ciphertext: string; set: (p: string) => void }[] {
  const found: { ciphertext: string; set: (p: string) => void }[] = [];
  const stack: unknown[] = [];
  for (const r of resources) stack.push(r.inputs, r.outputs);
  while (stack.length) {
    const v = stack.pop();
    if (!v || typeof v !== "object") continue;
    const o = v as Record<string, unknown>;
    if (o[SIG_KEY] === SECRET_SIG && typeof o.ciphertext === "string" && o.plaintext === undefined) {
      found.push({
        ciphertext: o.ciphertext,
        set: (p) => {
          delete o.ciphertext;
          o.plaintext = p;
        },
      });
      continue;
    }
    for (const c of Array.isArray(v) ? v : Object.values(o)) stack.push(c);
  }
  return found;
}

/**
 * Decrypts the state's encrypted secrets as `pulumi policy analyze --file` does: with the
 * deployment's passphrase provider and PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE).
 * When that is not possible (no passphrase, a wrong one, another provider type, a damaged value)
 * every encrypted secret is redacted to "[secret]" and a warning says so, as the CLI does. A state
 * with encrypted secrets but no secrets provider is refused, as the CLI refuses it. The given
 * state is not changed.
 */
export function resolveSecrets(
  state: ExportedState,
  env: Readonly<Record<string, string | undefined>> = process.env,
): { state: ExportedState; warnings: string[] } {
  const copy = JSON.parse(JSON.stringify(state)) as ExportedState;
  const secrets = ciphertexts(copy.deployment.resources ?? []);
  if (secrets.length === 0) return { state, warnings: [] };
  const provider = copy.deployment.secrets_providers as
    { type?: string; state?: { salt?: unknown } } | undefined;
  if (!provider?.type)
    throw new GateInputError(
      `The state has ${secrets.length} encrypted secret(s) but no deployment.secrets_providers to decrypt them with; export the stack again with \`pulumi stack export\` (which writes it) or with --show-secrets.`,
    );
  let reason: string;
  const passphrase = configPassphrase(env);
  if (provider.type !== PASSPHRASE_TYPE) {
    reason = `its secrets provider "${provider.type}" needs credentials the check does not use (only a passphrase provider is decrypted); export it with \`pulumi stack export --show-secrets\` to check the real values`;
  } else if (passphrase === undefined) {
    reason = "neither PULUMI_CONFIG_PASSPHRASE nor PULUMI_CONFIG_PASSPHRASE_FILE is set";
  } else {
    const salt = provider.state?.salt;
    const crypter = typeof salt === "string" ? PassphraseCrypter.fromState(passphrase, salt) : undefined;
    if (!crypter) {
      reason = "the passphrase does not open the stack's secrets provider";
    } else {
      const plain = secrets.map((s) => crypter.decrypt(s.ciphertext));
      const bad = plain.findIndex((p) => p === undefined);
      if (bad < 0) {
        secrets.forEach((s, i) => s.set(plain[i]!));
        return { state: copy, warnings: [] };
      }
      reason = `secret ${bad + 1} of ${secrets.length} is damaged or was encrypted with another key`;
    }
  }
  for (const s of secrets) s.set(JSON.stringify(REDACTED_SECRET));
  return {
    state: copy,
    warnings: [
      `could not decrypt the ${secrets.length} encrypted secret(s) (${reason}); analyzing with each of them redacted to "${REDACTED_SECRET}", as \`pulumi policy analyze\` does: a rule that reads a number, a flag or a list there reports a violation.`,
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// The pack process
// ---------------------------------------------------------------------------------------------

function call<T>(client: any, method: string, request: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    client[method](request, (err: Error | null, resp: T) => (err ? reject(err) : resolve(resp)));
  });
}

export class PackSession {
  private constructor(
    private readonly child: ChildProcess,
    private readonly client: any,
    readonly info: PackInfo,
  ) {}

  /** Spawns the pack (TypeScript, transpile-only) in its directory and reads its analyzer info. */
  static async start(packDir = POLICY_PACK_DIR, timeoutMs = 60_000): Promise<PackSession> {
    const child = spawn(
      process.execPath,
      // esbuild-register transpiles the pack's TypeScript on load, like ts-node's transpile-only
      // mode the CLI uses, in a fraction of the start-up time (the pack is type-checked by tsc).
      ["-r", require.resolve("esbuild-register"), "index.ts"],
      {
        cwd: packDir,
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, TS_NODE_PROJECT: path.join(packDir, "tsconfig.json") },
      },
    );
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    let port: number;
    try {
      port = await new Promise<number>((resolve, reject) => {
        let out = "";
        const timer = setTimeout(
          () => reject(new Error(`the policy pack did not print its port within ${timeoutMs} ms`)),
          timeoutMs,
        );
        child.stdout!.on("data", (d: Buffer) => {
          out += d.toString();
          const nl = out.indexOf("\n");
          if (nl >= 0) {
            clearTimeout(timer);
            const p = Number(out.slice(0, nl).trim());
            if (Number.isInteger(p) && p > 0) resolve(p);
            else
              reject(
                new Error(`the policy pack printed ${JSON.stringify(out.slice(0, nl))} instead of a port`),
              );
          }
        });
        child.on("exit", (code) => {
          clearTimeout(timer);
          reject(new Error(`the policy pack exited with code ${code} before serving:\n${stderr}`));
        });
      });
    } catch (err) {
      if (child.exitCode === null) child.kill();
      throw err;
    }
    const client = new analyzergrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
      "grpc.max_receive_message_length": 400 * 1024 * 1024,
      "grpc.max_send_message_length": 400 * 1024 * 1024,
    });
    try {
      const Empty = analyzergrpc.AnalyzerService.getAnalyzerInfo.requestType;
      const resp = await call<any>(client, "getAnalyzerInfo", new Empty());
      return new PackSession(child, client, PackSession.toInfo(resp));
    } catch (err) {
      client.close();
      child.kill();
      throw err;
    }
  }

  private static toInfo(resp: any): PackInfo {
    const policies: PolicyInfo[] = resp.getPoliciesList().map((p: any) => {
      const schema = p.getConfigschema();
      return {
        name: p.getName(),
        description: p.getDescription(),
        type: p.getPolicyType() === 1 ? "resource" : p.getPolicyType() === 2 ? "stack" : "unknown",
        enforcementLevel: LEVEL_OF[p.getEnforcementlevel()],
        ...(schema
          ? {
              configSchema: {
                properties: (schema.getProperties()?.toJavaScript() ?? {}) as Record<
                  string,
                  Record<string, unknown>
                >,
                required: schema.getRequiredList(),
              },
            }
          : {}),
      };
    });
    const initialConfig: PolicyConfigMap = {};
    resp.getInitialconfigMap().forEach((v: any, k: string) => {
      const props = v.getProperties()?.toJavaScript();
      initialConfig[k] = {
        enforcementLevel: LEVEL_OF[v.getEnforcementlevel()],
        ...(props && Object.keys(props).length ? { properties: props } : {}),
      };
    });
    return { name: resp.getName(), version: resp.getVersion(), policies, initialConfig };
  }

  /** Ends the pack process. */
  close(): void {
    this.client.close();
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill();
  }

  /** Configures the pack (merged config) and analyzes the state as `pulumi policy analyze` does. */
  async analyze(
    state: ExportedState,
    config: PolicyConfigMap = {},
    env: Readonly<Record<string, string | undefined>> = process.env,
  ): Promise<GateResult> {
    return this.analyzeConfigured(state, reconcileConfig(this.info, config), env);
  }

  /**
   * Analyzes the state with a config that is already merged, sent to the pack as is (what the
   * CLI's engine sends, which does not reject unknown properties: tests use this to check that
   * the rules themselves report them).
   */
  async analyzeConfigured(
    exported: ExportedState,
    merged: PolicyConfigMap,
    env: Readonly<Record<string, string | undefined>> = process.env,
  ): Promise<GateResult> {
    checkState(exported);
    const { state, warnings } = resolveSecrets(exported, env);

    const req = new analyzerpb.ConfigureAnalyzerRequest();
    const map = req.getPolicyconfigMap();
    for (const [k, v] of Object.entries(merged)) {
      const pc = new analyzerpb.PolicyConfig();
      pc.setEnforcementlevel(LEVEL_CODE[v.enforcementLevel!]);
      pc.setProperties(structproto.Struct.fromJavaScript(v.properties ?? {}));
      map.set(k, pc);
    }
    await call(this.client, "configure", req);

    const resources = (state.deployment.resources ?? []).filter((r) => !r.delete);
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const rootStack = rootStackUrn(resources);
    const violations: Violation[] = [];
    const applied = new Set<string>();
    // The reason of the last response in state order wins, whatever order responses arrive in.
    const reasons = new Map<string, { at: number; reason: string }>();
    const levelOf = (d: any): "mandatory" | "advisory" => {
      const l = LEVEL_OF[d.getEnforcementlevel()];
      return l === "mandatory" || l === "remediate" ? "mandatory" : "advisory";
    };
    const enabled = this.info.policies.filter((p) => merged[p.name]?.enforcementLevel !== "disabled");
    /**
     * Takes what the gate needs from one response (its violations, which policies applied) as it
     * arrives, so responses are not kept: for a large state their not-applicable lists (one entry
     * per policy and resource) were most of the gate's memory.
     */
    const record = (
      resp: any,
      at: number,
      urn: string | undefined,
      kind: "resource" | "stack",
    ): Violation[] => {
      const found: Violation[] = resp.getDiagnosticsList().map((d: any) => ({
        policy: d.getPolicyname(),
        level: levelOf(d),
        // A stack policy's violation names the resource it is about; one that names none (or a
        // resource not in the state) is the root stack's, as the engine attributes it.
        urn: urn ?? (byUrn.has(d.getUrn()) ? d.getUrn() : rootStack),
        message: d.getMessage(),
      }));
      const na = new Set<string>();
      for (const n of resp.getNotApplicableList()) {
        const name: string = n.getPolicyName();
        na.add(name);
        if ((reasons.get(name)?.at ?? -1) <= at) reasons.set(name, { at, reason: n.getReason() });
      }
      for (const p of enabled) if (p.type === kind && !na.has(p.name)) applied.add(p.name);
      return found;
    };

    // Per-resource analysis with inputs, in state order (as the engine walks the snapshot), with a
    // bounded number of calls in flight; each request is built just before it is sent.
    const perResource = await mapLimit(resources, ANALYZE_CONCURRENCY, async (r, i) => {
      const ar = new analyzerpb.AnalyzeRequest();
      ar.setUrn(r.urn);
      ar.setType(r.type);
      ar.setName(nameOfUrn(r.urn));
      ar.setProperties(structproto.Struct.fromJavaScript(toWire(r.inputs ?? {}, `${r.urn} inputs`)));
      ar.setOptions(options(r));
      const provider = providerOf(r, byUrn);
      if (provider) ar.setProvider(provider);
      return record(await call<any>(this.client, "analyze", ar), i, r.urn, "resource");
    });
    for (const found of perResource) violations.push(...found);

    // Stack analysis with outputs and the resource graph.
    const sr = new analyzerpb.AnalyzeStackRequest();
    sr.setResourcesList(
      resources.map((r) => {
        const a = new analyzerpb.AnalyzerResource();
        a.setUrn(r.urn);
        a.setType(r.type);
        a.setName(nameOfUrn(r.urn));
        a.setProperties(structproto.Struct.fromJavaScript(toWire(r.outputs ?? {}, `${r.urn} outputs`)));
        a.setOptions(options(r));
        const provider = providerOf(r, byUrn);
        if (provider) a.setProvider(provider);
        if (r.parent) a.setParent(r.parent);
        a.setDependenciesList(r.dependencies ?? []);
        const deps = a.getPropertydependenciesMap();
        for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
          if (urns.length === 0) continue;
          const pd = new analyzerpb.AnalyzerPropertyDependencies();
          pd.setUrnsList(urns);
          deps.set(k, pd);
        }
        return a;
      }),
    );
    violations.push(
      ...record(await call<any>(this.client, "analyzeStack", sr), resources.length, undefined, "stack"),
    );

    const notApplicable = enabled
      .filter((p) => !applied.has(p.name))
      .map((p) => ({ policy: p.name, reason: reasons.get(p.name)?.reason ?? "" }));
    const mandatory = violations.filter((v) => v.level === "mandatory").length;
    return {
      violations,
      warnings,
      notApplicable,
      notSeen: remoteComponentsWithoutChildren(resources),
      summary: {
        policyPack: `${this.info.name}@${this.info.version}`,
        resources: resources.length,
        ...countByKind(resources),
        policies: this.info.policies.length,
        disabled: this.info.policies.length - enabled.length,
        mandatory,
        advisory: violations.length - mandatory,
        notApplicable: notApplicable.length,
        passed: mandatory === 0,
      },
    };
  }
}

/** Starts the pack, analyzes one state, ends the pack. */
export async function runGate(
  state: ExportedState,
  config: PolicyConfigMap = {},
  packDir = POLICY_PACK_DIR,
): Promise<GateResult> {
  const session = await PackSession.start(packDir);
  try {
    return await session.analyze(state, config);
  } finally {
    session.close();
  }
}

/** One line per violation (`LEVEL policy-name urn: message`), then the summary. */
export function formatText(result: GateResult): string {
  const lines = result.warnings.map((w) => `warning: ${w}`);
  lines.push(
    ...result.violations.map(
      (v) => `${v.level} ${v.policy} ${v.urn}: ${v.message.replace(/\s*\n\s*/g, " ")}`,
    ),
  );
  const s = result.summary;
  lines.push(
    `Policy pack ${s.policyPack}: ${s.resources} resources (the plan's ${s.plan}, plus ${s.stacks} stack, ${s.topLevelComponents} top-level components and ${s.providers} providers), ` +
      `${s.policies} policies (${s.disabled} disabled, ${s.notApplicable} not applicable): ` +
      `${s.mandatory} mandatory and ${s.advisory} advisory violation(s) — ${s.passed ? "passed" : "FAILED"}.`,
  );
  const note = notSeenNote(result.notSeen);
  if (note) lines.push(note);
  return lines.join("\n");
}

/** The honest line about what the gate could not see, or undefined when it saw everything. */
export function notSeenNote(notSeen: readonly NotSeen[]): string | undefined {
  if (notSeen.length === 0) return undefined;
  const list = notSeen.map((n) => `${n.type} ${nameOfUrn(n.urn)}: ${n.children}`).join("; ");
  return (
    `Not seen offline: the children of ${notSeen.length} remote component${notSeen.length === 1 ? "" : "s"} (${list}) ` +
    "are created by the component's provider, which does not run under mocks, so no rule checked them — run `pulumi preview --policy-pack policies` to check them."
  );
}

/** The `--json` document. */
export function toJson(result: GateResult): {
  violations: Violation[];
  warnings: string[];
  notApplicable: NotApplicable[];
  notSeen: NotSeen[];
  summary: GateResult["summary"];
} {
  return {
    violations: result.violations,
    warnings: result.warnings,
    notApplicable: result.notApplicable,
    notSeen: result.notSeen,
    summary: result.summary,
  };
}
