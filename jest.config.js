/** One jest run over every workspace's tests; each project keeps its own config beside its code. */
module.exports = {
  projects: ['<rootDir>/app/protocol', '<rootDir>/app/server'],
};
