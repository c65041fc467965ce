#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# kdump-age against the real age tool, both ways: what `age -r` seals,
# kdump-age opens; what kdump-age seals, `age -d` opens; at sizes around the
# 64 KiB chunk, through files and pipes, with two recipients, with a
# recipients file; and the wrong key is refused by both.  age is installed by
# tests/setup-deps: without it this test fails (TAP "Bail out!"), it does
# not skip.
set -uo pipefail

KDUMP_AGE=${1:?usage: age-interop.sh PATH-TO-kdump-age}
for tool in age age-keygen cmp; do
        if ! command -v "$tool" >/dev/null; then
                echo "Bail out! '$tool' is not installed: run tests/setup-deps (it installs Debian's age)"
                exit 1
        fi
done

tmp=$(mktemp -d /tmp/kdumpd-age-interop.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

n=0
failed=0
ok() {
        n=$((n + 1))
        echo "ok $n - $1"
}
not_ok() {
        n=$((n + 1))
        failed=$((failed + 1))
        echo "not ok $n - $1"
        [ -s err ] && sed 's/^/# /' err
        return 0
}
check() {       # check DESCRIPTION COMMAND...: ok when the command succeeds
        local what=$1
        shift
        if "$@" 2>check.err; then ok "$what"; else cp check.err err; not_ok "$what"; fi
}
refuse() {      # refuse DESCRIPTION COMMAND...: ok when the command fails
        local what=$1
        shift
        if "$@" 2>err; then not_ok "$what (it succeeded)"; else ok "$what"; fi
}
sealed_size() { # the formula of age_sealed_size(): recipients, plaintext bytes
        local chunks=$(( $2 == 0 ? 1 : ($2 + 65535) / 65536 ))
        echo $(( 86 + 98 * $1 + $2 + 16 * chunks ))
}

age-keygen -o key1 2>/dev/null && age-keygen -o key2 2>/dev/null || { echo "Bail out! age-keygen failed"; exit 1; }
pub1=$(age-keygen -y key1)
pub2=$(age-keygen -y key2)

for size in 0 1 65536 1048579; do
        head -c "$size" /dev/urandom >plain

        age -r "$pub1" -o by-age.age plain
        check "$size bytes: age -r, then kdump-age decrypt" \
                sh -c "'$KDUMP_AGE' decrypt -i key1 -o out by-age.age && cmp -s plain out"

        check "$size bytes: kdump-age encrypt, then age -d" \
                sh -c "'$KDUMP_AGE' encrypt -r '$pub1' -o by-us.age plain && age -d -i key1 by-us.age >out2 && cmp -s plain out2"

        check "$size bytes: sealed size is 86 + 98 + $size + 16 * chunks" \
                test "$(stat -c %s by-us.age)" = "$(sealed_size 1 "$size")"

        check "$size bytes: through pipes both ways" \
                sh -c "'$KDUMP_AGE' encrypt -r '$pub1' <plain | age -d -i key1 | cmp -s plain - &&
                       age -r '$pub1' <plain | '$KDUMP_AGE' decrypt -i key1 | cmp -s plain -"

        refuse "$size bytes: age refuses our file with the wrong key" age -d -i key2 -o wrong by-us.age
        check "$size bytes: ... and writes nothing" test ! -s wrong
done

head -c 200003 /dev/urandom >plain

# Two recipients, the holder of the second key only.
"$KDUMP_AGE" encrypt -r "$pub2" -r "$pub1" -o two.age plain 2>err
check "two recipients: age -d with the second key opens ours" \
        sh -c "age -d -i key1 two.age | cmp -s plain -"
check "two recipients: sealed size for 2 recipients" test "$(stat -c %s two.age)" = "$(sealed_size 2 200003)"
age -r "$pub2" -r "$pub1" -o two-by-age.age plain
check "two recipients: kdump-age opens age's with the second key" \
        sh -c "'$KDUMP_AGE' decrypt -i key1 two-by-age.age | cmp -s plain -"

# A recipients file as age -R reads it.
printf '# dump readers\n\n%s\n# old: age1qqq\n%s\n' "$pub2" "$pub1" >recipients
check "-R FILE: kdump-age seals, age -d opens" \
        sh -c "'$KDUMP_AGE' encrypt -R recipients -o r.age plain && age -d -i key1 r.age | cmp -s plain -"
check "-R FILE: the same file works for age -R" \
        sh -c "age -R recipients plain | '$KDUMP_AGE' decrypt -i key1 | cmp -s plain -"

# Refusals and their messages.
"$KDUMP_AGE" encrypt -r "$pub2" -o only2.age plain
refuse "kdump-age refuses the wrong key" "$KDUMP_AGE" decrypt -i key1 -o out3 only2.age
check "... saying no identity opens it" grep -q "no identity opens the file" err
check "... and removes its output" test ! -e out3
refuse "a private key as -r is refused" "$KDUMP_AGE" encrypt -r "$(grep AGE-SECRET key1)" -o x.age plain
check "... saying to use age-keygen -y, without echoing the key" \
        sh -c "grep -q 'this is a private key (identity); give its public key, from \`age-keygen -y FILE\`' err &&
               ! grep -q AGE-SECRET-KEY err"
refuse "a key file as -R is refused" "$KDUMP_AGE" encrypt -R key1 -o x.age plain
check "... naming the file and line" grep -q "key1:3: this is a private key" err
refuse "an ssh-ed25519 recipient is refused" "$KDUMP_AGE" encrypt \
        -r "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsKLqeplhpW+uObz5dvMgjz1OxfM/XXUB+VHtZ6isGN" -o x.age plain
check "... as not supported" grep -q "not supported: only X25519 age1… keys" err
head -c 1000 two.age >cut.age
refuse "a truncated file is refused" "$KDUMP_AGE" decrypt -i key1 -o out4 cut.age
check "... and no partial output is left" test ! -e out4

echo "1..$n"
echo "# $failed of $n failed"
[ "$failed" -eq 0 ]
