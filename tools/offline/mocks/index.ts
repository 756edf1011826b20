/**
 * Pulumi mocks with realistic computed outputs, shared by the offline plan and the tests.
 * Unknown invokes are errors: a silent echo would hide a missing mock behind unresolved outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { MockContext, MockIamRole, callMock, deterministicHex, tokenParts, typeMock } from "./registry";
import "./common";
import "./network";
import "./batch";
import "./etl";
import "./speed";
import "./ops";

export const MOCK_ACCOUNT_ID = "123456789012";
export type { MockIamRole } from "./registry";

export interface MockOptions {
  readonly region?: string;
  readonly accountId?: string;
  readonly stack?: string;
  /**
   * IAM roles the account holds before the program runs (what `aws.iam.getRoles`/`getRole`
   * answer). @default [] — a fresh account, as the offline plan assumes
   */
  readonly iamRoles?: readonly MockIamRole[];
}

function autoName(
  name: string,
  maxLength: number | undefined,
  lower: boolean | undefined,
  hex: string,
): string {
  let base = `${name}-${hex.slice(0, 7)}`;
  if (maxLength && base.length > maxLength) base = `${name.slice(0, maxLength - 8)}-${hex.slice(0, 7)}`;
  return lower ? base.toLowerCase() : base;
}

export function createMocks(options: MockOptions = {}): pulumi.runtime.Mocks {
  const region = options.region ?? "us-east-1";
  const accountId = options.accountId ?? MOCK_ACCOUNT_ID;
  const stack = options.stack ?? "test";
  const partition = "aws";
  const iamRoles = options.iamRoles ?? [];
  return {
    newResource(args: pulumi.runtime.MockResourceArgs): {
      id: string | undefined;
      state: Record<string, any>;
    } {
      const mock = typeMock(args.type);
      const seed = `${stack}/${args.type}/${args.name}`;
      const ctx: MockContext = {
        type: args.type,
        name: args.name,
        inputs: args.inputs,
        region,
        accountId,
        partition,
        stack,
        hex: (n) => deterministicHex(seed, n),
      };
      const state: Record<string, any> = { ...args.inputs };
      if (mock?.autoName && state[mock.autoName] === undefined) {
        state[mock.autoName] = autoName(
          args.name,
          mock.autoNameMaxLength,
          mock.autoNameLowercase,
          ctx.hex(7),
        );
      }
      if (!args.custom) {
        // Components (local or remote): outputs only where a mock declares them.
        return { id: undefined, state: { ...state, ...(mock?.outputs?.(ctx, state) ?? {}) } };
      }
      let id: string;
      if (typeof mock?.id === "function") id = mock.id(ctx, state);
      else if (typeof mock?.id === "string") id = `${mock.id}-${ctx.hex(17)}`;
      else if (mock?.autoName) id = String(state[mock.autoName]);
      else id = `${args.name}-${ctx.hex(8)}`;
      state.id = id;
      const { module, resource } = tokenParts(args.type);
      const computed = mock?.outputs?.(ctx, state) ?? {
        arn: `arn:${partition}:${module}:${region}:${accountId}:${resource.toLowerCase()}/${id}`,
      };
      return { id, state: { ...state, ...computed } };
    },
    call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
      const mock = callMock(args.token);
      if (!mock) {
        throw new Error(
          `offline mocks: no mock for invoke ${args.token}; declare it in tools/offline/mocks/ (unknown invokes are errors, not echoes)`,
        );
      }
      return mock(args.inputs, { region, accountId, partition, stack, iamRoles });
    },
  };
}
