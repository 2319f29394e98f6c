// Types of the matchers cdktf's Testing.setupJest() registers (test/setup.ts).
export {};

interface TerraformConstructor {
  readonly tfResourceType: string;
}

declare global {
  namespace jest {
    interface Matchers<R> {
      toHaveResource(type: TerraformConstructor): R;
      toHaveResourceWithProperties(type: TerraformConstructor, properties: Record<string, unknown>): R;
      toHaveDataSource(type: TerraformConstructor): R;
      toHaveDataSourceWithProperties(type: TerraformConstructor, properties: Record<string, unknown>): R;
      toHaveProvider(type: TerraformConstructor): R;
      toHaveProviderWithProperties(type: TerraformConstructor, properties: Record<string, unknown>): R;
    }
  }
}
