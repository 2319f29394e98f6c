/**
 * The Node.js release the instances run: the version in the repository's .nvmrc (the one CI tests with,
 * actions/setup-node reads the same file) and the SHA-256 of its official Linux tarballs, pinned here so the boot
 * script never trusts only what the download host says. Bumping .nvmrc needs a new entry below (a test says so);
 * the sums are in https://nodejs.org/dist/v<version>/SHASUMS256.txt.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export type NodeArch = 'x64' | 'arm64';

export interface NodeRelease {
  version: string;
  /** SHA-256 of node-v<version>-linux-<arch>.tar.xz. */
  sha256: Record<NodeArch, string>;
}

export const NODE_CHECKSUMS: Record<string, Record<NodeArch, string>> = {
  '24.11.1': {
    x64: '60e3b0a8500819514aca603487c254298cd776de0698d3cd08f11dba5b8289a8',
    arm64: '6b0863fb9f627bf4a6c5948dce1de4398174a2e05dbe717503d828e211ca01f0',
  },
};

/** .nvmrc at the repository root; src/boot/ and dist/boot/ are both two levels below infra/. */
export const NVMRC = path.resolve(__dirname, '..', '..', '..', '.nvmrc');

export function pinnedNodeVersion(file = NVMRC): string {
  return fs.readFileSync(file, 'utf8').trim().replace(/^v/, '');
}

/** The pinned release for a version; throws when the repository has no checksums for it. */
export function nodeRelease(version = pinnedNodeVersion()): NodeRelease {
  const sha256 = NODE_CHECKSUMS[version];
  if (!sha256) throw new Error(`no pinned checksums for Node ${version}: add it to NODE_CHECKSUMS in infra/src/boot/node-release.ts`);
  return { version, sha256 };
}
