// testTimeout in a project's jest config is ignored when the root config runs all projects together, so
// the browser tests set theirs here (setupFilesAfterEnv is honoured per project).
jest.setTimeout(90_000);
