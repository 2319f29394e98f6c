/** "What would be created": the resource types of each synthesized stack, counted (from cdktf.out, no AWS). */
import * as fs from 'node:fs';
import * as path from 'node:path';

export function plannedResources(stackDirOf: (id: string) => string, ids: string[]): string[] {
  return ids.map((id) => {
    const file = path.join(stackDirOf(id), 'cdk.tf.json');
    const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { resource?: Record<string, Record<string, unknown>> };
    const counts = Object.entries(json.resource ?? {}).map(
      ([type, byName]) => [type.replace(/^aws_/, ''), Object.keys(byName).length] as const,
    );
    const total = counts.reduce((n, [, c]) => n + c, 0);
    return `${id} (${total}): ${counts.map(([t, c]) => (c > 1 ? `${c} ${t}` : t)).join(', ')}`;
  });
}
