/** IAM rules: no wildcard or service-wide actions in our policy documents, no *FullAccess managed policies. */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, objects, oneOrMany, policyDocument, Props, str, strings } from "./common";

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

/**
 * The wildcard grants of the policy document at `props[key]`: `*`, `service:*`, and Allow
 * statements with NotAction. A document that does not parse is a PropertyTypeError.
 */
export function wildcardGrants(props: Props, key: string, path = key): string[] {
  const doc = policyDocument(props, key, path);
  const found: string[] = [];
  (doc?.Statement ?? []).forEach((st, i) => {
    const at = `${path}.Statement[${i}]`;
    if (str(st, "Effect", `${at}.Effect`) !== "Allow") return;
    for (const a of oneOrMany(st, "Action", `${at}.Action`))
      if (a === "*" || /^[A-Za-z0-9-]+:\*$/.test(a)) found.push(a);
    if (st.NotAction !== undefined && st.NotAction !== null) found.push("NotAction");
  });
  return found;
}

const checkDocument =
  (what: string, key: string, path = key) =>
  (props: Props, args: { name: string }, report: (m: string) => void) => {
    const grants = wildcardGrants(props, key, path);
    if (grants.length) {
      report(
        `${what} "${args.name}" allows ${[...new Set(grants)].join(", ")}. List the exact actions the workload needs (least privilege).`,
      );
    }
  };

export const iamDisallowsWildcardActions: ResourceValidationPolicy = {
  name: "datalake-iam-policy-disallows-wildcard-actions",
  description:
    'No IAM policy document (inline, customer-managed, or a role\'s trust policy) allows "*" or a service-wide wildcard such as "s3:*" or "es:*".',
  severity: "high",
  tags: ["iam", "least-privilege"],
  validateResource: forTypes({
    [IAM_ROLE]: (props, args, report) => {
      // The trust policy is checked too: "sts:*" there would also grant sts:TagSession and
      // sts:SetSourceIdentity to the principals that may assume the role.
      checkDocument("The trust policy (assumeRolePolicy) of role", "assumeRolePolicy")(props, args, report);
      objects(props, "inlinePolicies").forEach((p, i) =>
        checkDocument(
          `Inline policy "${str(p, "name", `inlinePolicies[${i}].name`)}" of role`,
          "policy",
          `inlinePolicies[${i}].policy`,
        )(p, args, report),
      );
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

const checkArns = (what: string, arns: (string | undefined)[], report: (m: string) => void) => {
  const broad = arns.filter((a): a is string => a !== undefined && isBroadManagedPolicy(a));
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
      checkArns(`Role "${args.name}"`, strings(props, "managedPolicyArns"), report),
    ...Object.fromEntries(
      IAM_ATTACHMENTS.map((t) => [
        t,
        (props: Props, args: { name: string }, report: (m: string) => void) =>
          checkArns(`Policy attachment "${args.name}"`, [str(props, "policyArn")], report),
      ]),
    ),
  }),
};

export const iamPolicies = [iamDisallowsWildcardActions, iamDisallowsFullAccess];
