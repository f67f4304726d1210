"""Peak memory of a process while a benchmark runs (shared by the bench_*.py scripts)."""
import os
import threading
import time


class RssWatcher(threading.Thread):
    """Max VmHWM (peak resident memory) of any one process whose command line mentions ``needle``,
    polled from /proc until :meth:`stop`, which returns it in MiB."""

    def __init__(self, needle, interval=0.02):
        threading.Thread.__init__(self, daemon=True)
        self.needle = needle.encode()
        self.interval = interval
        self.peak_kb = 0
        self.done = False

    def run(self):
        while not self.done:
            for pid in os.listdir('/proc'):
                if not pid.isdigit():
                    continue
                try:
                    with open('/proc/%s/cmdline' % pid, 'rb') as f:
                        if self.needle not in f.read():
                            continue
                    with open('/proc/%s/status' % pid) as f:
                        for line in f:
                            if line.startswith('VmHWM:'):
                                self.peak_kb = max(self.peak_kb, int(line.split()[1]))
                except (IOError, OSError):
                    continue
            time.sleep(self.interval)

    def stop(self):
        self.done = True
        self.join()
        return self.peak_kb / 1024.0
