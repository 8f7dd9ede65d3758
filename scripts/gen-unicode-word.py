#!/usr/bin/env python3
"""Writes src/auth/unicode_word.inc: ranges of non-ASCII code points that
Python's regex \\w matches (str.isalnum()), as Django's username validator uses."""
import sys
import unicodedata

ranges, start = [], None
for cp in range(0x80, 0x110000):
    ok = chr(cp).isalnum()
    if ok and start is None:
        start = cp
    if not ok and start is not None:
        ranges.append((start, cp - 1))
        start = None
if start is not None:
    ranges.append((start, 0x10FFFF))
out = sys.argv[1] if len(sys.argv) > 1 else "src/auth/unicode_word.inc"
with open(out, "w") as f:
    f.write("// Generated: the non-ASCII code points where Python's str.isalnum() is true,\n")
    f.write("// i.e. what Django's username regex matches with \\w (Unicode %s, Python %s).\n"
            % (unicodedata.unidata_version, sys.version.split()[0]))
    f.write("// Regenerate with scripts/gen-unicode-word.py.\n")
    for a, b in ranges:
        f.write("{0x%X, 0x%X},\n" % (a, b))
