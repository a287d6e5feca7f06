"""One process, measured: `python3 bench/measure.py CMD [ARGS...]` runs CMD (stdout and stderr
to /dev/null) and prints {"code", "wall", "cpu", "user", "sys", "rss"} as JSON: wall seconds
from fork to exit, user/sys CPU seconds and peak RSS (KiB) of the process and the children it
waited for (wait4 rusage, microsecond CPU). Used by bench/render-bench.ts.
"""
import json
import os
import sys
import time

argv = sys.argv[1:]
devnull = os.open(os.devnull, os.O_WRONLY)
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    try:
        os.execvp(argv[0], argv)
    finally:
        os._exit(127)
_, status, ru = os.wait4(pid, 0)
wall = time.perf_counter() - start
code = os.waitstatus_to_exitcode(status)
print(json.dumps({"code": code, "wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "user": ru.ru_utime, "sys": ru.ru_stime, "rss": ru.ru_maxrss}))
