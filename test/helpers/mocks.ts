/**
 * Test helpers around the shared offline mocks (tools/offline/mocks): set the mocks, record every
 * registration, wait for the registrations to finish, unwrap outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { MockOptions, createMocks } from "../../tools/offline/mocks";
import { Recorder, StateResource } from "../../tools/offline/recorder";

// Internal to the SDK, but the only way to wait for every in-flight registration.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs: () => Promise<void> };

export const TEST_REGION = "ap-northeast-1";
export const TEST_STACK = "test";

export interface MockSession {
  readonly recorder: Recorder;
  /** Waits until every registration so far has completed. */
  settle(): Promise<readonly StateResource[]>;
  /** Recorded resources of one type. */
  ofType(type: string): StateResource[];
  /** The one recorded resource with this logical name. */
  named(name: string): StateResource;
}

/** Sets fresh mocks (and optional config) and starts recording. Call before constructing components. */
export async function mockSession(
  config: Record<string, string> = {},
  stack = TEST_STACK,
  options: Omit<MockOptions, "region" | "stack"> = {},
): Promise<MockSession> {
  await pulumi.runtime.setMocks(
    createMocks({ region: TEST_REGION, stack, ...options }),
    "datalake",
    stack,
    false,
  );
  pulumi.runtime.setAllConfig(config);
  const recorder = new Recorder().install();
  return {
    recorder,
    async settle() {
      await waitForRPCs();
      return recorder.resources;
    },
    ofType: (type) => recorder.resources.filter((r) => r.type === type),
    named(name) {
      const found = recorder.resources.filter((r) => r.urn.endsWith(`::${name}`));
      if (found.length !== 1) throw new Error(`expected one resource named ${name}, found ${found.length}`);
      return found[0];
    },
  };
}

/** The value of an output, as a promise. */
export function unwrap<T>(output: pulumi.Output<T> | pulumi.Input<T>): Promise<T> {
  return new Promise((resolve) => pulumi.output(output).apply((v) => resolve(v as T)));
}

/** Parses a JSON string input (IAM documents, SSM document content). */
export function json<T = any>(value: unknown): T {
  if (typeof value !== "string") throw new Error(`expected a JSON string, got ${typeof value}`);
  return JSON.parse(value) as T;
}
