#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Turns the relocatable purgatory object into a C array the loader links in."""
import sys

src, dst, name = sys.argv[1], sys.argv[2], sys.argv[3]
data = open(src, 'rb').read()
with open(dst, 'w') as f:
    f.write('/* generated from %s by embed.py */\n#include <stddef.h>\n' % src.split('/')[-1])
    f.write('const unsigned char %s[] __attribute__((aligned(16))) = {\n' % name)
    for i in range(0, len(data), 16):
        f.write('  ' + ', '.join('0x%02x' % b for b in data[i:i + 16]) + ',\n')
    f.write('};\nconst size_t %s_size = %d;\n' % (name, len(data)))
