/**
 * Typed IAM documents. Components build them with plain functions and serialize them with
 * `pulumi.jsonStringify`, so tests, the offline plan and the policy pack see the exact document.
 */
import * as pulumi from "@pulumi/pulumi";

export type StringOrList = pulumi.Input<string> | pulumi.Input<string>[];

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Action: string | string[];
  readonly Resource?: StringOrList;
  readonly NotResource?: StringOrList;
  readonly Principal?: "*" | Record<string, StringOrList>;
  readonly Condition?: Record<string, Record<string, StringOrList | pulumi.Input<boolean>>>;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: PolicyStatement[];
}

/** A document with the given statements. */
export function policyDocument(...statements: PolicyStatement[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: statements };
}

/** Trust policy that lets one AWS service assume a role. */
export function assumeRolePolicy(service: string, condition?: PolicyStatement["Condition"]): PolicyDocument {
  return policyDocument({
    Effect: "Allow",
    Principal: { Service: service },
    Action: "sts:AssumeRole",
    ...(condition ? { Condition: condition } : {}),
  });
}

/** Serializes a document (resolving any Output inside it). */
export function toJson(doc: PolicyDocument): pulumi.Output<string> {
  return pulumi.jsonStringify(pulumi.output(doc));
}
