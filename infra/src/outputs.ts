/** Terraform outputs of the stacks, flattened to the names the server settings and the pipeline use. */

export type TerraformOutputJson = Record<string, { value: unknown; sensitive?: boolean }>;

/** Merges `terraform output -json` of each stack; cdktf's internal cross-stack outputs are left out. */
export function flattenOutputs(perStack: Record<string, TerraformOutputJson>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const outputs of Object.values(perStack)) {
    for (const [name, o] of Object.entries(outputs)) {
      if (name.startsWith('cross-stack-output-') || o.sensitive) continue;
      flat[name] = String(o.value ?? '');
    }
  }
  return flat;
}

/** Settings the server reads, in the form of the systemd unit's environment (for a run outside the instance). */
export const SERVER_SETTINGS = ['AWS_REGION', 'QUEUE_URL', 'TABLE_NAME', 'UPLOADS_BUCKET'] as const;
/** Values the deploy workflow uses; the ci stack also writes the targets to SSM under SSM_PREFIX. */
export const PIPELINE_VALUES = ['AWS_REGION', 'DEPLOY_ROLE_ARN', 'SSM_PREFIX', 'ARTIFACT_BUCKET', 'INSTANCE_ID', 'SITE_BUCKET', 'DISTRIBUTION_ID', 'API_URL', 'SITE_URL'] as const;
/** Buckets `destroy` empties before terraform removes them. */
export const BUCKET_OUTPUTS = ['UPLOADS_BUCKET', 'ARTIFACT_BUCKET', 'SITE_BUCKET'] as const;

export function describeOutputs(flat: Record<string, string>): string {
  const block = (title: string, names: readonly string[]) =>
    [title, ...names.map((n) => `  ${n}=${flat[n] ?? ''}`)].join('\n');
  const gh = [
    'GitHub repository variables (the only deploy settings stored in GitHub):',
    `  gh variable set AWS_REGION --body ${flat.AWS_REGION ?? ''}`,
    `  gh variable set AWS_DEPLOY_ROLE_ARN --body ${flat.DEPLOY_ROLE_ARN ?? ''}`,
  ].join('\n');
  return [block('Server settings (on the instance already):', SERVER_SETTINGS), block('Deploy targets (also in SSM Parameter Store):', PIPELINE_VALUES), gh].join('\n\n');
}
