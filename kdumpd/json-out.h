/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Minimal JSON output for kdumpctl --json: strings escaped per RFC 8259
 * (control characters as \u00XX, invalid UTF-8 bytes replaced by U+FFFD so
 * the output always parses). */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Writes s as a JSON string, or null for NULL. */
void json_string(FILE *f, const char *s);
/* "key": value pairs; `first` tracks whether a comma is needed. */
void json_key(FILE *f, bool *first, const char *key);
void json_kv_string(FILE *f, bool *first, const char *key, const char *value);
void json_kv_u64(FILE *f, bool *first, const char *key, uint64_t value);
void json_kv_i64(FILE *f, bool *first, const char *key, int64_t value);
void json_kv_bool(FILE *f, bool *first, const char *key, bool value);
void json_kv_null(FILE *f, bool *first, const char *key);
