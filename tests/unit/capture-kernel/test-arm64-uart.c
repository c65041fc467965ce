/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The console the arm64 purgatory reports on (arm64-uart.h), from device
 * trees written with libfdt's sequential-write API: QEMU virt's PL011 at the
 * root by path, a board's behind an alias with options and a bus with
 * ranges, the older linux,stdout-path; and no port for anything it cannot
 * be sure of -- another UART, a bus without ranges, no stdout-path. */
#include <libfdt.h>
#include <stdbool.h>
#include <stdlib.h>

#include "basic/macro.h"
#include "capture-kernel/arm64-uart.h"
#include "tests.h"

struct tree {
        const char *stdout_prop, *stdout_path;   /* NULL: no /chosen property */
        const char *compatible;
        bool soc, soc_ranges;                    /* the UART under /soc, with ranges */
};

static void reg(void *b, uint64_t a, uint64_t s) {
        fdt32_t c[4] = { cpu_to_fdt32((uint32_t) (a >> 32)), cpu_to_fdt32((uint32_t) a),
                         cpu_to_fdt32((uint32_t) (s >> 32)), cpu_to_fdt32((uint32_t) s) };
        ASSERT_OK(fdt_property(b, "reg", c, sizeof(c)));
}

static void uart_node(void *b, const struct tree *t, uint64_t addr) {
        ASSERT_OK(fdt_begin_node(b, "serial@9000000"));
        ASSERT_OK(fdt_property(b, "compatible", t->compatible, (int) strlen(t->compatible) + 1));
        reg(b, addr, 0x1000);
        ASSERT_OK(fdt_end_node(b));
}

static void *make(const struct tree *t) {
        void *b = calloc(1, 4096);

        ASSERT_TRUE(b);
        ASSERT_OK(fdt_create(b, 4096));
        ASSERT_OK(fdt_finish_reservemap(b));
        ASSERT_OK(fdt_begin_node(b, ""));
        ASSERT_OK(fdt_property_u32(b, "#address-cells", 2));
        ASSERT_OK(fdt_property_u32(b, "#size-cells", 2));
        ASSERT_OK(fdt_begin_node(b, "aliases"));
        ASSERT_OK(fdt_property_string(b, "serial0", t->soc ? "/soc/serial@9000000" : "/serial@9000000"));
        ASSERT_OK(fdt_end_node(b));
        if (t->soc) {
                /* 32-bit bus addresses 0x0..: the CPU sees them at 0x1c000000.. */
                fdt32_t r[] = { cpu_to_fdt32(0), cpu_to_fdt32(0), cpu_to_fdt32(0x1c000000), cpu_to_fdt32(0x10000000) };

                ASSERT_OK(fdt_begin_node(b, "soc"));
                ASSERT_OK(fdt_property_u32(b, "#address-cells", 1));
                ASSERT_OK(fdt_property_u32(b, "#size-cells", 1));
                if (t->soc_ranges)
                        ASSERT_OK(fdt_property(b, "ranges", r, sizeof(r)));
                ASSERT_OK(fdt_begin_node(b, "serial@9000000"));
                ASSERT_OK(fdt_property(b, "compatible", t->compatible, (int) strlen(t->compatible) + 1));
                fdt32_t c[] = { cpu_to_fdt32(0x90000), cpu_to_fdt32(0x1000) };
                ASSERT_OK(fdt_property(b, "reg", c, sizeof(c)));
                ASSERT_OK(fdt_end_node(b));
                ASSERT_OK(fdt_end_node(b));
        } else
                uart_node(b, t, 0x9000000);
        ASSERT_OK(fdt_begin_node(b, "chosen"));
        if (t->stdout_prop)
                ASSERT_OK(fdt_property_string(b, t->stdout_prop, t->stdout_path));
        ASSERT_OK(fdt_end_node(b));
        ASSERT_OK(fdt_end_node(b));
        ASSERT_OK(fdt_finish(b));
        return b;
}

static const char pl011[] = "arm,pl011\0arm,primecell";

static int probe(const struct tree *t, uint64_t *base) {
        _cleanup_free_ void *fdt = make(t);

        return arm64_dtb_stdout_pl011(fdt, base);
}

TEST(qemu_virt_by_path) {
        uint64_t base = 0;

        ASSERT_EQ(probe(&(struct tree) { "stdout-path", "/serial@9000000", .compatible = pl011 }, &base), 1);
        ASSERT_EQ(base, 0x9000000);
}

TEST(alias_with_options_through_ranges) {
        uint64_t base = 0;

        ASSERT_EQ(probe(&(struct tree) { "stdout-path", "serial0:115200n8", pl011, true, true }, &base), 1);
        ASSERT_EQ(base, 0x1c090000);
}

TEST(old_linux_stdout_path) {
        uint64_t base = 0;

        ASSERT_EQ(probe(&(struct tree) { "linux,stdout-path", "serial0", .compatible = pl011 }, &base), 1);
        ASSERT_EQ(base, 0x9000000);
}

TEST(no_port_when_unsure) {
        static const char ns16550[] = "ns16550a";
        uint64_t base = 0x1234;

        ASSERT_EQ(probe(&(struct tree) { "stdout-path", "/serial@9000000", .compatible = ns16550 }, &base), 0);
        ASSERT_EQ(probe(&(struct tree) { NULL, NULL, .compatible = pl011 }, &base), 0);
        ASSERT_EQ(probe(&(struct tree) { "stdout-path", "serial0", pl011, true, false }, &base), 0);
        ASSERT_EQ(probe(&(struct tree) { "stdout-path", "serial7", .compatible = pl011 }, &base), 0);
        ASSERT_EQ(base, 0x1234);
}

TEST_MAIN()
