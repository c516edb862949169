"""A command's own peak resident memory, exactly.

The peak a parent reads from wait4 (ru_maxrss) also counts the address space the child
was forked from: Linux carries the old memory's high-water mark across exec, and
subprocess starts children from the bench process itself (with vfork they share its
memory outright), which holds hundreds of MB by the time the imports are measured. Every
child then "peaked" at the bench's own size (two runs said 487 MB for the workbench and
for pysbd alone). This small process forks the command instead, so what is carried over
is a few MB of this interpreter, and reports the command's peak.

Run: python -m bench.peak FILE COMMAND [ARG...]: runs COMMAND with this process's
standard streams, writes its peak in KiB to FILE, exits with its exit status.
"""

import os
import sys


def high_water_kib() -> int | None:
    """This process's own peak (VmHWM: the current memory's mark, fresh after exec)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    report, command = argv[0], argv[1:]
    child = os.fork()
    if child == 0:
        try:
            os.execvp(command[0], command)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(child, 0)
    with open(report, "w", encoding="ascii") as out:
        out.write(str(usage.ru_maxrss))
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
