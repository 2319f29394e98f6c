/** `npm run checkov -w infra`: scan what `synth` wrote, print counts and reasons, exit 1 on any unskipped failure. */
import * as path from 'node:path';
import { formatScan, scanStacks } from './scan';

const stacksDir = path.resolve(__dirname, '..', '..', 'cdktf.out', 'stacks');
const scans = scanStacks(stacksDir);
console.log(formatScan(scans));
process.exit(scans.some((s) => s.failed.length > 0 || s.unusedSkips.length > 0) ? 1 : 0);
