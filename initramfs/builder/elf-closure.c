/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "basic/strv.h"
#include "initramfs/builder/chase.h"
#include "initramfs/builder/elf-closure.h"

struct elf_closure {
        char *root;
        char **search_dirs;             /* NULL: defaults by e_machine */
        struct elf_closure_entry *entries;     /* strings owned */
        size_t n, allocated;
        char **found_names;             /* DT_NEEDED names already resolved */
        size_t n_found;
        char *failed_name, *failed_needed_by;
};

struct elf_info {
        int class;
        int machine;
        char *interp;
        char **needed;
        size_t n_needed;
        char *rpath, *runpath;
};


static void elf_info_done(struct elf_info *i) {
        free(i->interp);
        for (size_t k = 0; k < i->n_needed; k++)
                free(i->needed[k]);
        free(i->needed);
        free(i->rpath);
        free(i->runpath);
}

int elf_closure_new(const char *root, const char *const *search_dirs, elf_closure **ret) {
        elf_closure *c;
        size_t n = 0;

        if (elf_version(EV_CURRENT) == EV_NONE)
                return -EIO;
        c = calloc(1, sizeof(*c));
        if (!c)
                return -ENOMEM;
        c->root = strdup(root ? root : "/");
        if (!c->root)
                goto oom;
        if (search_dirs)
                for (const char *const *d = search_dirs; *d; d++)
                        if (strv_push(&c->search_dirs, &n, *d) < 0)
                                goto oom;
        *ret = c;
        return 0;
oom:
        elf_closure_free(c);
        return -ENOMEM;
}

elf_closure *elf_closure_free(elf_closure *c) {
        if (!c)
                return NULL;
        for (size_t i = 0; i < c->n; i++) {
                free((char *) c->entries[i].path);
                free((char *) c->entries[i].needed_by);
        }
        free(c->entries);
        strv_free(c->found_names);
        strv_free(c->search_dirs);
        free(c->failed_name);
        free(c->failed_needed_by);
        free(c->root);
        free(c);
        return NULL;
}

const char *elf_closure_failed_name(const elf_closure *c) {
        return c->failed_name;
}

const char *elf_closure_failed_needed_by(const elf_closure *c) {
        return c->failed_needed_by;
}

size_t elf_closure_count(const elf_closure *c) {
        return c->n;
}

const struct elf_closure_entry *elf_closure_get(const elf_closure *c, size_t i) {
        return i < c->n ? &c->entries[i] : NULL;
}

static int set_failed(elf_closure *c, const char *name, const char *needed_by, int r) {
        free(c->failed_name);
        free(c->failed_needed_by);
        c->failed_name = strdup(name);
        c->failed_needed_by = needed_by ? strdup(needed_by) : NULL;
        return r;
}

static bool have_entry(const elf_closure *c, const char *path) {
        for (size_t i = 0; i < c->n; i++)
                if (strcmp(c->entries[i].path, path) == 0)
                        return true;
        return false;
}

static int add_entry(elf_closure *c, const char *path, const char *needed_by, bool interp) {
        char *p_path, *p_needed_by;

        if (c->n == c->allocated) {
                size_t a = c->allocated ? c->allocated * 2 : 16;
                struct elf_closure_entry *p = reallocarray(c->entries, a, sizeof(*p));

                if (!p)
                        return -ENOMEM;
                c->entries = p;
                c->allocated = a;
        }
        p_path = strdup(path);
        p_needed_by = strdup(needed_by);
        if (!p_path || !p_needed_by) {
                free(p_path);
                free(p_needed_by);
                return -ENOMEM;
        }
        c->entries[c->n++] = (struct elf_closure_entry) {
                .path = p_path, .needed_by = p_needed_by, .interpreter = interp,
        };
        return 0;
}

/* Reads what the loader needs from one ELF file (host path). With
 * header_only, only class and machine. */
static int read_elf(const char *host, bool header_only, struct elf_info *ret) {
        struct elf_info info = {};
        _cleanup_close_ int fd = -EBADF;
        Elf *elf = NULL;
        GElf_Ehdr ehdr;
        Elf_Scn *scn = NULL;
        size_t nphdr, rawsize;
        const char *raw;
        int r = -ENOEXEC;

        fd = open(host, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
        if (!elf)
                return -ENOEXEC;
        if (elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &ehdr))
                goto out;
        if (ehdr.e_type != ET_EXEC && ehdr.e_type != ET_DYN)
                goto out;
        info.class = gelf_getclass(elf);
        info.machine = ehdr.e_machine;
        if (header_only) {
                r = 0;
                goto out;
        }

        raw = elf_rawfile(elf, &rawsize);
        if (elf_getphdrnum(elf, &nphdr) < 0 || !raw)
                goto out;
        for (size_t k = 0; k < nphdr; k++) {
                GElf_Phdr ph;

                if (!gelf_getphdr(elf, (int) k, &ph) || ph.p_type != PT_INTERP)
                        continue;
                if (ph.p_offset > rawsize || ph.p_filesz > rawsize - ph.p_offset || ph.p_filesz == 0)
                        goto out;
                info.interp = strndup(raw + ph.p_offset, ph.p_filesz);
                if (!info.interp) {
                        r = -ENOMEM;
                        goto out;
                }
        }

        while ((scn = elf_nextscn(elf, scn))) {
                GElf_Shdr sh;
                Elf_Data *data;

                if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNAMIC || sh.sh_entsize == 0)
                        continue;
                data = elf_getdata(scn, NULL);
                if (!data)
                        goto out;
                for (size_t k = 0; k < sh.sh_size / sh.sh_entsize; k++) {
                        GElf_Dyn dyn;
                        const char *s;

                        if (!gelf_getdyn(data, (int) k, &dyn))
                                break;
                        if (dyn.d_tag == DT_NULL)
                                break;
                        if (dyn.d_tag != DT_NEEDED && dyn.d_tag != DT_RPATH && dyn.d_tag != DT_RUNPATH)
                                continue;
                        s = elf_strptr(elf, sh.sh_link, dyn.d_un.d_val);
                        if (!s)
                                goto out;
                        if (dyn.d_tag == DT_NEEDED) {
                                r = strv_push(&info.needed, &info.n_needed, s);
                                if (r < 0)
                                        goto out;
                                r = -ENOEXEC;
                        } else {
                                char **dst = dyn.d_tag == DT_RPATH ? &info.rpath : &info.runpath;

                                free(*dst);
                                *dst = strdup(s);
                                if (!*dst) {
                                        r = -ENOMEM;
                                        goto out;
                                }
                        }
                }
        }
        r = 0;
out:
        elf_end(elf);
        if (r < 0)
                elf_info_done(&info);
        else
                *ret = info;
        return r;
}

static const char *triplet(int machine) {
        switch (machine) {
        case EM_X86_64:  return "x86_64-linux-gnu";
        case EM_AARCH64: return "aarch64-linux-gnu";
        case EM_386:     return "i386-linux-gnu";
        case EM_PPC64:   return "powerpc64le-linux-gnu";
        case EM_S390:    return "s390x-linux-gnu";
        case EM_RISCV:   return "riscv64-linux-gnu";
        default:         return NULL;
        }
}

/* Splits an rpath string, expanding $ORIGIN (the directory of the object,
 * glibc's _dl_get_origin()/expand_dynamic_string_token()). */
static int expand_rpath(const char *rpath, const char *origin, char ***dirs, size_t *n) {
        const char *p = rpath;
        int r;

        while (p && *p) {
                size_t k = strcspn(p, ":");
                _cleanup_free_ char *comp = strndup(p, k), *out = NULL;
                size_t cap, len = 0;

                if (!comp)
                        return -ENOMEM;
                p += k;
                if (*p == ':')
                        p++;
                if (!comp[0])
                        continue;       /* empty: the cwd, meaningless here */
                cap = strlen(comp) * (strlen(origin) + 1) + 1;
                out = malloc(cap);
                if (!out)
                        return -ENOMEM;
                for (const char *q = comp; *q;) {
                        if (strncmp(q, "$ORIGIN", 7) == 0 || strncmp(q, "${ORIGIN}", 9) == 0) {
                                memcpy(out + len, origin, strlen(origin));
                                len += strlen(origin);
                                q += q[1] == '{' ? 9 : 7;
                        } else
                                out[len++] = *q++;
                }
                out[len] = 0;
                r = strv_push(dirs, n, out);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Looks for name in dirs; *ret_path is the in-root name the loader opens. */
static int search(elf_closure *c, const char *name, char **dirs, int class, int machine, char **ret_path,
                  char **ret_resolved) {
        for (char **d = dirs; d && *d; d++) {
                _cleanup_free_ char *cand = NULL, *norm = NULL, *resolved = NULL, *host = NULL;
                struct elf_info hdr;
                int r;

                if (asprintf(&cand, "%s/%s", *d, name) < 0)
                        return -ENOMEM;
                r = path_normalize(cand, &norm);
                if (r < 0)
                        return r;
                r = chase_in_root(c->root, norm, NULL, NULL, &resolved);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        continue;
                r = root_path(c->root, resolved, &host);
                if (r < 0)
                        return r;
                if (read_elf(host, true, &hdr) < 0)
                        continue;
                elf_info_done(&hdr);
                if (hdr.class != class || hdr.machine != machine)
                        continue;
                *ret_path = TAKE_PTR(norm);
                *ret_resolved = TAKE_PTR(resolved);
                return 0;
        }
        return -ENOENT;
}

static bool name_found(const elf_closure *c, const char *name) {
        for (size_t i = 0; i < c->n_found; i++)
                if (strcmp(c->found_names[i], name) == 0)
                        return true;
        return false;
}

static int process(elf_closure *c, const char *path, const char *resolved, char **inherited_rpath,
                   unsigned depth);

static int process_needed(elf_closure *c, const char *path, const char *resolved,
                          const struct elf_info *info, char **inherited_rpath, unsigned depth) {
        _cleanup_free_ char *origin = strdup(resolved);
        char **rpaths = NULL, **dirs = NULL;
        size_t n_rpaths = 0, n_dirs = 0;
        int r, added = 0;

        if (!origin)
                return -ENOMEM;
        *strrchr(origin, '/') = 0;      /* resolved is absolute */

        /* DT_RPATH is inherited down the chain, ignored when DT_RUNPATH is set */
        for (char **p = inherited_rpath; p && *p; p++)
                if ((r = strv_push(&rpaths, &n_rpaths, *p)) < 0)
                        goto out;
        if (info->rpath && (r = expand_rpath(info->rpath, origin, &rpaths, &n_rpaths)) < 0)
                goto out;

        if (!info->runpath)
                for (char **p = rpaths; p && *p; p++)
                        if ((r = strv_push(&dirs, &n_dirs, *p)) < 0)
                                goto out;
        if (info->runpath && (r = expand_rpath(info->runpath, origin, &dirs, &n_dirs)) < 0)
                goto out;
        if (c->search_dirs) {
                for (char **p = c->search_dirs; *p; p++)
                        if ((r = strv_push(&dirs, &n_dirs, *p)) < 0)
                                goto out;
        } else {
                const char *t = triplet(info->machine);
                char buf[64];

                if (t) {
                        snprintf(buf, sizeof(buf), "/lib/%s", t);
                        if ((r = strv_push(&dirs, &n_dirs, buf)) < 0)
                                goto out;
                        snprintf(buf, sizeof(buf), "/usr/lib/%s", t);
                        if ((r = strv_push(&dirs, &n_dirs, buf)) < 0)
                                goto out;
                }
                static const char *const defaults[] = { "/lib64", "/usr/lib64", "/lib", "/usr/lib" };
                for (size_t k = 0; k < ELEMENTSOF(defaults); k++)
                        if ((r = strv_push(&dirs, &n_dirs, defaults[k])) < 0)
                                goto out;
        }

        for (size_t k = 0; k < info->n_needed; k++) {
                const char *name = info->needed[k];
                _cleanup_free_ char *lib = NULL, *lib_resolved = NULL;

                if (name_found(c, name))
                        continue;
                if (strchr(name, '/')) {
                        r = path_normalize(name, &lib);
                        if (r >= 0)
                                r = chase_in_root(c->root, lib, NULL, NULL, &lib_resolved);
                } else
                        r = search(c, name, dirs, info->class, info->machine, &lib, &lib_resolved);
                if (r == -ENOENT) {
                        r = set_failed(c, name, path, -ENOENT);
                        goto out;
                }
                if (r < 0)
                        goto out;
                if ((r = strv_push(&c->found_names, &c->n_found, name)) < 0)
                        goto out;
                if (have_entry(c, lib))
                        continue;
                if ((r = add_entry(c, lib, path, false)) < 0)
                        goto out;
                added++;
                r = process(c, lib, lib_resolved, info->runpath ? NULL : rpaths, depth + 1);
                if (r < 0)
                        goto out;
                added += r;
        }
        r = added;
out:
        strv_free(rpaths);
        strv_free(dirs);
        return r;
}

static int process(elf_closure *c, const char *path, const char *resolved, char **inherited_rpath,
                   unsigned depth) {
        _cleanup_free_ char *host = NULL;
        struct elf_info info;
        int r, added = 0;

        if (depth > ELF_CLOSURE_DEPTH_MAX)
                return set_failed(c, path, NULL, -ELOOP);
        r = root_path(c->root, resolved, &host);
        if (r < 0)
                return r;
        r = read_elf(host, false, &info);
        if (r < 0)
                return set_failed(c, path, NULL, r);

        if (info.interp && !have_entry(c, info.interp)) {
                _cleanup_free_ char *norm = NULL, *interp_resolved = NULL;

                r = path_normalize(info.interp, &norm);
                if (r >= 0)
                        r = chase_in_root(c->root, norm, NULL, NULL, &interp_resolved);
                if (r == -ENOENT)
                        r = set_failed(c, info.interp, path, r);
                if (r >= 0)
                        r = add_entry(c, info.interp, path, true);
                if (r < 0)
                        goto out;
                added++;
        }
        r = process_needed(c, path, resolved, &info, inherited_rpath, depth);
        if (r >= 0)
                r += added;
out:
        elf_info_done(&info);
        return r;
}

int elf_closure_add(elf_closure *c, const char *path) {
        _cleanup_free_ char *norm = NULL, *resolved = NULL;
        int r;

        free(c->failed_name);
        free(c->failed_needed_by);
        c->failed_name = c->failed_needed_by = NULL;

        r = path_normalize(path, &norm);
        if (r < 0)
                return r;
        r = chase_in_root(c->root, norm, NULL, NULL, &resolved);
        if (r < 0)
                return set_failed(c, path, NULL, r);
        return process(c, norm, resolved, NULL, 0);
}
