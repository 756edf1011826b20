/**
 * What the domain bootstrap puts into OpenSearch, as plain data: the writer role and its mapping
 * to IAM roles, one index template per index family, and the ISM retention policy. Pure: the
 * SpeedLayer hashes the settings into the invocation's triggers, the bootstrap Lambda sends these
 * requests, the tests compare them.
 */
import { createHash } from "crypto";
import { EventSchema, isHandsOn } from "../../shared/schema";
import { DeclaredField, MAPPING_DEPTH_LIMIT, declaredFieldsOf, templateMappings } from "../mapping";

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
  /**
   * Name of the read-only security role of the verify probe (search the log indices, nothing
   * else). @default undefined — no reader role
   */
  readonly readerRole?: string;
  /** IAM role ARNs mapped to the reader role (the probe's). @default [] — no mapping */
  readonly readerBackendRoles?: readonly string[];
  /**
   * The indexed fields of the templates, under a format other than the hands-on's
   * (declaredFieldsOf in ../mapping.ts). @default undefined — the hands-on's DECLARED_FIELDS
   */
  readonly declaredFields?: Readonly<Record<string, DeclaredField>>;
}

/**
 * The settings a format adds: its declared fields, or nothing for the hands-on's (so the hands-on
 * stacks' settings, their hash and the invocation's payload stay what they were).
 */
export function formatSettings(schema: EventSchema): Pick<BootstrapSettings, "declaredFields"> {
  return isHandsOn(schema) ? {} : { declaredFields: declaredFieldsOf(schema) };
}

export interface OpenSearchRequest {
  readonly method: "GET" | "PUT" | "POST";
  readonly path: string;
  readonly body?: unknown;
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,99}$/;
/** A declared field: ours (`@...`) or a format's. */
const FIELD = /^@?[a-z][a-z0-9_]{0,127}$/;

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
  if (!s.writerBackendRoles.every(isRoleArn)) {
    throw new Error(`bootstrap: writerBackendRoles must be IAM role ARNs`);
  }
  const readers = s.readerBackendRoles ?? [];
  if (!readers.every(isRoleArn)) throw new Error(`bootstrap: readerBackendRoles must be IAM role ARNs`);
  if (readers.length > 0 && s.readerRole === undefined)
    throw new Error(`bootstrap: readerBackendRoles are set but readerRole is not; name the reader role`);
  if (s.declaredFields !== undefined) {
    const names = Object.keys(s.declaredFields);
    if (names.length === 0)
      throw new Error(`bootstrap: declaredFields is empty; leave it unset for the hands-on's fields`);
    const bad = names.filter((f) => !FIELD.test(f));
    if (bad.length > 0)
      throw new Error(`bootstrap: declaredFields names ${JSON.stringify(bad)}; name fields like ${FIELD}`);
  }
  if (s.readerRole !== undefined) {
    if (!NAME.test(s.readerRole))
      throw new Error(`bootstrap: readerRole "${s.readerRole}" must be lower-case letters, digits, _ or -`);
    if (s.readerRole === s.writerRole)
      throw new Error(
        `bootstrap: readerRole and writerRole are both "${s.readerRole}"; give them different names`,
      );
  }
}

function isRoleArn(a: string): boolean {
  return /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(a);
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

/**
 * The reader role of the verify probe: search the log indices and nothing else (no write, no
 * cluster or security API). `indices:data/read/search*` is the search action and its shard-level
 * phases, the subset of the security plugin's built-in `search` action group that a `_search`
 * request needs (OpenSearch documentation, "Default action groups").
 */
export function readerRole(s: BootstrapSettings) {
  return {
    description: "Searches the speed layer's log indices (the post-deploy verify probe)",
    cluster_permissions: [],
    index_permissions: [{ index_patterns: patterns(s), allowed_actions: ["indices:data/read/search*"] }],
  };
}

/**
 * Slow-log thresholds of every index of both families. The domain publishes INDEX_SLOW_LOGS and
 * SEARCH_SLOW_LOGS to CloudWatch Logs, but OpenSearch logs nothing until an index sets thresholds
 * (all default to -1, off: "Monitoring OpenSearch logs with Amazon CloudWatch Logs" in the Amazon
 * OpenSearch Service developer guide, and OpenSearch's "Slow logs" page). WARN marks what needs
 * attention, INFO what is unusually slow for a log index of this size; DEBUG/TRACE stay off so the
 * groups only grow when something is slow. New daily indices pick them up from the template.
 */
export const SLOW_LOG_THRESHOLDS = {
  "index.search.slowlog.threshold.query.warn": "5s",
  "index.search.slowlog.threshold.query.info": "2s",
  "index.search.slowlog.threshold.fetch.warn": "1s",
  "index.search.slowlog.threshold.fetch.info": "500ms",
  "index.indexing.slowlog.threshold.index.warn": "5s",
  "index.indexing.slowlog.threshold.index.info": "2s",
} as const;

/**
 * Index template of one family: the mapping policy of ../mapping.ts (declared fields indexed — the
 * format's when the settings carry them —, everything else kept unindexed, the depth limit the
 * forwarder's transform keeps to), shards, replicas and slow-log thresholds.
 */
export function indexTemplate(prefix: string, s: BootstrapSettings) {
  return {
    index_patterns: [`${prefix}-*`],
    priority: 100,
    template: {
      settings: {
        number_of_shards: 1,
        number_of_replicas: s.replicas,
        "index.mapping.depth.limit": MAPPING_DEPTH_LIMIT,
        ...SLOW_LOG_THRESHOLDS,
      },
      mappings: templateMappings(s.declaredFields),
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
  // ISM has no plain PUT-to-replace. The bootstrap compares the stored content with this one
  // (ismPolicyMatches) and rewrites it with seq_no/primary_term when they differ; the fingerprint
  // in the description tells a reader of Dashboards which settings the policy came from.
  const fingerprint = createHash("sha256").update(JSON.stringify(policy)).digest("hex").slice(0, 16);
  return {
    policy: {
      description: `Delete ${patterns(s).join(", ")} after ${s.retentionDays} days [${fingerprint}]`,
      ...policy,
    },
  };
}

/** Values ISM fills in when a policy is stored; they are not part of what the stack asks for. */
const ISM_DEFAULT_RETRY = { count: 3, backoff: "exponential", delay: "1m" };

/**
 * The policy as stored (the `policy` of `GET _plugins/_ism/policies/<id>`) without what ISM adds
 * by itself: `policy_id`, `last_updated_time`, `schema_version`, a null `error_notification`,
 * the `user` that stored it, `last_updated_time` of each ISM template and the default `retry` of
 * each action (OpenSearch documentation, "ISM API" and "Policies"). Everything else is kept, so a
 * hand-made change (another state, a different age, a removed template) shows up.
 */
export function storedIsmPolicyContent(stored: unknown): unknown {
  if (!isObject(stored)) return stored;
  const out = without(stored, ["policy_id", "last_updated_time", "schema_version", "user"]);
  if (out.error_notification === null) delete out.error_notification;
  if (Array.isArray(out.ism_template)) {
    out.ism_template = out.ism_template.map((t: unknown) =>
      isObject(t) ? without(t, ["last_updated_time"]) : t,
    );
  }
  if (Array.isArray(out.states)) {
    out.states = out.states.map((state: unknown) => {
      if (!isObject(state) || !Array.isArray(state.actions)) return state;
      return {
        ...state,
        actions: state.actions.map((a: unknown) =>
          isObject(a) && canonical(a.retry) === canonical(ISM_DEFAULT_RETRY) ? without(a, ["retry"]) : a,
        ),
      };
    });
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function without(o: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
}

/** JSON with object keys sorted, so two documents compare by content, not key order. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/** True when the stored policy has exactly the desired content (description included). */
export function ismPolicyMatches(stored: unknown, desired: ReturnType<typeof ismPolicy>): boolean {
  return canonical(storedIsmPolicyContent(stored)) === canonical(desired.policy);
}

/** The idempotent PUTs, in order (role before its mapping; templates before ISM attaches indices). */
export function bootstrapRequests(s: BootstrapSettings): OpenSearchRequest[] {
  validateSettings(s);
  const readers = s.readerBackendRoles ?? [];
  const reader: OpenSearchRequest[] =
    s.readerRole === undefined
      ? []
      : [
          { method: "PUT", path: `/_plugins/_security/api/roles/${s.readerRole}`, body: readerRole(s) },
          {
            method: "PUT",
            path: `/_plugins/_security/api/rolesmapping/${s.readerRole}`,
            body: { backend_roles: [...readers].sort(), description: "IAM role of the verify probe" },
          },
        ];
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
    ...reader,
    ...s.indexPrefixes.map((p) => ({
      method: "PUT" as const,
      path: `/_index_template/${p}`,
      body: indexTemplate(p, s),
    })),
  ];
}

/** Stable hash of the settings (the invocation's trigger: a change re-runs the bootstrap). */
export function settingsHash(s: BootstrapSettings): string {
  const sorted: BootstrapSettings = { ...s, writerBackendRoles: [...s.writerBackendRoles].sort() };
  return createHash("sha256")
    .update(
      JSON.stringify(
        s.readerBackendRoles === undefined
          ? sorted
          : { ...sorted, readerBackendRoles: [...s.readerBackendRoles].sort() },
      ),
    )
    .digest("hex");
}
