/** Glue rules: jobs and crawlers run under a security configuration that encrypts everything with KMS. */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, isSetString, obj, Props, str } from "./common";

export const GLUE_JOB = "aws:glue/job:Job";
export const GLUE_CRAWLER = "aws:glue/crawler:Crawler";
export const GLUE_SECURITY_CONFIGURATION = "aws:glue/securityConfiguration:SecurityConfiguration";

const requireSecurityConfiguration =
  (kind: string) => (props: Props, args: { name: string }, report: (m: string) => void) => {
    if (!isSetString(props, "securityConfiguration")) {
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
      const e = obj(props, "encryptionConfiguration");
      const wrong: string[] = [];
      const check = (part: string, modeKey: string, mode: string) => {
        const path = `encryptionConfiguration.${part}`;
        const p = obj(e, part, path) as Props | undefined;
        if (
          str(p, modeKey, `${path}.${modeKey}`) !== mode ||
          !isSetString(p, "kmsKeyArn", `${path}.kmsKeyArn`)
        )
          wrong.push(`${part} (${modeKey} "${mode}" with kmsKeyArn)`);
      };
      check("s3Encryption", "s3EncryptionMode", "SSE-KMS");
      check("cloudwatchEncryption", "cloudwatchEncryptionMode", "SSE-KMS");
      check("jobBookmarksEncryption", "jobBookmarksEncryptionMode", "CSE-KMS");
      if (wrong.length)
        report(
          `Glue security configuration "${args.name}" does not encrypt everything with KMS. Fix ${wrong.join("; ")}.`,
        );
    },
  }),
};

export const gluePolicies = [glueRequiresSecurityConfiguration, glueSecurityConfigurationRequiresKms];
