// The memory the soak reports: the RSS of this process and of every process under it (Linux /proc),
// sampled on a timer and added up per role (front server, guard, wrangler, workerd, site build…).
import { readdirSync, readFileSync } from "node:fs";

export interface ProcessMemory {
  /** What the process is: front server and feed (this process), guard, wrangler, workerd, site build… */
  role: string;
  /** Processes seen in that role over the run (workerd is two at once; every site build is one). */
  processes: number;
  /** The largest RSS the role's processes had together at one sample, and at the end. */
  peakMb: number;
  endMb: number;
}

/** Every process descended from `root`, with its parent, command line and RSS (Linux /proc). */
function processTree(root: number): { pid: number; cmdline: string; rssKb: number }[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // gone meanwhile
    }
  }
  const inTree = (pid: number): boolean => {
    for (let at: number | undefined = pid, hops = 0; at !== undefined && hops < 64; hops++) {
      if (at === root) return true;
      if (at <= 1) return false;
      at = parents.get(at);
    }
    return false;
  };
  const tree = [];
  for (const pid of parents.keys()) {
    if (!inTree(pid)) continue;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
      const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      // Kernel threads and exiting processes have no command line and no memory of their own.
      if (rss && cmdline.trim()) tree.push({ pid, cmdline, rssKb: Number(rss[1]) });
    } catch {
      // gone meanwhile
    }
  }
  return tree;
}

function roleOf(pid: number, cmdline: string): string {
  if (pid === process.pid) return "front server, feed and bench (this process)";
  if (cmdline.includes("guard.ts")) return "guard";
  if (cmdline.includes("build-site.ts")) return "site build";
  if (cmdline.includes("wrangler-dist")) return "wrangler";
  if (cmdline.includes(".bin/wrangler")) return "wrangler launcher";
  if (cmdline.includes("workerd")) return "workerd";
  if (cmdline.includes("esbuild")) return "esbuild";
  return cmdline.split(" ")[0] ?? "other";
}

/** Samples the RSS of this process and everything under it every `everyMs`, per role. */
export function memorySampler(everyMs: number) {
  const roles = new Map<string, { pids: Set<number>; peakKb: number; endKb: number }>();
  const sample = () => {
    const now = new Map<string, number>();
    for (const { pid, cmdline, rssKb } of processTree(process.pid)) {
      const role = roleOf(pid, cmdline);
      now.set(role, (now.get(role) ?? 0) + rssKb);
      const seen = roles.get(role) ?? { pids: new Set(), peakKb: 0, endKb: 0 };
      seen.pids.add(pid);
      roles.set(role, seen);
    }
    for (const [role, seen] of roles) {
      const kb = now.get(role) ?? 0;
      seen.peakKb = Math.max(seen.peakKb, kb);
      seen.endKb = kb;
    }
  };
  const canSample = process.platform === "linux";
  const timer = canSample ? setInterval(sample, everyMs) : null;
  if (canSample) sample();
  return {
    stop: (): ProcessMemory[] => {
      if (timer) clearInterval(timer);
      return [...roles]
        .map(([role, seen]) => ({
          role,
          processes: seen.pids.size,
          peakMb: Math.round(seen.peakKb / 1024),
          endMb: Math.round(seen.endKb / 1024),
        }))
        .sort((a, b) => b.peakMb - a.peakMb);
    },
  };
}
