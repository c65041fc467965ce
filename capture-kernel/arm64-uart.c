/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <libfdt.h>
#include <stdbool.h>
#include <string.h>

#include "capture-kernel/arm64-uart.h"

/* A big-endian number of 1 or 2 cells; false for other widths. */
static bool read_cells(const void *p, int cells, uint64_t *ret) {
        const fdt32_t *c = p;
        uint64_t v = 0;

        if (cells < 1 || cells > 2)
                return false;
        for (int i = 0; i < cells; i++)
                v = (v << 32) | fdt32_ld(c + i);
        *ret = v;
        return true;
}

/* The console node: stdout-path up to its ':', a path or an alias
 * (fdt_path_offset_namelen() resolves both). */
static int stdout_node(const void *fdt) {
        const char *p;
        int chosen, len;

        chosen = fdt_path_offset(fdt, "/chosen");
        if (chosen < 0)
                return -1;
        p = fdt_getprop(fdt, chosen, "stdout-path", &len);
        if (!p)
                p = fdt_getprop(fdt, chosen, "linux,stdout-path", &len);
        if (!p || len <= 1)
                return -1;
        len = (int) strnlen(p, (size_t) len);
        for (int i = 0; i < len; i++)
                if (p[i] == ':') {
                        len = i;
                        break;
                }
        return len > 0 ? fdt_path_offset_namelen(fdt, p, len) : -1;
}

/* Moves addr, an address on the bus `node` provides, to its parent's bus
 * through node's ranges: empty ranges is the identity, no ranges is a bus
 * the CPU cannot reach. */
static bool translate(const void *fdt, int node, int parent, uint64_t *addr) {
        int cac = fdt_address_cells(fdt, node), csc = fdt_size_cells(fdt, node), pac = fdt_address_cells(fdt, parent);
        const uint8_t *p;
        int len, entry;

        p = fdt_getprop(fdt, node, "ranges", &len);
        if (!p)
                return false;
        if (len == 0)
                return true;
        if (cac < 1 || cac > 2 || pac < 1 || pac > 2 || csc < 1 || csc > 2)
                return false;
        entry = 4 * (cac + pac + csc);
        for (int off = 0; off + entry <= len; off += entry) {
                uint64_t cb, pb, size;

                (void) read_cells(p + off, cac, &cb);
                (void) read_cells(p + off + 4 * cac, pac, &pb);
                (void) read_cells(p + off + 4 * (cac + pac), csc, &size);
                if (*addr >= cb && *addr - cb < size) {
                        *addr = *addr - cb + pb;
                        return true;
                }
        }
        return false;
}

int arm64_dtb_stdout_pl011(const void *fdt, uint64_t *ret_base) {
        int node, parent, len;
        const void *reg;
        uint64_t addr;

        node = stdout_node(fdt);
        if (node < 0 || fdt_node_check_compatible(fdt, node, "arm,pl011") != 0)
                return 0;
        parent = fdt_parent_offset(fdt, node);
        if (parent < 0)
                return 0;
        reg = fdt_getprop(fdt, node, "reg", &len);
        if (!reg || len < 4 * fdt_address_cells(fdt, parent) || !read_cells(reg, fdt_address_cells(fdt, parent), &addr))
                return 0;
        /* Up to the root, bus by bus. */
        while (parent > 0) {
                int up = fdt_parent_offset(fdt, parent);

                if (up < 0 || !translate(fdt, parent, up, &addr))
                        return 0;
                parent = up;
        }
        *ret_base = addr;
        return 1;
}
