/**
 * How the agent configuration reaches the generator: the SSM parameter it is written to (by
 * GeneratorAgent, later) and the SSM Command document that applies it on the instance.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { applyAgentConfigDocument } from "./instance";

/**
 * The SSM parameter name of a generator's agent configuration. It is fixed here, before the
 * parameter exists, so that the instance role can be granted exactly this one parameter.
 */
export function agentParameterName(project: string, stack: string, name: string): string {
  return `/${project}/${stack}/${name}/fluentd.conf`;
}

/** What {@link agentParameterArn} needs: the parameter name and where the stack runs. */
export interface AgentParameterArnInputs {
  readonly parameterName: string;
  readonly partition: pulumi.Output<string>;
  readonly region: pulumi.Output<string>;
  readonly accountId: pulumi.Output<string>;
}

/** The ARN of the agent parameter (the name already starts with "/"). */
export function agentParameterArn(inputs: AgentParameterArnInputs): pulumi.Output<string> {
  const { partition, region, accountId, parameterName } = inputs;
  return pulumi.interpolate`arn:${partition}:ssm:${region}:${accountId}:parameter${parameterName}`;
}

/** What {@link createAgentDocument} needs. */
export interface AgentDocumentInputs {
  /** The NetworkWithGenerator, parent of the document. */
  readonly parent: pulumi.Resource;
  /** The component's name; the document is `${name}-agent-document`. */
  readonly name: string;
  /** The stack's region (the apply script calls SSM there). */
  readonly region: pulumi.Output<string>;
}

/** The SSM Command document that GeneratorAgent's association runs on the instance. */
export function createAgentDocument(inputs: AgentDocumentInputs): { documentName: pulumi.Output<string> } {
  const { parent, name, region } = inputs;
  const document = new aws.ssm.Document(
    `${name}-agent-document`,
    {
      documentType: "Command",
      documentFormat: "JSON",
      content: region.apply((r) => JSON.stringify(applyAgentConfigDocument(r), null, 2)),
    },
    { parent },
  );
  return { documentName: document.name };
}
