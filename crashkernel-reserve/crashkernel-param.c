/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/macro.h"
#include "basic/parse-util.h"
#include "crashkernel-reserve/crashkernel-param.h"

const char crashkernel_valid_forms[] =
        "valid forms are crashkernel=size[@offset] (e.g. 256M), "
        "crashkernel=start-[end]:size[,start-[end]:size...][@offset] (e.g. 1G-64G:256M,64G-:512M), "
        "crashkernel=size,high with an optional crashkernel=size,low, and crashkernel=size,cma; "
        "sizes are numbers with an optional K, M, G, T, P or E suffix";

static const char *const suffixes[] = {
        [CRASHKERNEL_FORM_HIGH] = ",high",
        [CRASHKERNEL_FORM_LOW] = ",low",
        [CRASHKERNEL_FORM_CMA] = ",cma",
};

_printf_(3, 4)
static int fail(char **ret_error, const char *value, const char *fmt, ...) {
        _cleanup_free_ char *reason = NULL;
        va_list ap;
        int n;

        if (!ret_error)
                return -EINVAL;
        va_start(ap, fmt);
        n = vasprintf(&reason, fmt, ap);
        va_end(ap);
        if (n < 0)
                return -ENOMEM;
        free(*ret_error);
        *ret_error = NULL;
        if (asprintf(ret_error, "Invalid crashkernel=%s: %s; %s.", value, reason, crashkernel_valid_forms) < 0) {
                *ret_error = NULL;
                return -ENOMEM;
        }
        return -EINVAL;
}

/* Reads a number at *p for the messages' sake naming what was expected. */
static int expect_number(const char *value, const char **p, const char *what, uint64_t *ret, char **ret_error) {
        int r;

        r = parse_size_prefix(*p, p, ret);
        if (r == -ERANGE)
                return fail(ret_error, value, "%s at \"%s\" is too large", what, *p);
        if (r < 0)
                return fail(ret_error, value, "expected %s at \"%s\"", what, **p ? *p : "(end)");
        return 0;
}

static int parse_offset_tail(const char *value, const char *p, struct crashkernel_value *v, char **ret_error) {
        int r;

        if (*p == 0)
                return 0;
        if (*p != '@')
                return fail(ret_error, value, "unexpected \"%s\"", p);
        p++;
        r = expect_number(value, &p, "an offset after '@'", &v->offset, ret_error);
        if (r < 0)
                return r;
        if (*p != 0)
                return fail(ret_error, value, "unexpected \"%s\" after the offset", p);
        v->has_offset = true;
        return 0;
}

/* parse_crashkernel_mem(), minus the evaluation, which needs system RAM. */
static int parse_ranges(const char *value, struct crashkernel_value *v, char **ret_error) {
        const char *p = value;
        int r;

        for (;;) {
                struct crashkernel_range rg = { .end = UINT64_MAX };

                if (v->n_ranges >= CRASHKERNEL_RANGES_MAX)
                        return fail(ret_error, value, "more than %u ranges", CRASHKERNEL_RANGES_MAX);
                r = expect_number(value, &p, "the start of a range", &rg.start, ret_error);
                if (r < 0)
                        return r;
                if (*p != '-')
                        return fail(ret_error, value, "expected '-' after the start of a range at \"%s\"",
                                    *p ? p : "(end)");
                p++;
                if (*p != ':') {
                        r = expect_number(value, &p, "the end of a range or ':'", &rg.end, ret_error);
                        if (r < 0)
                                return r;
                        if (rg.end <= rg.start)
                                return fail(ret_error, value, "a range ends before it starts (the end is exclusive)");
                }
                if (*p != ':')
                        return fail(ret_error, value, "expected ':' after a range at \"%s\"", *p ? p : "(end)");
                p++;
                r = expect_number(value, &p, "a size after ':'", &rg.size, ret_error);
                if (r < 0)
                        return r;
                v->ranges[v->n_ranges++] = rg;
                if (*p != ',')
                        break;
                p++;
        }
        return parse_offset_tail(value, p, v, ret_error);
}

int crashkernel_value_parse(const char *value, struct crashkernel_value *ret, char **ret_error) {
        struct crashkernel_value v = { .form = CRASHKERNEL_FORM_SIMPLE };
        size_t len;
        const char *p;
        int r;

        if (!value)
                return -EINVAL;
        len = strlen(value);
        if (len >= CRASHKERNEL_VALUE_MAX)
                return -E2BIG;
        if (len == 0)
                return fail(ret_error, value, "the value is empty");
        memcpy(v.text, value, len + 1);
        for (p = value; *p; p++)
                if (isspace((unsigned char) *p))
                        return fail(ret_error, value, "the value contains white space");

        /* get_last_crashkernel(): the suffix is what the parameter ends with. */
        for (enum crashkernel_form f = CRASHKERNEL_FORM_HIGH; f <= CRASHKERNEL_FORM_CMA; f++) {
                size_t sl = strlen(suffixes[f]);

                if (len > sl && strcmp(value + len - sl, suffixes[f]) == 0) {
                        /* parse_crashkernel_suffix(): one number, then exactly the suffix. */
                        v.form = f;
                        p = value;
                        r = expect_number(value, &p, "a size", &v.size, ret_error);
                        if (r < 0)
                                return r;
                        if ((size_t) (p - value) != len - sl)
                                return fail(ret_error, value, "unexpected \"%.*s\" before \"%s\"",
                                            (int) (len - sl - (size_t) (p - value)), p, suffixes[f]);
                        *ret = v;
                        return 0;
                }
        }
        /* __parse_crashkernel(): a ':' means the extended (range) syntax. */
        if (strchr(value, ':')) {
                v.form = CRASHKERNEL_FORM_RANGES;
                r = parse_ranges(value, &v, ret_error);
                if (r < 0)
                        return r;
                *ret = v;
                return 0;
        }

        /* parse_crashkernel_simple() */
        p = value;
        r = expect_number(value, &p, "a size", &v.size, ret_error);
        if (r < 0)
                return r;
        if (*p == ',')
                return fail(ret_error, value, "unknown suffix \"%s\" (known: ,high ,low ,cma)", p);
        r = parse_offset_tail(value, p, &v, ret_error);
        if (r < 0)
                return r;
        *ret = v;
        return 0;
}

int crashkernel_cmdline_parse(const char *cmdline, struct crashkernel_spec *ret, char **ret_error) {
        static const char name[] = "crashkernel=";
        struct crashkernel_spec spec = {};
        const char *last[CRASHKERNEL_FORM_CMA + 1] = {};
        size_t last_len[CRASHKERNEL_FORM_CMA + 1] = {};
        bool any = false;
        int r;

        if (!cmdline)
                return -EINVAL;

        /* Words are separated by white space (/proc/cmdline ends in a
         * newline).  The kernel also splits on plain spaces here: quoting
         * does not protect a crashkernel= value. */
        for (const char *p = cmdline; *p;) {
                size_t n;

                while (*p && isspace((unsigned char) *p))
                        p++;
                n = 0;
                while (p[n] && !isspace((unsigned char) p[n]))
                        n++;
                if (n > strlen(name) && strncmp(p, name, strlen(name)) == 0) {
                        const char *val = p + strlen(name);
                        size_t vl = n - strlen(name);
                        enum crashkernel_form f = CRASHKERNEL_FORM_SIMPLE;

                        for (enum crashkernel_form s = CRASHKERNEL_FORM_HIGH; s <= CRASHKERNEL_FORM_CMA; s++)
                                if (vl >= strlen(suffixes[s]) &&
                                    strncmp(val + vl - strlen(suffixes[s]), suffixes[s], strlen(suffixes[s])) == 0)
                                        f = s;
                        last[f] = val;
                        last_len[f] = vl;
                        any = true;
                } else if (n == strlen(name) && strncmp(p, name, n) == 0) {
                        return fail(ret_error, "", "the value is empty");
                }
                p += n;
        }
        if (!any)
                return -ENOENT;

        for (enum crashkernel_form f = CRASHKERNEL_FORM_SIMPLE; f <= CRASHKERNEL_FORM_CMA; f++) {
                _cleanup_free_ char *val = NULL;
                struct crashkernel_value *v;
                bool *has;

                if (f == CRASHKERNEL_FORM_RANGES || !last[f])
                        continue;
                val = strndup(last[f], last_len[f]);
                if (!val)
                        return -ENOMEM;
                switch (f) {
                case CRASHKERNEL_FORM_HIGH: v = &spec.high; has = &spec.has_high; break;
                case CRASHKERNEL_FORM_LOW: v = &spec.low; has = &spec.has_low; break;
                case CRASHKERNEL_FORM_CMA: v = &spec.cma; has = &spec.has_cma; break;
                default: v = &spec.plain; has = &spec.has_plain; break;
                }
                r = crashkernel_value_parse(val, v, ret_error);
                if (r < 0)
                        return r;
                *has = true;
        }

        *ret = spec;
        return 0;
}

static int evaluate_ranges(const struct crashkernel_value *v, uint64_t system_ram, uint64_t *ret_size,
                           char **ret_error) {
        uint64_t total = ALIGN_UP(system_ram, CRASHKERNEL_RAM_ROUNDING);
        char b1[32], b2[32];

        /* parse_crashkernel_mem(): each range's size is checked against the
         * rounded RAM as it is read, up to and including the one that
         * matches; later ones are not looked at. */
        for (size_t i = 0; i < v->n_ranges; i++) {
                const struct crashkernel_range *rg = &v->ranges[i];

                if (rg->size >= total)
                        return fail(ret_error, v->text,
                                    "the size %s is not below the system RAM (%s rounded up to 128M)",
                                    crashkernel_format_size(b1, sizeof(b1), rg->size),
                                    crashkernel_format_size(b2, sizeof(b2), total));
                if (total >= rg->start && total < rg->end) {
                        *ret_size = rg->size;
                        return 0;
                }
        }
        *ret_size = 0;
        return 0;
}

int crashkernel_spec_evaluate(const struct crashkernel_spec *spec, uint64_t system_ram,
                              struct crashkernel_result *ret, char **ret_error) {
        struct crashkernel_result res = {};
        char b1[32], b2[32];
        int r;

        if (spec->has_plain) {
                /* crashkernel=X[@offset] wins; ",high" and ",low" are then ignored. */
                if (spec->plain.form == CRASHKERNEL_FORM_RANGES) {
                        r = evaluate_ranges(&spec->plain, system_ram, &res.size, ret_error);
                        if (r < 0)
                                return r;
                        if (res.size == 0) {
                                /* Nothing matched: no reservation, no error. */
                                *ret = res;
                                return 0;
                        }
                } else {
                        res.size = spec->plain.size;
                        if (res.size == 0)
                                return fail(ret_error, spec->plain.text, "a size of 0 reserves nothing");
                }
                res.has_offset = spec->plain.has_offset;
                res.offset = spec->plain.offset;
        } else if (spec->has_high) {
                res.size = spec->high.size;
                if (res.size == 0)
                        return fail(ret_error, spec->high.text, "a size of 0 reserves nothing");
                res.high = true;
                if (spec->has_low)
                        res.low_size = spec->low.size;   /* 0 is allowed: no low part */
                else {
                        res.low_size = CRASHKERNEL_LOW_DEFAULT;
                        res.low_default = true;
                }
        } else {
                /* parse_crashkernel() returns -EINVAL without a plain or
                 * ",high" value, before it looks at ",cma". */
                if (spec->has_cma)
                        return fail(ret_error, spec->cma.text,
                                    "a CMA reservation needs a standard one beside it (crashkernel=size or size,high) "
                                    "to hold the capture kernel and initramfs");
                return fail(ret_error, spec->low.text, "crashkernel=size,low only counts together with crashkernel=size,high");
        }

        if (spec->has_cma)
                res.cma_size = spec->cma.size;

        /* The final check in parse_crashkernel(), on the unrounded RAM. */
        if (res.size >= system_ram)
                return fail(ret_error, spec->has_plain ? spec->plain.text : spec->high.text, "the size %s is not below the system RAM (%s)",
                            crashkernel_format_size(b1, sizeof(b1), res.size),
                            crashkernel_format_size(b2, sizeof(b2), system_ram));

        *ret = res;
        return 0;
}

int crashkernel_cmdline_evaluate(const char *cmdline, uint64_t system_ram, struct crashkernel_result *ret,
                                 char **ret_error) {
        struct crashkernel_spec spec;
        int r;

        r = crashkernel_cmdline_parse(cmdline, &spec, ret_error);
        if (r < 0)
                return r;
        return crashkernel_spec_evaluate(&spec, system_ram, ret, ret_error);
}

const char *crashkernel_format_size(char *buf, size_t len, uint64_t size) {
        static const char units[] = "KMGTPE";
        int i = -1;

        while (i + 1 < (int) (sizeof(units) - 1) && size != 0 && (size & 1023) == 0) {
                size >>= 10;
                i++;
        }
        if (i < 0)
                snprintf(buf, len, "%llu", (unsigned long long) size);
        else
                snprintf(buf, len, "%llu%c", (unsigned long long) size, units[i]);
        return buf;
}
