// What an AWS identity's own policies let it become, as the AWS scanner records it on the
// identity (`attributes.actsAs`): the resources it may call sts:AssumeRole and iam:PassRole on,
// and the compute it may create or change. The edges are made here, across accounts, once the
// roles and their trusts are known.

/** A resource pattern (IAM wildcards), or every resource but the listed ones (NotResource). */
export type ResourcePattern = string | { not: string[] };

/** Where an action is allowed: some allow matches, no deny matches, every cap (boundary, SCP level) allows. */
export interface ResourceRule {
  allow: ResourcePattern[];
  deny: ResourcePattern[];
  caps?: ResourcePattern[][];
  /** The statement that allows it, for evidence. */
  by: string;
}

export interface AwsActsAs {
  assume?: ResourceRule;
  passRole?: ResourceRule;
  /** Compute-creating actions it may call, with the statement allowing each. */
  create?: Record<string, string>;
  /** Compute-changing actions it may call, with the statement allowing each. */
  change?: Record<string, string>;
  /** Some policy could not be read: what is absent here is unknown, not denied. */
  partial?: boolean;
}

/** A compute service: the principal its roles trust, the actions that create it with a passed role, those that change what runs. */
export interface ComputeService {
  principal: string;
  create: string[];
  change: string[];
  /** EC2 runs a role only through an instance profile. */
  needsInstanceProfile?: boolean;
}

/** PMapper's PassRole edges, and the actions that change code or configuration of running compute. */
export const COMPUTE_SERVICES: ComputeService[] = [
  { principal: 'lambda.amazonaws.com', create: ['lambda:CreateFunction'], change: ['lambda:UpdateFunctionCode', 'lambda:UpdateFunctionConfiguration'] },
  { principal: 'ec2.amazonaws.com', create: ['ec2:RunInstances'], change: ['ssm:SendCommand', 'ssm:StartSession', 'ec2:ModifyInstanceAttribute'], needsInstanceProfile: true },
  { principal: 'ecs-tasks.amazonaws.com', create: ['ecs:RunTask', 'ecs:CreateService'], change: ['ecs:ExecuteCommand'] },
  { principal: 'glue.amazonaws.com', create: ['glue:CreateDevEndpoint', 'glue:CreateJob'], change: ['glue:UpdateDevEndpoint', 'glue:UpdateJob'] },
  { principal: 'sagemaker.amazonaws.com', create: ['sagemaker:CreateNotebookInstance', 'sagemaker:CreateTrainingJob', 'sagemaker:CreateProcessingJob'], change: ['sagemaker:CreatePresignedNotebookInstanceUrl'] },
  { principal: 'cloudformation.amazonaws.com', create: ['cloudformation:CreateStack'], change: ['cloudformation:UpdateStack'] },
  { principal: 'codebuild.amazonaws.com', create: ['codebuild:CreateProject'], change: ['codebuild:UpdateProject'] },
  { principal: 'states.amazonaws.com', create: ['states:CreateStateMachine'], change: ['states:UpdateStateMachine'] },
  { principal: 'datapipeline.amazonaws.com', create: ['datapipeline:CreatePipeline'], change: ['datapipeline:PutPipelineDefinition'] },
];

const globCache = new Map<string, RegExp>();
/** IAM resource match: `*` any run, `?` one character, case-sensitive. */
function glob(pattern: string, value: string): boolean {
  let re = globCache.get(pattern);
  if (!re) {
    re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
    if (globCache.size > 5000) globCache.clear();
    globCache.set(pattern, re);
  }
  return re.test(value);
}

const matches = (p: ResourcePattern, arn: string) => (typeof p === 'string' ? glob(p, arn) : !p.not.some((x) => glob(x, arn)));

/** Is the action allowed on this resource by the rule? */
export function ruleAllows(rule: ResourceRule | undefined, arn: string): boolean {
  if (!rule) return false;
  return rule.allow.some((p) => matches(p, arn)) && !rule.deny.some((p) => matches(p, arn)) && (rule.caps ?? []).every((c) => c.some((p) => matches(p, arn)));
}

/** The actsAs facts of an identity's attributes, when they look like them. */
export function actsAsOf(attributes: Record<string, unknown> | null | undefined): AwsActsAs | null {
  const a = attributes?.actsAs;
  return a && typeof a === 'object' ? (a as AwsActsAs) : null;
}
