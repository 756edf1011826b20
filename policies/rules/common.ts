/**
 * Helpers shared by the rule modules. Side-effect free: nothing here (or in any rule module)
 * starts a server; only `policies/index.ts` constructs the `PolicyPack`.
 *
 * Rules match resources by their type token (a string) rather than through `@pulumi/aws` classes,
 * so the pack does not load the AWS SDK at start-up and one rule can accept a resource and its
 * deprecated `...V2` twin.
 */
import {
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
    validate(args.props, args, report);
  };
  if (types.length === 1) (fn as unknown as { __pulumiType: string }).__pulumiType = types[0];
  return fn;
}

/** Stack validation over the resources of the given types; not applicable when there are none. */
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
    validate(matching, args, report);
  };
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

/** True for a non-empty string. Reading the value through the SDK's proxy throws when it is unknown at preview. */
export function isSet(v: unknown): boolean {
  return typeof v === "string" ? v.length > 0 : v !== undefined && v !== null;
}

/** Arrays in inputs may be absent; treat that as empty. */
export function list<T = Props>(v: unknown): T[] {
  return Array.isArray(v) ? (v as T[]) : [];
}
