/**
 * Names shared by more than one component (and by the agent, the Lambdas, the SQL and the tests).
 * Defined once here; everything else imports them.
 */

/** fluentd tag of the application log. */
export const APP_LOG_TAG = "testappec2.log";

/** Where the generator writes on the instance (read by fluentd's tail input). */
export const APP_LOG_PATH = "/var/log/testapp/app.log";

/** Daily OpenSearch indices written by the agent (lab 2): `testappec2log-YYYY.MM.DD`. */
export const AGENT_INDEX_PREFIX = "testappec2log";

/** Daily OpenSearch indices written by the subscription forwarder (lab 3): `cwl-YYYY.MM.DD`. */
export const FORWARDER_INDEX_PREFIX = "cwl";

/** Project name, as in Pulumi.yaml and the component type tokens. */
export const PROJECT = "datalake";
