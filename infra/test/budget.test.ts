import { BudgetsBudget } from '@cdktf/provider-aws/lib/budgets-budget';
import { only, synthAll } from './helpers';

describe('budget stack', () => {
  test('a monthly cost budget with the configured amount e-mails the configured address', () => {
    const budget = synthAll({ budgetUsd: 3 }).json.budget;
    expect(budget).toHaveResourceWithProperties(BudgetsBudget, {
      budget_type: 'COST',
      time_unit: 'MONTHLY',
      limit_amount: '3.00',
      limit_unit: 'USD',
    });
    const notes = only(budget, 'aws_budgets_budget').notification as { subscriber_email_addresses: string[] }[];
    expect(notes.length).toBeGreaterThan(0);
    for (const n of notes) expect(n.subscriber_email_addresses).toEqual(['ops@example.org']);
  });

  test('a free-tier user hears at the first cent actually charged, before the budget is used up', () => {
    expect(synthAll().json.budget).toHaveResourceWithProperties(BudgetsBudget, {
      notification: expect.arrayContaining([
        expect.objectContaining({
          notification_type: 'ACTUAL',
          threshold_type: 'ABSOLUTE_VALUE',
          threshold: 0.01,
          comparison_operator: 'GREATER_THAN',
        }),
        expect.objectContaining({ notification_type: 'FORECASTED', threshold_type: 'PERCENTAGE', threshold: 100 }),
      ]),
    });
  });
});
