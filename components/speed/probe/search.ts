/**
 * What the verify probe asks OpenSearch, and how it reads the answer (pure). The probe searches
 * the two log index families for one marker; the families are fixed here, not taken from the
 * event, so whoever may invoke the probe can learn whether a marker arrived and nothing else.
 */
import { AGENT_INDEX_PREFIX, FORWARDER_INDEX_PREFIX } from "../../shared/names";

/** The index patterns the probe searches, in report order (the agent's, then the forwarder's). */
export const PROBE_INDEX_PATTERNS = [`${AGENT_INDEX_PREFIX}-*`, `${FORWARDER_INDEX_PREFIX}-*`] as const;
export type ProbeIndexPattern = (typeof PROBE_INDEX_PATTERNS)[number];

/** A marker verify writes: lower-case letters, digits and dashes, 8 to 64 characters. */
export const MARKER_PATTERN = /^[a-z0-9][a-z0-9-]{7,63}$/;

export interface ProbeEvent {
  /** The marker to look for (one token of the line's message). */
  readonly marker: string;
}

export interface ProbeHit {
  readonly indexPattern: ProbeIndexPattern;
  /** Whether a document with the marker exists. */
  readonly found: boolean;
  /** The index that holds it, when found. */
  readonly index?: string;
  /** Its `@timestamp`, when found. */
  readonly timestamp?: string;
}

export interface ProbeResult {
  readonly hits: ProbeHit[];
}

/** Throws when the event is not `{ marker }` with a marker verify could have written. */
export function validateProbeEvent(event: unknown): ProbeEvent {
  const marker = (event as { marker?: unknown } | null)?.marker;
  if (typeof marker !== "string" || !MARKER_PATTERN.test(marker)) {
    throw new Error(
      'probe: the event must be {"marker": "..."} with 8 to 64 lower-case letters, digits or dashes',
    );
  }
  return { marker };
}

/**
 * The `_search` body: the marker as a phrase in the parsed message (`text`, both families) or in
 * the raw CloudWatch message (`@message`, `cwl-*`); one document is enough.
 */
export function searchBody(marker: string) {
  return {
    size: 1,
    _source: ["@timestamp"],
    query: {
      bool: {
        should: [{ match_phrase: { text: marker } }, { match_phrase: { "@message": marker } }],
        minimum_should_match: 1,
      },
    },
  };
}

/** Reads a `_search` response into a hit. */
export function readSearchResponse(indexPattern: ProbeIndexPattern, body: unknown): ProbeHit {
  const hits = (body as { hits?: { hits?: { _index?: string; _source?: Record<string, unknown> }[] } })?.hits
    ?.hits;
  if (!Array.isArray(hits)) {
    throw new Error(`probe: the search of ${indexPattern} returned no hits array`);
  }
  const first = hits[0];
  if (!first) return { indexPattern, found: false };
  const timestamp = first._source?.["@timestamp"];
  return {
    indexPattern,
    found: true,
    index: first._index,
    ...(typeof timestamp === "string" ? { timestamp } : {}),
  };
}
