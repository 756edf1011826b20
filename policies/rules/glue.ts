/** Glue rules: jobs and crawlers run under a security configuration that encrypts everything with KMS. */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, isSet, Props } from "./common";

export const GLUE_JOB = "aws:glue/job:Job";
export const GLUE_CRAWLER = "aws:glue/crawler:Crawler";
export const GLUE_SECURITY_CONFIGURATION = "aws:glue/securityConfiguration:SecurityConfiguration";

const requireSecurityConfiguration =
  (kind: string) => (props: Props, args: { name: string }, report: (m: string) => void) => {
    if (!isSet(props.securityConfiguration)) {
      report(
        `Glue ${kind} "${args.name}" runs without a security configuration, so its S3 output, logs and bookmarks are not KMS-encrypted. Set securityConfiguration to the name of the lake's Glue SecurityConfiguration.`,
      );
    }
  };

export const glueRequiresSecurityConfiguration: ResourceValidationPolicy = {
  name: "datalake-glue-job-requires-security-configuration",
  description: "Every Glue job and crawler is attached to a security configuration.",
  severity: "high",
  tags: ["glue", "encryption"],
  validateResource: forTypes({
    [GLUE_JOB]: requireSecurityConfiguration("job"),
    [GLUE_CRAWLER]: requireSecurityConfiguration("crawler"),
  }),
};

export const glueSecurityConfigurationRequiresKms: ResourceValidationPolicy = {
  name: "datalake-glue-securityconfiguration-requires-kms",
  description:
    "Every Glue security configuration encrypts S3 data (SSE-KMS), CloudWatch logs (SSE-KMS) and job bookmarks (CSE-KMS) with a KMS key.",
  severity: "high",
  tags: ["glue", "encryption"],
  validateResource: forTypes({
    [GLUE_SECURITY_CONFIGURATION]: (props, args, report) => {
      const e = (props.encryptionConfiguration ?? {}) as Props;
      const s3 = (e.s3Encryption ?? {}) as Props;
      const cw = (e.cloudwatchEncryption ?? {}) as Props;
      const bm = (e.jobBookmarksEncryption ?? {}) as Props;
      const wrong: string[] = [];
      if (s3.s3EncryptionMode !== "SSE-KMS" || !isSet(s3.kmsKeyArn))
        wrong.push('s3Encryption (s3EncryptionMode "SSE-KMS" with kmsKeyArn)');
      if (cw.cloudwatchEncryptionMode !== "SSE-KMS" || !isSet(cw.kmsKeyArn))
        wrong.push('cloudwatchEncryption (cloudwatchEncryptionMode "SSE-KMS" with kmsKeyArn)');
      if (bm.jobBookmarksEncryptionMode !== "CSE-KMS" || !isSet(bm.kmsKeyArn))
        wrong.push('jobBookmarksEncryption (jobBookmarksEncryptionMode "CSE-KMS" with kmsKeyArn)');
      if (wrong.length)
        report(
          `Glue security configuration "${args.name}" does not encrypt everything with KMS. Fix ${wrong.join("; ")}.`,
        );
    },
  }),
};

export const gluePolicies = [glueRequiresSecurityConfiguration, glueSecurityConfigurationRequiresKms];
