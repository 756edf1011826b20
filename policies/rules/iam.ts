/** IAM rules: no wildcard or service-wide actions in our policy documents, no *FullAccess managed policies. */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, list, Props } from "./common";
import { policyDocument } from "./s3";

export const IAM_ROLE = "aws:iam/role:Role";
export const IAM_ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
export const IAM_POLICY = "aws:iam/policy:Policy";
export const IAM_USER_POLICY = "aws:iam/userPolicy:UserPolicy";
export const IAM_GROUP_POLICY = "aws:iam/groupPolicy:GroupPolicy";
export const IAM_ATTACHMENTS = [
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  "aws:iam/policyAttachment:PolicyAttachment",
  "aws:iam/userPolicyAttachment:UserPolicyAttachment",
  "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
] as const;

const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/** The wildcard grants of one policy document: `*`, `service:*`, and Allow statements with NotAction. */
export function wildcardGrants(doc: unknown): string[] {
  const parsed = policyDocument(doc);
  const found: string[] = [];
  for (const s of list(parsed?.Statement ?? [])) {
    const st = s as Props;
    if (st.Effect !== "Allow") continue;
    for (const a of asArray(st.Action)) {
      if (a === "*" || (typeof a === "string" && /^[A-Za-z0-9-]+:\*$/.test(a))) found.push(a as string);
    }
    if (st.NotAction !== undefined) found.push("NotAction");
  }
  return found;
}

const checkDocument =
  (what: string, key: string) => (props: Props, args: { name: string }, report: (m: string) => void) => {
    const grants = wildcardGrants(props[key]);
    if (grants.length) {
      report(
        `${what} "${args.name}" allows ${[...new Set(grants)].join(", ")}. List the exact actions the workload needs (least privilege).`,
      );
    }
  };

export const iamDisallowsWildcardActions: ResourceValidationPolicy = {
  name: "datalake-iam-policy-disallows-wildcard-actions",
  description:
    'No inline or customer-managed IAM policy allows "*" or a service-wide wildcard such as "s3:*" or "es:*".',
  severity: "high",
  tags: ["iam", "least-privilege"],
  validateResource: forTypes({
    [IAM_ROLE]: (props, args, report) => {
      for (const p of list(props.inlinePolicies))
        checkDocument(`Inline policy "${p.name}" of role`, "policy")(p, args, report);
    },
    [IAM_ROLE_POLICY]: checkDocument("Role policy", "policy"),
    [IAM_POLICY]: checkDocument("IAM policy", "policy"),
    [IAM_USER_POLICY]: checkDocument("User policy", "policy"),
    [IAM_GROUP_POLICY]: checkDocument("Group policy", "policy"),
  }),
};

/** AWS managed policies that grant a whole service (or everything). */
export function isBroadManagedPolicy(arn: string): boolean {
  const name = arn.split("/").pop() ?? arn;
  return /FullAccess(_v\d+)?$/.test(name) || name === "AdministratorAccess" || name === "PowerUserAccess";
}

const checkArns = (what: string, arns: unknown[], report: (m: string) => void) => {
  const broad = arns.filter((a): a is string => typeof a === "string" && isBroadManagedPolicy(a));
  if (broad.length)
    report(
      `${what} attaches ${broad.join(", ")}. Replace it with a policy listing only the actions and resources needed.`,
    );
};

export const iamDisallowsFullAccess: ResourceValidationPolicy = {
  name: "datalake-iam-role-disallows-fullaccess-policies",
  description:
    "No role, user or group has a *FullAccess (or AdministratorAccess/PowerUserAccess) managed policy attached.",
  severity: "high",
  tags: ["iam", "least-privilege"],
  validateResource: forTypes({
    [IAM_ROLE]: (props, args, report) =>
      checkArns(`Role "${args.name}"`, list(props.managedPolicyArns), report),
    ...Object.fromEntries(
      IAM_ATTACHMENTS.map((t) => [
        t,
        (props: Props, args: { name: string }, report: (m: string) => void) =>
          checkArns(`Policy attachment "${args.name}"`, [props.policyArn], report),
      ]),
    ),
  }),
};

export const iamPolicies = [iamDisallowsWildcardActions, iamDisallowsFullAccess];
