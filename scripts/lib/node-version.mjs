/** The project runs on Node 24 LTS; say so plainly instead of failing later in a dependency. */
export function requireNode24() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 24) {
    console.error(
      `This project needs Node.js 24 (found ${process.versions.node}).\n` +
        `Install it (https://nodejs.org, nvm install 24) or run: npm install --prefix .tools/node24 node@24 && export PATH="$PWD/.tools/node24/node_modules/node/bin:$PATH"`,
    );
    process.exit(1);
  }
}
