/**
 * The domain bootstrap Lambda, invoked once per settings change by an `aws.lambda.Invocation`.
 *
 * It runs in the VPC, where (in dev) no AWS API but S3 is reachable: so it reads nothing from
 * Secrets Manager. The invocation payload carries the endpoint, the master user and its password
 * (the payload is a Pulumi secret), and the settings; the function talks to the domain over HTTPS
 * with HTTP basic authentication as the internal master user. Every step is idempotent: PUTs that
 * replace with the same content, and an ISM policy that is only rewritten when its stored content
 * differs. A new domain answers `503 OpenSearch Security not initialized` for minutes, so every
 * request is retried until a deadline taken from the Lambda's remaining time. Every message and
 * log line passes through `redact`; the result never contains the password.
 */
import {
  BootstrapSettings,
  OpenSearchRequest,
  bootstrapRequests,
  ismPolicy,
  ismPolicyMatches,
} from "./requests";
import { redact } from "./redact";

export interface BootstrapEvent {
  /** Domain endpoint host (or a full base URL, as the tests use). */
  readonly endpoint: string;
  readonly username: string;
  readonly password: string;
  readonly settings: BootstrapSettings;
}

export interface BootstrapStep {
  readonly step: string;
  readonly outcome: "applied" | "unchanged" | "created" | "updated" | "unavailable";
  /** Why the step could not run (only with `unavailable`). */
  readonly reason?: string;
}

export interface BootstrapResult {
  readonly steps: BootstrapStep[];
}

export interface BootstrapOptions {
  /**
   * Epoch milliseconds after which no request is started. The handler derives it from the
   * Lambda's remaining time. @default now + 120 s
   */
  readonly deadline?: number;
  /** Clock (epoch ms). @default Date.now */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Per-request timeout (ms), shortened to what is left before the deadline. @default 20000 */
  readonly timeoutMs?: number;
  /** Structured log sink (records are already redacted). @default console.log as JSON */
  readonly log?: (record: Record<string, unknown>) => void;
  /**
   * What to do when the domain has no handler for a plugin API (`/_plugins/...` answered 400 "no
   * handler found"): `fail` (every Amazon OpenSearch Service domain has the security and ISM
   * plugins, so this is an error there) or `report` the step as `unavailable` and go on, which lets
   * the engine tests apply the index templates to a plain OpenSearch node. @default "fail"
   */
  readonly missingPlugins?: "fail" | "report";
}

/** Time kept back from the Lambda's remaining time, to report the failure before Lambda stops the function. */
export const DEADLINE_MARGIN_MS = 10_000;
/** Default budget when no deadline is given (direct calls, tests). */
export const DEFAULT_BUDGET_MS = 120_000;
/** Longest pause between two attempts. */
export const MAX_BACKOFF_MS = 10_000;

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

/** Everything one run needs: the event, its secrets (for redaction), the clock and the deadline. */
interface Run {
  readonly event: BootstrapEvent;
  readonly secrets: string[];
  readonly deadline: number;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly timeoutMs: number;
  readonly log: (record: Record<string, unknown>) => void;
  readonly started: number;
  readonly missingPlugins: "fail" | "report";
}

/** A plugin API the node does not have (only raised with `missingPlugins: "report"`). */
class PluginMissingError extends Error {}

/** OpenSearch's answer to a path no handler (no installed plugin) serves. */
function isNoHandler(status: number, body: unknown): boolean {
  const error = (body as { error?: unknown } | undefined)?.error;
  return status === 400 && typeof error === "string" && error.startsWith("no handler found for uri");
}

function baseUrl(endpoint: string): string {
  return (
    endpoint.startsWith("http://") || endpoint.startsWith("https://") ? endpoint : `https://${endpoint}`
  ).replace(/\/+$/, "");
}

/** 429 and 5xx (a starting or overloaded domain) are worth another attempt; other statuses are final. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Capped exponential backoff: 0.5 s, 1 s, 2 s ... up to MAX_BACKOFF_MS. */
export function backoffMs(attempt: number): number {
  return Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.max(0, attempt - 1));
}

function describe(body: unknown): string {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return (text ?? "").slice(0, 300);
}

async function call(run: Run, req: OpenSearchRequest, allow: number[] = []): Promise<Reply> {
  const auth = "Basic " + Buffer.from(`${run.event.username}:${run.event.password}`).toString("base64");
  const label = `${req.method} ${req.path}`;
  let last = "";
  for (let attempt = 1; ; attempt++) {
    const left = run.deadline - run.now();
    if (left <= 0) {
      const seconds = Math.round((run.now() - run.started) / 1000);
      throw new BootstrapError(
        0,
        redact(
          `bootstrap: ${label} did not succeed before the deadline (${seconds} s after the start, ${attempt - 1} attempts; last: ${last || "none"})`,
          run.secrets,
        ),
      );
    }
    let res: Response;
    try {
      res = await fetch(baseUrl(run.event.endpoint) + req.path, {
        method: req.method,
        headers: { authorization: auth, "content-type": "application/json", accept: "application/json" },
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal: AbortSignal.timeout(Math.max(1_000, Math.min(run.timeoutMs, left))),
      });
    } catch (err) {
      last = redact(`${(err as Error).name}: ${(err as Error).message}`, run.secrets);
      await retryPause(run, label, attempt, last);
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
    last = redact(`HTTP ${res.status}: ${describe(body)}`, run.secrets);
    if (
      run.missingPlugins === "report" &&
      req.path.startsWith("/_plugins/") &&
      isNoHandler(res.status, body)
    ) {
      throw new PluginMissingError(`${label}: ${last}`);
    }
    if (!isRetryableStatus(res.status)) {
      throw new BootstrapError(res.status, `bootstrap: ${label} failed with ${last}`);
    }
    await retryPause(run, label, attempt, last);
  }
}

/** Logs the retry and waits the backoff, never past the deadline. */
async function retryPause(run: Run, label: string, attempt: number, reason: string): Promise<void> {
  const wait = Math.max(0, Math.min(backoffMs(attempt), run.deadline - run.now()));
  run.log({ outcome: "retrying", request: label, attempt, reason, waitMs: wait });
  if (wait > 0) await run.sleep(wait);
}

/**
 * Creates or repairs the ISM policy. ISM stores a policy with a sequence number; a write that
 * names an outdated one (someone else wrote in between) is answered with 409, and so is a create
 * that lost a race. Both re-read the policy and decide again, until the deadline.
 */
async function applyIsmPolicy(run: Run, s: BootstrapSettings): Promise<BootstrapStep> {
  const desired = ismPolicy(s);
  const path = `/_plugins/_ism/policies/${s.ismPolicyId}`;
  for (let conflict = 0; ; conflict++) {
    if (conflict > 0) {
      run.log({ outcome: "conflict", request: `PUT ${path}`, conflicts: conflict });
      await run.sleep(Math.min(backoffMs(conflict), Math.max(0, run.deadline - run.now())));
      if (run.now() >= run.deadline) {
        throw new BootstrapError(
          409,
          `bootstrap: PUT ${path} kept meeting version conflicts (409) until the deadline (${conflict} conflicts)`,
        );
      }
    }
    const current = await call(run, { method: "GET", path }, [404]);
    if (current.status === 404) {
      const created = await call(run, { method: "PUT", path, body: desired }, [409]);
      if (created.status === 409) continue;
      return { step: `PUT ${path}`, outcome: "created" };
    }
    const found = current.body as { _seq_no?: number; _primary_term?: number; policy?: unknown };
    if (ismPolicyMatches(found.policy, desired)) return { step: `PUT ${path}`, outcome: "unchanged" };
    if (typeof found._seq_no !== "number" || typeof found._primary_term !== "number") {
      throw new BootstrapError(
        current.status,
        `bootstrap: GET ${path} returned no _seq_no/_primary_term, so the policy cannot be updated safely`,
      );
    }
    const q = `?if_seq_no=${found._seq_no}&if_primary_term=${found._primary_term}`;
    const updated = await call(run, { method: "PUT", path: path + q, body: desired }, [409]);
    if (updated.status === 409) continue;
    return { step: `PUT ${path}`, outcome: "updated" };
  }
}

const defaultLog = (record: Record<string, unknown>) => console.log(JSON.stringify(record));

/** Applies the settings to the domain. Safe to run any number of times. */
export async function runBootstrap(
  event: BootstrapEvent,
  options: BootstrapOptions = {},
): Promise<BootstrapResult> {
  for (const key of ["endpoint", "username", "password"] as const) {
    if (typeof event?.[key] !== "string" || event[key] === "")
      throw new Error(`bootstrap: the payload needs a non-empty ${key}`);
  }
  const now = options.now ?? Date.now;
  const started = now();
  const secrets = [event.password, `${event.username}:${event.password}`];
  const log = options.log ?? defaultLog;
  const run: Run = {
    event,
    secrets,
    started,
    now,
    deadline: options.deadline ?? started + DEFAULT_BUDGET_MS,
    sleep: options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))),
    timeoutMs: options.timeoutMs ?? 20_000,
    // Records carry reasons from the domain: redact them once more, whatever the caller logs.
    log: (record) => log(JSON.parse(redact(JSON.stringify(record), secrets)) as Record<string, unknown>),
    missingPlugins: options.missingPlugins ?? "fail",
  };
  const s = event.settings;
  const steps: BootstrapStep[] = [];
  /** Runs one step; a plugin API the node lacks is recorded as unavailable (only in "report" mode). */
  const step = async (name: string, apply: () => Promise<BootstrapStep>) => {
    try {
      steps.push(await apply());
    } catch (err) {
      if (!(err instanceof PluginMissingError)) throw err;
      steps.push({ step: name, outcome: "unavailable", reason: err.message });
    }
  };
  for (const req of bootstrapRequests(s)) {
    const name = `${req.method} ${req.path}`;
    await step(name, async () => {
      await call(run, req);
      return { step: name, outcome: "applied" };
    });
  }
  await step(`PUT /_plugins/_ism/policies/${s.ismPolicyId}`, () => applyIsmPolicy(run, s));

  // Indices created before the policy existed (the agent may start first) get it too. Indices
  // that already have a policy are reported as failures by ISM and left as they are.
  const addPath = `/_plugins/_ism/add/${s.indexPrefixes.map((p) => `${p}-*`).join(",")}`;
  await step(`POST ${addPath}`, async () => {
    const added = await call(run, { method: "POST", path: addPath, body: { policy_id: s.ismPolicyId } });
    const updated = (added.body as { updated_indices?: number } | undefined)?.updated_indices ?? 0;
    return { step: `POST ${addPath}`, outcome: updated > 0 ? "updated" : "unchanged" };
  });
  return { steps };
}

/** The part of the Lambda context the bootstrap uses. */
export interface BootstrapContext {
  getRemainingTimeInMillis(): number;
}

/** The deadline of an invocation: the Lambda's remaining time, less the margin to report a failure. */
export function deadlineFrom(context: BootstrapContext | undefined, now: number): number {
  const remaining = context?.getRemainingTimeInMillis();
  return typeof remaining === "number" && Number.isFinite(remaining)
    ? now + Math.max(0, remaining - DEADLINE_MARGIN_MS)
    : now + DEFAULT_BUDGET_MS;
}

/** Lambda entry point. Errors leave it with credentials removed from their message. */
export async function handler(event: BootstrapEvent, context?: BootstrapContext): Promise<BootstrapResult> {
  try {
    const result = await runBootstrap(event, { deadline: deadlineFrom(context, Date.now()) });
    console.log(JSON.stringify({ outcome: "bootstrapped", steps: result.steps }));
    return result;
  } catch (err) {
    const secrets = [event?.password, `${event?.username}:${event?.password}`].filter(
      (v): v is string => typeof v === "string",
    );
    const message = redact(err instanceof Error ? err.message : String(err), secrets);
    console.error(JSON.stringify({ outcome: "failed", reason: message }));
    const failure = new Error(message);
    failure.name = err instanceof Error ? err.name : "Error";
    throw failure;
  }
}
