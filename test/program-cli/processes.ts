/**
 * Processes a real-engine run consists of, from /proc (Linux): the runner (node, hosting the
 * program), the `pulumi` process it started, and the plugins `pulumi` started — which it puts in
 * process groups of their own, so a process group is not enough to find them all.
 */
import * as fs from "fs";

interface ProcStat {
  pid: number;
  ppid: number;
  state: string;
  comm: string;
}

function readStat(pid: string): ProcStat | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined; // exited while we looked
  }
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { pid: Number(pid), ppid: Number(fields[1]), state: fields[0]!, comm: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")) };
}

function allProcesses(): ProcStat[] {
  return fs
    .readdirSync("/proc")
    .filter((e) => /^\d+$/.test(e))
    .map(readStat)
    .filter((p): p is ProcStat => p !== undefined);
}

/** `root` and its live (non-zombie) descendants, with their command names. */
export function processTree(root: number): Array<{ pid: number; comm: string }> {
  const all = allProcesses();
  const tree = new Set<number>([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) {
      if (!tree.has(p.pid) && tree.has(p.ppid)) {
        tree.add(p.pid);
        grew = true;
      }
    }
  }
  return all.filter((p) => tree.has(p.pid) && p.state !== "Z").map(({ pid, comm }) => ({ pid, comm }));
}

/** SIGKILL to every process of the tree at once: what a lost terminal, an OOM kill of the session or a reboot does. */
export function killTree(root: number): number[] {
  const pids = processTree(root).map((p) => p.pid);
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch (error) {
      if (!(error instanceof Error && "code" in error && error.code === "ESRCH")) throw error;
    }
  }
  return pids;
}

export function isAlive(pid: number): boolean {
  const stat = readStat(String(pid));
  return stat !== undefined && stat.state !== "Z";
}
