import { App } from 'cdktf';
import type { InfraConfig } from './config';
import { DataStack } from './stacks/data';
import { ComputeStack } from './stacks/compute';
import { WebStack } from './stacks/web';
import { CiStack } from './stacks/ci';
import { BudgetStack } from './stacks/budget';

export interface ChatStacks {
  data: DataStack;
  compute: ComputeStack;
  web: WebStack;
  ci: CiStack;
  budget: BudgetStack;
}

/**
 * All five stacks in dependency order (names.STACK_ORDER): data ← compute ← web ← ci, budget alone.
 * compute precedes web because CloudFront's API origin is the instance's Elastic IP.
 */
export function buildStacks(app: App, config: InfraConfig): ChatStacks {
  const data = new DataStack(app, config);
  const compute = new ComputeStack(app, config, data);
  const web = new WebStack(app, config, data, compute);
  const ci = new CiStack(app, config, compute, web);
  const budget = new BudgetStack(app, config);
  return { data, compute, web, ci, budget };
}
