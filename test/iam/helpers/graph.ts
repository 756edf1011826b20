/**
 * Reads the IAM-relevant facts of a rendered stack export: every policy document (identity,
 * trust, key, bucket, domain and log resource policies), the roles with their attached inline
 * policies, and the real names and ARNs the program's outputs resolved to.
 */
import { ExportedResource, ExportedState } from "../../../tools/offline/policyGate";

export interface Statement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: unknown;
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}
export interface PolicyDoc {
  readonly Version: string;
  readonly Statement: Statement[];
}

/** Where a document lives in the graph, for messages. */
export interface LocatedDoc {
  readonly where: string;
  readonly doc: PolicyDoc;
}

/** The input (or output) properties that hold a JSON policy document, per resource type. */
const DOCUMENT_PROPERTIES: Record<string, string[]> = {
  "aws:iam/role:Role": ["assumeRolePolicy"],
  "aws:iam/rolePolicy:RolePolicy": ["policy"],
  "aws:iam/policy:Policy": ["policy"],
  "aws:kms/key:Key": ["policy"],
  "aws:s3/bucketPolicy:BucketPolicy": ["policy"],
  "aws:sqs/queuePolicy:QueuePolicy": ["policy"],
  "aws:sns/topicPolicy:TopicPolicy": ["policy"],
  "aws:opensearch/domain:Domain": ["accessPolicies"],
  "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": ["policyDocument"],
  "aws:lambda/permission:Permission": [],
};

export interface Role {
  readonly logicalName: string;
  readonly name: string;
  /** The role ARN including its path (the value `aws:PrincipalArn` carries). */
  readonly arn: string;
  readonly trust: PolicyDoc;
  readonly policies: { name: string; policy: PolicyDoc }[];
}

function str(v: unknown, what: string): string {
  if (typeof v !== "string" || !v) throw new Error(`${what} is not a string in the export`);
  return v;
}

export class Graph {
  readonly resources: ExportedResource[];
  readonly outputs: Record<string, unknown>;
  readonly account: string;
  readonly region: string;
  readonly partition = "aws";

  constructor(
    readonly stack: string,
    state: ExportedState,
  ) {
    this.resources = state.deployment.resources ?? [];
    const root = this.resources.find((r) => r.type === "pulumi:pulumi:Stack");
    this.outputs = (root?.outputs ?? {}) as Record<string, unknown>;
    // arn:aws:sns:<region>:<account>:<name>: every stack has the alarm topic (not every one a generator).
    const topic = str(this.outputs.alarmTopicArn, "output alarmTopicArn");
    this.account = topic.split(":")[4];
    this.region = topic.split(":")[3];
  }

  /** Value of a property: outputs first (what the provider resolved), then inputs. */
  prop(r: ExportedResource, key: string): unknown {
    const out = (r.outputs ?? {}) as Record<string, unknown>;
    const inp = (r.inputs ?? {}) as Record<string, unknown>;
    return out[key] ?? inp[key];
  }

  ofType(type: string): ExportedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  /** The one resource of `type` with this logical name (the last URN segment). */
  named(type: string, logicalName: string): ExportedResource {
    const found = this.ofType(type).filter((r) => r.urn.split("::").pop() === logicalName);
    if (found.length !== 1)
      throw new Error(`${this.stack}: expected one ${type} named ${logicalName}, found ${found.length}`);
    return found[0];
  }

  arnOf(type: string, logicalName: string): string {
    return str(this.prop(this.named(type, logicalName), "arn"), `${logicalName}.arn`);
  }

  doc(r: ExportedResource, key: string): PolicyDoc {
    const v = this.prop(r, key);
    return typeof v === "string" ? (JSON.parse(v) as PolicyDoc) : (v as PolicyDoc);
  }

  /** Every policy document of the graph. */
  documents(): LocatedDoc[] {
    const docs: LocatedDoc[] = [];
    for (const r of this.resources) {
      for (const key of DOCUMENT_PROPERTIES[r.type] ?? []) {
        if (this.prop(r, key) === undefined) continue;
        docs.push({
          where: `${this.stack} ${r.urn.split("::").pop()} (${r.type}).${key}`,
          doc: this.doc(r, key),
        });
      }
    }
    return docs;
  }

  role(logicalName: string): Role {
    const r = this.named("aws:iam/role:Role", logicalName);
    const name = str(this.prop(r, "name"), `${logicalName}.name`);
    // The mocks do not put the path into the ARN; IAM does (arn:aws:iam::acct:role/<path>/<name>).
    const rolePath = (this.prop(r, "path") as string | undefined) ?? "/";
    const arn = `arn:${this.partition}:iam::${this.account}:role${rolePath}${name}`;
    const policies = this.ofType("aws:iam/rolePolicy:RolePolicy")
      .filter((p) => this.prop(p, "role") === name)
      .map((p) => ({ name: p.urn.split("::").pop()!, policy: this.doc(p, "policy") }));
    return { logicalName, name, arn, trust: this.doc(r, "assumeRolePolicy"), policies };
  }

  keyPolicy(keyArn: string): PolicyDoc {
    const key = this.ofType("aws:kms/key:Key").find((k) => this.prop(k, "arn") === keyArn);
    if (!key) throw new Error(`${this.stack}: no KMS key ${keyArn} in the graph`);
    return this.doc(key, "policy");
  }

  bucketPolicy(bucket: string): PolicyDoc {
    const p = this.ofType("aws:s3/bucketPolicy:BucketPolicy").find((b) => this.prop(b, "bucket") === bucket);
    if (!p) throw new Error(`${this.stack}: no bucket policy for ${bucket}`);
    return this.doc(p, "policy");
  }
}

/** Every action named in a statement (Action or NotAction). */
export function actionsOf(s: Statement): string[] {
  return [s.Action ?? [], s.NotAction ?? []].flat();
}

/** Every condition key named in a statement. */
export function conditionKeysOf(s: Statement): string[] {
  return Object.values(s.Condition ?? {}).flatMap((byKey) => Object.keys(byKey));
}
