import type { Construct } from 'constructs';
import { BudgetsBudget } from '@cdktf/provider-aws/lib/budgets-budget';
import { BaseStack } from './base-stack';
import type { InfraConfig } from '../config';

/** The free-tier guard: an e-mail at the first cent actually charged, and when the month is forecast to exceed the budget. */
export class BudgetStack extends BaseStack {
  readonly budget: BudgetsBudget;

  constructor(scope: Construct, config: InfraConfig) {
    super(scope, 'budget', config);
    const to = [config.alertEmail];
    this.budget = new BudgetsBudget(this, 'monthly-cost', {
      name: `${config.prefix}-monthly-cost`,
      budgetType: 'COST',
      timeUnit: 'MONTHLY',
      limitAmount: config.budgetUsd.toFixed(2),
      limitUnit: 'USD',
      notification: [
        {
          comparisonOperator: 'GREATER_THAN',
          notificationType: 'ACTUAL',
          threshold: 0.01,
          thresholdType: 'ABSOLUTE_VALUE',
          subscriberEmailAddresses: to,
        },
        {
          comparisonOperator: 'GREATER_THAN',
          notificationType: 'ACTUAL',
          threshold: 80,
          thresholdType: 'PERCENTAGE',
          subscriberEmailAddresses: to,
        },
        {
          comparisonOperator: 'GREATER_THAN',
          notificationType: 'FORECASTED',
          threshold: 100,
          thresholdType: 'PERCENTAGE',
          subscriberEmailAddresses: to,
        },
      ],
    });
    this.output('BUDGET_NAME', this.budget.name, 'AWS Budgets budget that e-mails the alert address');
  }
}
