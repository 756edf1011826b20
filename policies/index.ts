/**
 * The data lake's CrossGuard policy pack. The only place a `PolicyPack` is constructed: doing so
 * starts the analyzer's gRPC server (the CLI and the offline gate both talk to it).
 * Per-stack levels and thresholds: config/<stack>.json.
 */
import { PolicyPack } from "@pulumi/policy";
import { allPolicies } from "./rules";

new PolicyPack("datalake", {
  description:
    "Encryption, retention, no public access, TLS, IMDSv2, least-privilege IAM and protection for the data lake.",
  enforcementLevel: "mandatory",
  policies: allPolicies,
});
