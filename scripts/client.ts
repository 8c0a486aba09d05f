// `npm run client`: regenerate shared/openapi.d.ts, the TypeScript description of the API, from the
// OpenAPI document the app produces. `--check` regenerates in memory instead and fails when the
// committed file differs, so a route whose schema changed without regenerating fails `npm run check`.
import { readFileSync, writeFileSync } from "node:fs";
import { appDocument, CLIENT_FILE, clientSource } from "./lib/api-client.ts";

const source = await clientSource(await appDocument());
if (process.argv.includes("--check")) {
  let committed = "";
  try {
    committed = readFileSync(CLIENT_FILE, "utf8");
  } catch {
    // missing: as stale as a different file
  }
  if (committed !== source) {
    process.stderr.write(`${CLIENT_FILE} is out of date with the OpenAPI document: run \`npm run client\`\n`);
    process.exitCode = 1;
  } else process.stdout.write(`${CLIENT_FILE} is current\n`);
} else {
  writeFileSync(CLIENT_FILE, source);
  process.stdout.write(`wrote ${CLIENT_FILE}\n`);
}
