/**
 * The job's code in the curated bucket, uploaded by the program: the entry script and every module
 * it imports, all from components/etl/jobs/ as listed in jobs/modules.json.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import { JOBS_DIR, JOB_MODULES, jobCodeFiles, jobCodeKey } from "./layout";
import { UnitBase } from "./unit";

export interface ScriptInputs extends UnitBase {
  readonly curatedBucketName: pulumi.Input<string>;
  readonly keyArn: pulumi.Input<string>;
}

export interface JobScripts {
  /** The uploaded objects; the job depends on them so that its first run finds its code. */
  readonly objects: aws.s3.BucketObjectv2[];
  /** `s3://` location of the job script. */
  readonly scriptLocation: pulumi.Output<string>;
}

/** Uploads the script and each module of jobs/modules.json, SSE-KMS with the lake key. */
export function jobScripts(i: ScriptInputs): JobScripts {
  const objects = jobCodeFiles(JOB_MODULES).map(
    (c) =>
      new aws.s3.BucketObjectv2(
        `${i.name}-${c.role}`,
        {
          bucket: i.curatedBucketName,
          key: jobCodeKey(c.file),
          source: new pulumi.asset.FileAsset(path.join(JOBS_DIR, c.file)),
          contentType: "text/x-python",
          serverSideEncryption: "aws:kms",
          kmsKeyId: i.keyArn,
          bucketKeyEnabled: true,
        },
        { parent: i.parent },
      ),
  );
  const scriptLocation = pulumi.interpolate`s3://${i.curatedBucketName}/${jobCodeKey(JOB_MODULES.script)}`;
  return { objects, scriptLocation };
}
