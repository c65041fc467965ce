/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: what kdumpctl reads that someone else wrote, in seal/.  The
 * first byte chooses: 0, an age file through the opener (age-open.c: the
 * header, the stanzas, the MAC, the payload chunks), with the identity the
 * corpus files were sealed to, so valid inputs reach the payload; else the
 * rest as a recipients or identities file, line by line (age-key.c: Bech32
 * and the key checks). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "seal/age-key.h"
#include "seal/age-open.h"

/* tests/fixtures/age/age-1.1.1-key.txt: a throwaway test key */
#define FUZZ_IDENTITY "AGE-SECRET-KEY-1YPU7KUHRYD8K66T69XYS8Z0XNE5F68P6S53LPZ6VAPZV6L8LRXTQ620YH0"

static int discard(void *userdata, const void *buf, size_t len) {
        return 0;
}

static void open_file(const uint8_t *data, size_t size) {
        age_identities *ids = NULL;
        age_open *o = NULL;
        char *err = NULL;

        if (age_identities_new(&ids) < 0 || age_identities_add_string(ids, FUZZ_IDENTITY, NULL) < 0 ||
            age_open_new(ids, discard, NULL, &o) < 0)
                abort();
        /* in two pieces, as reads from a file arrive */
        if (age_open_write(o, data, size / 2, &err) >= 0 && age_open_write(o, data + size / 2, size - size / 2, &err) >= 0)
                (void) age_open_finish(o, &err);
        free(err);
        age_open_free(o);
        age_identities_free(ids);
}

static void parse_keys(const uint8_t *data, size_t size) {
        age_recipients *r = NULL;
        age_identities *ids = NULL;
        char *text = malloc(size + 1), *save = NULL;

        if (!text || age_recipients_new(&r) < 0 || age_identities_new(&ids) < 0)
                abort();
        memcpy(text, data, size);
        text[size] = 0;
        for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                char *e1 = NULL, *e2 = NULL;

                (void) age_recipients_add_string(r, l, &e1);
                (void) age_identities_add_string(ids, l, &e2);
                free(e1);
                free(e2);
        }
        free(text);
        age_recipients_free(r);
        age_identities_free(ids);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        if (size < 1)
                return 0;
        if (data[0] == 0)
                open_file(data + 1, size - 1);
        else
                parse_keys(data + 1, size - 1);
        return 0;
}
