#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# dracut module "kdumpd": the capture initramfs built by dracut
# (kdump.conf: initramfs_builder dracut).  kdumpctl runs dracut with this
# module alone (-m kdumpd), in host-only mode for the dump target's devices
# only (--no-hostonly-default-device --add-device DEV), with the modules
# kdumpd's resolver found the capture needs (filesystem, NIC, dm/md, NFS
# client) as --add-drivers, and KDUMPD_DRACUT_STAGE naming kdumpd's own
# image without kernel modules (an uncompressed newc archive: /init, that
# is kdump-init, the collector, the configuration, the target's records).
# dracut adds the drivers of the target's device chain by its own host-only
# resolution, the named ones, their dependencies and firmware.  This module
# unpacks the stage over dracut's tree (kdumpd's /init is the image's /init).
# dracut's own init and udev are not in the image.

# called by dracut
check() {
    # Only when asked for by name, as kdumpctl does.
    return 255
}

# called by dracut
depends() {
    return 0
}

kdumpd_block_drivers() {
    local _m
    for _m in $(get_dev_module /dev/block/"$1"); do
        _kdumpd_drivers+=("$_m")
    done
    return 0
}

# called by dracut
installkernel() {
    local -a _kdumpd_drivers=()

    # The target's block device and the devices under it (dm, md, the
    # disks): dracut's host-only resolution through udev's modaliases.
    [[ $hostonly ]] && for_each_host_dev_and_slaves_all kdumpd_block_drivers
    ((${#_kdumpd_drivers[@]} == 0)) && return 0
    hostonly='' instmods "${_kdumpd_drivers[@]}"
}

# called by dracut
install() {
    local _stage=${KDUMPD_DRACUT_STAGE-}

    if [[ -z $_stage || ! -f $_stage ]]; then
        derror "kdumpd: KDUMPD_DRACUT_STAGE does not name kdumpd's stage archive; build with kdumpctl rebuild (kdump.conf: initramfs_builder dracut)"
        return 1
    fi
    if ! (cd "$initdir" && cpio -i -d -u --quiet --no-absolute-filenames < "$_stage"); then
        derror "kdumpd: cannot unpack $_stage into the image"
        return 1
    fi
    # kdumpd's /init loads every module of the image in the order of the
    # modules.dep dracut writes (there is no modules.load: dracut installs
    # the modules after this function).
    rm -f "$initdir/etc/kdump/modules.load"
}
