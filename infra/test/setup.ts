import { Testing } from 'cdktf';

// Registers cdktf's matchers (toHaveResourceWithProperties, …) on jest's expect.
Testing.setupJest();
