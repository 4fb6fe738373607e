"""Layer 0: thin typed wrappers over Linux system calls (ctypes, kernel names)."""
