/**
 * The registry behind the offline mocks. Each area file (network.ts, speed.ts, ...) declares, for
 * the resource types and invokes its component uses, the outputs a real provider would compute.
 * One registry serves both the offline plan and the tests.
 */
import { createHash } from "crypto";

/** What a type mock sees about one registration. */
export interface MockContext {
  readonly type: string;
  /** Logical (Pulumi) name. */
  readonly name: string;
  readonly inputs: Record<string, any>;
  readonly region: string;
  readonly accountId: string;
  readonly partition: string;
  readonly stack: string;
  /** Deterministic hex derived from type and name, `length` characters. */
  hex(length: number): string;
}

export interface TypeMock {
  /** Input property the provider auto-names when it is not set (`name`, `bucket`, `domainName`...). */
  readonly autoName?: string;
  /** Auto-name style: Pulumi's `<name>-<7 hex>`, optionally lower-cased and truncated. */
  readonly autoNameMaxLength?: number;
  readonly autoNameLowercase?: boolean;
  /** The resource id: a function, or a prefix such as "sg" (gives `sg-<17 hex>`); default the auto-name or `<name>-id`. */
  readonly id?: string | ((ctx: MockContext, state: Record<string, any>) => string);
  /** Computed outputs (merged over the inputs and the auto-name). */
  readonly outputs?: (ctx: MockContext, state: Record<string, any>) => Record<string, unknown>;
}

/** An IAM role the mocked account already holds before the program runs (see `MockOptions.iamRoles`). */
export interface MockIamRole {
  readonly name: string;
  /** IAM path, `/` or `/aws-service-role/<service>/`. */
  readonly path: string;
  readonly tags?: Readonly<Record<string, string>>;
}

/** What an invoke mock sees: the account's facts, including what it holds already. */
export interface CallContext extends Omit<MockContext, "type" | "name" | "inputs" | "hex"> {
  readonly iamRoles: readonly MockIamRole[];
}

export type CallMock = (inputs: Record<string, any>, ctx: CallContext) => Record<string, unknown>;

const typeMocks = new Map<string, TypeMock>();
const callMocks = new Map<string, CallMock>();

/** Declares mocks for resource types (a type declared twice is a mistake and throws). */
export function defineTypeMocks(mocks: Record<string, TypeMock>): void {
  for (const [type, mock] of Object.entries(mocks)) {
    if (typeMocks.has(type)) throw new Error(`offline mocks: ${type} is declared twice`);
    typeMocks.set(type, mock);
  }
}

/** Declares mocks for invokes (function tokens). */
export function defineCallMocks(mocks: Record<string, CallMock>): void {
  for (const [token, mock] of Object.entries(mocks)) {
    if (callMocks.has(token)) throw new Error(`offline mocks: ${token} is declared twice`);
    callMocks.set(token, mock);
  }
}

export function typeMock(type: string): TypeMock | undefined {
  return typeMocks.get(type);
}

export function callMock(token: string): CallMock | undefined {
  return callMocks.get(token);
}

export function deterministicHex(seed: string, length: number): string {
  let out = "";
  for (let i = 0; out.length < length; i++) {
    out += createHash("sha256").update(`${seed}#${i}`).digest("hex");
  }
  return out.slice(0, length);
}

/** The service and resource parts of a type token: `aws:iam/role:Role` → ["iam", "role"]. */
export function tokenParts(type: string): { pkg: string; module: string; resource: string } {
  const [pkg, mod = "index", res = ""] = type.split(":");
  const [module, file = res] = mod.split("/");
  return { pkg, module, resource: file };
}
