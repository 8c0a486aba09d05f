// `npm run check`: the static checks `npm test` starts with, without the tests.
import { runChecks } from "./lib/checks.ts";

const failed = runChecks().filter((outcome) => !outcome.ok);
for (const outcome of failed) process.stdout.write(`failed: ${outcome.name}\n`);
process.exitCode = failed.length === 0 ? 0 : 1;
