"""The text symbols of an ELF (read with llvm-nm) and the function that holds an address: shared
by ct_trace.py and profile.py."""
import bisect
import subprocess


class Symbols:
    def __init__(self, nm, elf):
        self.syms = []  # (address, size, demangled name), by address
        out = subprocess.run([nm, "-n", "-C", "-S", elf], capture_output=True, text=True).stdout
        for line in out.splitlines():
            parts = line.split(None, 3)
            if len(parts) == 4 and parts[2].lower() == "t":
                self.syms.append((int(parts[0], 16) & ~1, int(parts[1], 16), parts[3]))
        self.starts = [a for a, _, _ in self.syms]

    def function(self, pc):
        """The name of the function whose code holds `pc`, or "?"."""
        i = bisect.bisect_right(self.starts, pc) - 1
        if i >= 0 and pc < self.syms[i][0] + max(self.syms[i][1], 1):
            return self.syms[i][2]
        return "?"
