/**
 * A minimal client of Trino's HTTP protocol (POST /v1/statement, then follow `nextUri`): enough to
 * run one statement and collect its rows. Every session is UTC, as Athena's is.
 */

/** Athena's session time zone; Trino's default would be the client's. */
export const SESSION_TIME_ZONE = "UTC";

export interface QueryResult {
  readonly columns: { name: string; type: string }[];
  readonly rows: unknown[][];
}

export class TrinoQueryError extends Error {
  constructor(
    message: string,
    readonly errorName: string,
    /** The Java exception behind the error (`failureInfo.type`, e.g. java.lang.StackOverflowError), when Trino sends one. */
    readonly failureType?: string,
  ) {
    super(message);
  }
}

interface StatementResponse {
  nextUri?: string;
  columns?: { name: string; type: string }[];
  data?: unknown[][];
  error?: { message: string; errorName: string; failureInfo?: { type?: string } };
}

/** How long a statement is sent again while the node has no worker for it yet. */
export const NO_NODES_RETRY_MS = 60_000;

export class TrinoClient {
  constructor(
    readonly url: string,
    readonly catalog: string,
    readonly user = "datalake-test",
  ) {}

  private headers(): Record<string, string> {
    return {
      "X-Trino-User": this.user,
      "X-Trino-Catalog": this.catalog,
      "X-Trino-Time-Zone": SESSION_TIME_ZONE,
    };
  }

  /**
   * Runs one statement (no trailing `;`: Trino's protocol takes a single statement) and returns all
   * rows. A node that has just started answers NO_NODES_AVAILABLE until its announcement, with the
   * catalogs it serves, reaches the coordinator (seconds, but after the node counts as active): such
   * a statement never ran, so it is sent again, for at most {@link NO_NODES_RETRY_MS}.
   */
  async query(sql: string): Promise<QueryResult> {
    const deadline = Date.now() + NO_NODES_RETRY_MS;
    for (;;) {
      try {
        return await this.queryOnce(sql);
      } catch (err) {
        if (
          !(err instanceof TrinoQueryError && err.errorName === "NO_NODES_AVAILABLE") ||
          Date.now() > deadline
        )
          throw err;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  private async queryOnce(sql: string): Promise<QueryResult> {
    let res = await fetch(`${this.url}/v1/statement`, { method: "POST", body: sql, headers: this.headers() });
    if (!res.ok) throw new TrinoQueryError(`Trino answered HTTP ${res.status}: ${await res.text()}`, "HTTP");
    let body = (await res.json()) as StatementResponse;
    let columns: QueryResult["columns"] = [];
    const rows: unknown[][] = [];
    for (;;) {
      if (body.columns) columns = body.columns.map((c) => ({ name: c.name, type: c.type }));
      if (body.data) rows.push(...body.data);
      if (body.error)
        throw new TrinoQueryError(body.error.message, body.error.errorName, body.error.failureInfo?.type);
      if (!body.nextUri) break;
      // The protocol answers 503 (or 429) when the client should retry the same URI.
      for (let attempt = 0; ; attempt++) {
        res = await fetch(body.nextUri, { headers: this.headers() });
        if ((res.status !== 503 && res.status !== 429) || attempt >= 50) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      if (!res.ok) throw new TrinoQueryError(`Trino answered HTTP ${res.status} for ${body.nextUri}`, "HTTP");
      body = (await res.json()) as StatementResponse;
    }
    return { columns, rows };
  }
}

/**
 * A saved Athena query as Trino's protocol takes it: the one trailing `;` removed, as the Athena
 * console and Trino's CLI do before they send a statement. Nothing else changes.
 */
export function asStatement(sql: string): string {
  return sql.replace(/;\s*$/, "");
}
