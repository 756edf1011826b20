/**
 * What the domain bootstrap puts into OpenSearch, as plain data: the writer role and its mapping
 * to IAM roles, one index template per index family, and the ISM retention policy. Pure: the
 * SpeedLayer hashes the settings into the invocation's triggers, the bootstrap Lambda sends these
 * requests, the tests compare them.
 */
import { createHash } from "crypto";

export interface BootstrapSettings {
  /** Name of the OpenSearch security role that may write the log indices. */
  readonly writerRole: string;
  /** IAM role ARNs mapped (as backend roles) to the writer role: the agent's and the forwarder's. */
  readonly writerBackendRoles: readonly string[];
  /** Index families (`<prefix>-YYYY.MM.DD`) the writer may create and write, and that the templates and ISM cover. */
  readonly indexPrefixes: readonly string[];
  /** Days after which ISM deletes an index. */
  readonly retentionDays: number;
  /** Replicas per shard of new indices. */
  readonly replicas: number;
  /** Id of the ISM policy. */
  readonly ismPolicyId: string;
}

export interface OpenSearchRequest {
  readonly method: "GET" | "PUT" | "POST";
  readonly path: string;
  readonly body?: unknown;
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,99}$/;

/** Throws when a setting would make a bad request; the message names the setting and the fix. */
export function validateSettings(s: BootstrapSettings): void {
  if (!NAME.test(s.writerRole))
    throw new Error(`bootstrap: writerRole "${s.writerRole}" must be lower-case letters, digits, _ or -`);
  if (!NAME.test(s.ismPolicyId))
    throw new Error(`bootstrap: ismPolicyId "${s.ismPolicyId}" must be lower-case letters, digits, _ or -`);
  if (s.indexPrefixes.length === 0 || !s.indexPrefixes.every((p) => NAME.test(p))) {
    throw new Error(
      `bootstrap: indexPrefixes ${JSON.stringify(s.indexPrefixes)} must be one or more lower-case names`,
    );
  }
  if (!Number.isInteger(s.retentionDays) || s.retentionDays < 1) {
    throw new Error(`bootstrap: retentionDays is ${s.retentionDays}; use a whole number of days, at least 1`);
  }
  if (!Number.isInteger(s.replicas) || s.replicas < 0 || s.replicas > 5) {
    throw new Error(`bootstrap: replicas is ${s.replicas}; use 0 to 5`);
  }
  if (!s.writerBackendRoles.every((a) => /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(a))) {
    throw new Error(`bootstrap: writerBackendRoles must be IAM role ARNs`);
  }
}

const patterns = (s: BootstrapSettings) => s.indexPrefixes.map((p) => `${p}-*`);

/** The writer role: create and write the log indices, nothing else (no read, no delete, no admin). */
export function writerRole(s: BootstrapSettings) {
  return {
    description: "Writes the speed layer's log indices (agent and subscription forwarder)",
    // cluster:monitor/main: the agent's version check at start; bulk: the _bulk endpoint itself.
    cluster_permissions: ["cluster:monitor/main", "indices:data/write/bulk"],
    index_permissions: [
      {
        index_patterns: patterns(s),
        allowed_actions: [
          "indices:admin/create",
          "indices:admin/mapping/put",
          "indices:data/write/index",
          "indices:data/write/bulk*",
        ],
      },
    ],
  };
}

/** Keyword fields of both index families (filters, aggregations, the alarm level in Dashboards). */
const KEYWORD_FIELDS = ["alarmlevel", "host", "user", "timestamp"];

/** Index template of one family: `@timestamp` a date, level/host/user keywords, `number` a long. */
export function indexTemplate(prefix: string, s: BootstrapSettings) {
  const properties: Record<string, unknown> = {
    "@timestamp": { type: "date" },
    "@message": { type: "text" },
    "@id": { type: "keyword" },
    "@owner": { type: "keyword" },
    "@log_group": { type: "keyword" },
    "@log_stream": { type: "keyword" },
    // A malformed number must not reject the whole document (and fail its batch).
    number: { type: "long", ignore_malformed: true },
    text: { type: "text" },
  };
  for (const f of KEYWORD_FIELDS) properties[f] = { type: "keyword" };
  return {
    index_patterns: [`${prefix}-*`],
    priority: 100,
    template: {
      settings: { number_of_shards: 1, number_of_replicas: s.replicas },
      mappings: { properties },
    },
  };
}

/** The ISM policy body: delete indices of the families `retentionDays` after creation. */
export function ismPolicy(s: BootstrapSettings) {
  const policy = {
    default_state: "hot",
    states: [
      {
        name: "hot",
        actions: [],
        transitions: [{ state_name: "delete", conditions: { min_index_age: `${s.retentionDays}d` } }],
      },
      { name: "delete", actions: [{ delete: {} }], transitions: [] },
    ],
    ism_template: [{ index_patterns: patterns(s), priority: 100 }],
  };
  // ISM has no plain PUT-to-replace: the description carries a fingerprint, so the bootstrap can
  // tell an identical policy (leave it) from a changed one (update with seq_no/primary_term).
  const fingerprint = createHash("sha256").update(JSON.stringify(policy)).digest("hex").slice(0, 16);
  return {
    policy: {
      description: `Delete ${patterns(s).join(", ")} after ${s.retentionDays} days [${fingerprint}]`,
      ...policy,
    },
  };
}

/** The idempotent PUTs, in order (role before its mapping; templates before ISM attaches indices). */
export function bootstrapRequests(s: BootstrapSettings): OpenSearchRequest[] {
  validateSettings(s);
  return [
    { method: "PUT", path: `/_plugins/_security/api/roles/${s.writerRole}`, body: writerRole(s) },
    {
      method: "PUT",
      path: `/_plugins/_security/api/rolesmapping/${s.writerRole}`,
      body: {
        backend_roles: [...s.writerBackendRoles].sort(),
        description: "IAM roles of the agent and the forwarder",
      },
    },
    ...s.indexPrefixes.map((p) => ({
      method: "PUT" as const,
      path: `/_index_template/${p}`,
      body: indexTemplate(p, s),
    })),
  ];
}

/** Stable hash of the settings (the invocation's trigger: a change re-runs the bootstrap). */
export function settingsHash(s: BootstrapSettings): string {
  return createHash("sha256")
    .update(JSON.stringify({ ...s, writerBackendRoles: [...s.writerBackendRoles].sort() }))
    .digest("hex");
}
