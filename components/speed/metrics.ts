/**
 * The CloudWatch metrics the SpeedLayer publishes from its log groups, named in one place so that
 * alarms (here or in another layer) and dashboards refer to exactly these.
 */

/** The namespace of the layer's metrics in stack `stack`. */
export function metricNamespace(stack: string): string {
  return `DataLake/${stack}`;
}

/**
 * Documents the forwarder recorded as rejected (OpenSearch refused them for their content, or the
 * event could not become a document): one per document, counted by a metric filter on the
 * forwarder's log group. They are not retried by Lambda and not in the dead-letter queue, so an
 * alarm on this metric (Sum > 0) is what tells an operator to inspect and replay them
 * (docs/speed.md, "Rejected documents").
 */
export const REJECTED_DOCUMENTS_METRIC_NAME = "ForwarderRejectedDocuments";

/**
 * Matches the first record of each rejected document: the forwarder writes every record as one
 * log event that is exactly one JSON object, and a long message is split over several records
 * (`part` 1..`parts`). JSON filter pattern syntax:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
 */
export const REJECTED_DOCUMENTS_FILTER_PATTERN = '{ ($.outcome = "rejected") && ($.part = 1) }';
