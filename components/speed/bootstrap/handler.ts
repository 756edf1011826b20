/**
 * The domain bootstrap Lambda, invoked once per settings change by an `aws.lambda.Invocation`.
 *
 * It runs in the VPC, where (in dev) no AWS API but S3 is reachable: so it reads nothing from
 * Secrets Manager. The invocation payload carries the endpoint, the master user and its password
 * (the payload is a Pulumi secret), and the settings; the function talks to the domain over HTTPS
 * with HTTP basic authentication as the internal master user. Every step is idempotent: PUTs that
 * replace with the same content, and an ISM policy that is only written when its fingerprint
 * differs. The result lists what was done; it never contains the password.
 */
import { BootstrapSettings, OpenSearchRequest, bootstrapRequests, ismPolicy } from "./requests";

export interface BootstrapEvent {
  /** Domain endpoint host (or a full base URL, as the tests use). */
  readonly endpoint: string;
  readonly username: string;
  readonly password: string;
  readonly settings: BootstrapSettings;
}

export interface BootstrapStep {
  readonly step: string;
  readonly outcome: "applied" | "unchanged" | "created" | "updated";
}

export interface BootstrapResult {
  readonly steps: BootstrapStep[];
}

export interface BootstrapOptions {
  /** Attempts per request for 5xx/429 and connection errors (a new domain may answer 503 briefly). @default 6 */
  readonly maxAttempts?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Per-request timeout (ms). @default 20000 */
  readonly timeoutMs?: number;
}

/** A request the domain refused; the message has the method, path, status and OpenSearch's reason. */
export class BootstrapError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "BootstrapError";
  }
}

interface Reply {
  readonly status: number;
  readonly body: unknown;
}

function baseUrl(endpoint: string): string {
  return (
    endpoint.startsWith("http://") || endpoint.startsWith("https://") ? endpoint : `https://${endpoint}`
  ).replace(/\/+$/, "");
}

async function call(
  event: BootstrapEvent,
  req: OpenSearchRequest,
  options: BootstrapOptions,
  allow: number[] = [],
): Promise<Reply> {
  const maxAttempts = options.maxAttempts ?? 6;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const auth = "Basic " + Buffer.from(`${event.username}:${event.password}`).toString("base64");
  let last = "";
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (attempt > 1) await sleep(Math.min(10_000, 500 * 2 ** (attempt - 2)));
    let res: Response;
    try {
      res = await fetch(baseUrl(event.endpoint) + req.path, {
        method: req.method,
        headers: { authorization: auth, "content-type": "application/json", accept: "application/json" },
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal: AbortSignal.timeout(options.timeoutMs ?? 20_000),
      });
    } catch (err) {
      last = `${(err as Error).name}: ${(err as Error).message}`;
      continue;
    }
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // Non-JSON replies (proxies, HTML error pages) are reported as text.
    }
    if (res.ok || allow.includes(res.status)) return { status: res.status, body };
    last = `HTTP ${res.status}: ${typeof body === "string" ? body.slice(0, 300) : JSON.stringify(body).slice(0, 300)}`;
    if (!(res.status === 429 || res.status >= 500)) {
      throw new BootstrapError(res.status, `bootstrap: ${req.method} ${req.path} failed with ${last}`);
    }
  }
  throw new BootstrapError(
    0,
    `bootstrap: ${req.method} ${req.path} failed after ${maxAttempts} attempts (${last})`,
  );
}

/** Applies the settings to the domain. Safe to run any number of times. */
export async function runBootstrap(
  event: BootstrapEvent,
  options: BootstrapOptions = {},
): Promise<BootstrapResult> {
  for (const key of ["endpoint", "username", "password"] as const) {
    if (typeof event?.[key] !== "string" || event[key] === "")
      throw new Error(`bootstrap: the payload needs a non-empty ${key}`);
  }
  const s = event.settings;
  const steps: BootstrapStep[] = [];
  for (const req of bootstrapRequests(s)) {
    await call(event, req, options);
    steps.push({ step: `${req.method} ${req.path}`, outcome: "applied" });
  }

  const desired = ismPolicy(s);
  const path = `/_plugins/_ism/policies/${s.ismPolicyId}`;
  const current = await call(event, { method: "GET", path }, options, [404]);
  if (current.status === 404) {
    await call(event, { method: "PUT", path, body: desired }, options);
    steps.push({ step: `PUT ${path}`, outcome: "created" });
  } else {
    const found = current.body as {
      _seq_no?: number;
      _primary_term?: number;
      policy?: { description?: string };
    };
    if (found.policy?.description === desired.policy.description) {
      steps.push({ step: `PUT ${path}`, outcome: "unchanged" });
    } else {
      const q = `?if_seq_no=${found._seq_no}&if_primary_term=${found._primary_term}`;
      await call(event, { method: "PUT", path: path + q, body: desired }, options);
      steps.push({ step: `PUT ${path}`, outcome: "updated" });
    }
  }

  // Indices created before the policy existed (the agent may start first) get it too. Indices
  // that already have a policy are reported as failures by ISM and left as they are.
  const addPath = `/_plugins/_ism/add/${s.indexPrefixes.map((p) => `${p}-*`).join(",")}`;
  const added = await call(
    event,
    { method: "POST", path: addPath, body: { policy_id: s.ismPolicyId } },
    options,
  );
  const updated = (added.body as { updated_indices?: number } | undefined)?.updated_indices ?? 0;
  steps.push({ step: `POST ${addPath}`, outcome: updated > 0 ? "updated" : "unchanged" });
  return { steps };
}

/** Lambda entry point. */
export async function handler(event: BootstrapEvent): Promise<BootstrapResult> {
  const result = await runBootstrap(event);
  console.log(JSON.stringify({ outcome: "bootstrapped", steps: result.steps }));
  return result;
}
