/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* A byte-sink filter that seals what passes through it as one age v1 file
 * (seal/age-seal.h) to X25519 recipients: only ciphertext reaches the sink
 * after it, and nothing at all until the first chunk is complete.  Memory:
 * one 64 KiB chunk and the header.  Finishing writes the last chunk; a
 * chain that is never finished leaves an age file cut short, which age
 * readers refuse (the dump is incomplete, never silently shorter). */

#include "initramfs/collect/byte-sink.h"
#include "seal/age-key.h"

/* The file key and nonces come from getrandom(GRND_NONBLOCK): -EAGAIN while
 * the kernel's random pool is not initialized (see random-wait.h).  next
 * becomes owned on success; the recipients are copied. */
int seal_sink_new(const age_recipients *recipients, byte_sink *next, byte_sink **ret);
