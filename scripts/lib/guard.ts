// A process that takes what it runs down with its parent:
//   node scripts/lib/guard.ts <command> [args...]
// Started detached (a process group of its own, which Ctrl-C in a terminal does not reach) with a pipe
// on stdin. It runs the command in its own group, and when the pipe ends, which happens however the
// parent ends (SIGKILL included, which no handler can catch), or on SIGTERM/SIGINT, it stops the whole
// group: SIGTERM, then SIGKILL for whatever is left after GRACE_MS. wrangler and the workerd processes
// it starts stay in the group, so none of them can outlive the parent. Exits with the command's code.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { constants } from "node:os";

const GRACE_MS = 5000;

const [command, ...args] = process.argv.slice(2);
if (!command) {
  process.stderr.write("usage: node scripts/lib/guard.ts <command> [args...]\n");
  process.exit(2);
}

const child = spawn(command, args, { stdio: ["ignore", "inherit", "inherit"] });
let stopping = false;

/** The other members of this process's group (Linux /proc; empty elsewhere). */
function groupMembers(): number[] {
  const members: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return members;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      // pid (comm) state ppid pgrp …: comm may hold spaces and parentheses, so split after its last ")".
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === process.pid) members.push(pid);
    } catch {
      // gone meanwhile
    }
  }
  return members;
}

function signalGroup(signal: NodeJS.Signals): void {
  const members = groupMembers();
  if (members.length === 0 && process.platform !== "linux") {
    // Without /proc the group is signalled whole, this process included.
    try {
      process.kill(-process.pid, signal);
    } catch {
      // nothing left
    }
    return;
  }
  for (const pid of members) {
    try {
      process.kill(pid, signal);
    } catch {
      // gone meanwhile
    }
  }
}

function stop(): void {
  if (stopping) return;
  stopping = true;
  signalGroup("SIGTERM");
  setTimeout(() => {
    signalGroup("SIGKILL");
    process.exit(137);
  }, GRACE_MS);
}

process.stdin.on("end", stop);
process.stdin.on("error", stop);
process.stdin.resume();
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.on("SIGHUP", stop);

child.on("error", (error) => {
  process.stderr.write(`guard: cannot run ${command}: ${error.message}\n`);
  process.exit(127);
});
child.on("exit", (code, signal) => {
  // Whatever the command left running in the group (workerd under a crashed wrangler) goes with it.
  signalGroup("SIGKILL");
  process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0));
});
