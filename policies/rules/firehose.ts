/** Kinesis Data Firehose rules: SSE with a customer-managed key, error prefix and delivery logging on S3 destinations. */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { bool, forTypes, isSetString, obj, Props, str } from "./common";

export const FIREHOSE = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream";

const isDirectPut = (props: Props) =>
  obj(props, "kinesisSourceConfiguration") === undefined &&
  obj(props, "mskSourceConfiguration") === undefined;

export const firehoseRequiresSseCmk: ResourceValidationPolicy = {
  name: "datalake-firehose-deliverystream-requires-sse-cmk",
  description:
    "Every Direct PUT Firehose stream has server-side encryption with a customer-managed KMS key (SSE applies only to Direct PUT sources).",
  severity: "high",
  tags: ["firehose", "encryption"],
  validateResource: forTypes({
    [FIREHOSE]: (props, args, report) => {
      if (!isDirectPut(props)) return args.notApplicable("SSE applies only to Direct PUT streams");
      const sse = obj(props, "serverSideEncryption");
      const p = "serverSideEncryption";
      if (
        bool(sse, "enabled", `${p}.enabled`) !== true ||
        str(sse, "keyType", `${p}.keyType`) !== "CUSTOMER_MANAGED_CMK" ||
        !isSetString(sse, "keyArn", `${p}.keyArn`)
      ) {
        report(
          `Firehose stream "${args.name}" must encrypt at rest with a customer-managed key. Set serverSideEncryption { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn: <the lake key ARN> }.`,
        );
      }
    },
  }),
};

function extendedS3(props: Props, args: { notApplicable(reason?: string): never }): Props {
  const s3 = obj(props, "extendedS3Configuration");
  if (str(props, "destination") !== "extended_s3" || !s3)
    return args.notApplicable("the stream has no S3 destination");
  return s3;
}

export const firehoseRequiresErrorPrefix: ResourceValidationPolicy = {
  name: "datalake-firehose-deliverystream-requires-error-prefix",
  description:
    "Every Firehose S3 destination sets an error-output prefix, so failed records land apart from the lake data.",
  severity: "medium",
  tags: ["firehose", "resilience"],
  validateResource: forTypes({
    [FIREHOSE]: (props, args, report) => {
      const s3 = extendedS3(props, args);
      if (!isSetString(s3, "errorOutputPrefix", "extendedS3Configuration.errorOutputPrefix")) {
        report(
          `Firehose stream "${args.name}" has no error-output prefix. Set extendedS3Configuration.errorOutputPrefix (include !{firehose:error-output-type}).`,
        );
      }
    },
  }),
};

export const firehoseEnablesDeliveryLogging: ResourceValidationPolicy = {
  name: "datalake-firehose-deliverystream-enables-delivery-logging",
  description: "Every Firehose S3 destination logs delivery errors to CloudWatch Logs.",
  severity: "medium",
  tags: ["firehose", "logging"],
  validateResource: forTypes({
    [FIREHOSE]: (props, args, report) => {
      const s3 = extendedS3(props, args);
      const p = "extendedS3Configuration.cloudwatchLoggingOptions";
      const logging = obj(s3, "cloudwatchLoggingOptions", p);
      if (
        bool(logging, "enabled", `${p}.enabled`) !== true ||
        !isSetString(logging, "logGroupName", `${p}.logGroupName`) ||
        !isSetString(logging, "logStreamName", `${p}.logStreamName`)
      ) {
        report(
          `Firehose stream "${args.name}" does not log delivery errors. Set extendedS3Configuration.cloudwatchLoggingOptions { enabled: true, logGroupName, logStreamName }.`,
        );
      }
    },
  }),
};

export const firehosePolicies = [
  firehoseRequiresSseCmk,
  firehoseRequiresErrorPrefix,
  firehoseEnablesDeliveryLogging,
];
