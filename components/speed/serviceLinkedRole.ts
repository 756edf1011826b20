/**
 * The OpenSearch service-linked role's fixed names, without any Pulumi import, so that tools (the
 * deployer's policy that `npm run verify -- --print-deployer-policy` prints) use them too.
 */

/** The service whose service-linked role a VPC domain needs. */
export const OPENSEARCH_SERVICE = "opensearchservice.amazonaws.com";
/**
 * Name and path IAM gives that role (one per account):
 * https://docs.aws.amazon.com/opensearch-service/latest/developerguide/slr.html
 */
export const SERVICE_LINKED_ROLE_NAME = "AWSServiceRoleForAmazonOpenSearchService";
export const SERVICE_LINKED_ROLE_PATH = `/aws-service-role/${OPENSEARCH_SERVICE}/`;
