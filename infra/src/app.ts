import { App } from 'cdktf';
import type { InfraConfig } from './config';
import { DataStack } from './stacks/data';
import { ComputeStack } from './stacks/compute';
import { WebStack } from './stacks/web';
import { CiStack } from './stacks/ci';
import { BudgetStack } from './stacks/budget';
import { AuthStack } from './stacks/auth';

export interface ChatStacks {
  data: DataStack;
  compute: ComputeStack;
  web: WebStack;
  /** Only with CHAT_AUTH=cognito (the default). */
  auth?: AuthStack;
  ci: CiStack;
  budget: BudgetStack;
}

/**
 * The stacks in dependency order (names.STACK_ORDER): data ← compute ← web ← auth ← ci, budget alone.
 * compute precedes web because CloudFront's API origin is the instance's Elastic IP; auth follows web because the app
 * client's callback URL is the chat's URL. Without CHAT_AUTH=cognito there is no auth stack (names.stacksFor).
 */
export function buildStacks(app: App, config: InfraConfig): ChatStacks {
  const data = new DataStack(app, config);
  const compute = new ComputeStack(app, config, data);
  const web = new WebStack(app, config, data, compute);
  const auth = config.auth === 'cognito' ? new AuthStack(app, config, web) : undefined;
  const ci = new CiStack(app, config, compute, web);
  const budget = new BudgetStack(app, config);
  return { data, compute, web, auth, ci, budget };
}
