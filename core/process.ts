import fs from 'node:fs';

/**
 * Which process a PID is: its start time (field 22 of /proc/PID/stat, clock ticks since
 * boot) and the boot id. A PID alone is not enough: PIDs are reused, and a restarted
 * container gets the same low PID again. Empty where /proc cannot tell (not Linux).
 */
export function processIdentity(pid: number): { start?: string; boot?: string } {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (the command) is in parentheses and may hold spaces: count fields after its ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const start = fields[22 - 3];
    const boot = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    return start && /^\d+$/.test(start) && boot ? { start, boot } : {};
  } catch {
    return {};
  }
}

/** Whether a process with this PID exists (EPERM: it does, owned by another user). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
