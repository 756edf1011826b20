/**
 * The verify probe: a small Lambda in the VPC that searches the log indices for one marker, so
 * `npm run verify` can prove the OpenSearch hops without opening the VPC-only domain. Its role is
 * mapped to a read-only OpenSearch role (search on `testappec2log-*` and `cwl-*`, nothing else)
 * and its requests are signed with SigV4 from the function's environment credentials (no network
 * call, as the forwarder). It logs counts and outcomes, never documents or credentials.
 */
import { Client } from "@opensearch-project/opensearch";
import { AwsSigv4Signer } from "@opensearch-project/opensearch/aws";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { PROBE_ENV } from "./env";
import {
  PROBE_INDEX_PATTERNS,
  ProbeResult,
  readSearchResponse,
  searchBody,
  validateProbeEvent,
} from "./search";

/** The part of the OpenSearch client the probe uses. */
export interface SearchClient {
  search(params: {
    index: string;
    body: unknown;
    ignore_unavailable: boolean;
    allow_no_indices: boolean;
  }): Promise<{ body: unknown }>;
}

/** The probe with its client passed in (the tests run it against a loopback server). */
export function createProbe(client: SearchClient): (event: unknown) => Promise<ProbeResult> {
  return async (event) => {
    const { marker } = validateProbeEvent(event);
    const hits = await Promise.all(
      PROBE_INDEX_PATTERNS.map(async (indexPattern) => {
        // A family without indices yet (a new stack) is "not found", not an error.
        const res = await client.search({
          index: indexPattern,
          body: searchBody(marker),
          ignore_unavailable: true,
          allow_no_indices: true,
        });
        return readSearchResponse(indexPattern, res.body);
      }),
    );
    console.log(JSON.stringify({ outcome: "searched", found: hits.filter((h) => h.found).length }));
    return { hits };
  };
}

let probe: ((event: unknown) => Promise<ProbeResult>) | undefined;

/** Lambda entry point. */
export async function handler(event: unknown): Promise<ProbeResult> {
  if (!probe) {
    const endpoint = process.env[PROBE_ENV.endpoint];
    const region = process.env.AWS_REGION;
    if (!endpoint || !region) {
      throw new Error(`probe: ${PROBE_ENV.endpoint} and AWS_REGION must be set`);
    }
    const client = new Client({
      ...AwsSigv4Signer({ region, service: "es", getCredentials: defaultProvider() }),
      node: `https://${endpoint}`,
      requestTimeout: 20_000,
    });
    probe = createProbe(client as unknown as SearchClient);
  }
  return probe(event);
}
