// Browser tests drive Debian's Chromium; no test tool downloads a browser of its own.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Installs Debian's chromium when missing and this process may (root); true when it is there. */
export function ensureChromium(log: (line: string) => void = console.log): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.getuid?.() !== 0) {
    log(`chromium is missing at ${CHROMIUM}; install it with: apt-get install -y chromium`);
    return false;
  }
  log("installing Debian's chromium for the browser tests (apt-get install -y chromium)");
  execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
  execFileSync("apt-get", ["install", "-y", "-qq", "chromium"], {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  return existsSync(CHROMIUM);
}
