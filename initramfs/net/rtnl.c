/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "basic/macro.h"
#include "initramfs/net/rtnl.h"

#ifndef IFLA_PERM_ADDRESS
#define IFLA_PERM_ADDRESS 54
#endif

/* Copies an attribute holding an address of the family into text. */
static int addr_attr(const struct nlattr *a, int family, char *buf, size_t size) {
        size_t want = family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;

        if (want == 0 || mnl_attr_get_payload_len(a) != want)
                return -EINVAL;
        return inet_ntop(family, mnl_attr_get_payload(a), buf, (socklen_t) size) ? 0 : -EINVAL;
}

static void copy_str(char *dst, size_t size, const struct nlattr *a) {
        size_t n = mnl_attr_get_payload_len(a);
        const char *s = mnl_attr_get_payload(a);

        n = strnlen(s, n);
        if (n >= size)
                n = size - 1;
        memcpy(dst, s, n);
        dst[n] = 0;
}

/* IFLA_BOND_AD_INFO: an 802.3ad bond's active aggregator. */
static int parse_ad_info(const struct nlattr *info, struct rtnl_link *l) {
        const struct nlattr *v;
        bool has_agg = false, has_partner = false;

        mnl_attr_for_each_nested(v, info)
                switch (mnl_attr_get_type(v)) {
                case IFLA_BOND_AD_INFO_AGGREGATOR:
                        if (mnl_attr_validate(v, MNL_TYPE_U16) < 0)
                                return -EINVAL;
                        l->bond_ad_aggregator = mnl_attr_get_u16(v);
                        has_agg = true;
                        break;
                case IFLA_BOND_AD_INFO_NUM_PORTS:
                        if (mnl_attr_validate(v, MNL_TYPE_U16) < 0)
                                return -EINVAL;
                        l->bond_ad_ports = mnl_attr_get_u16(v);
                        break;
                case IFLA_BOND_AD_INFO_PARTNER_MAC:
                        if (mnl_attr_get_payload_len(v) != NET_RECORD_MAC_LEN)
                                return -EINVAL;
                        memcpy(l->bond_ad_partner, mnl_attr_get_payload(v), NET_RECORD_MAC_LEN);
                        has_partner = true;
                        break;
                }
        l->bond_ad = has_agg && has_partner;
        return 0;
}

int rtnl_parse_link(const struct nlmsghdr *nlh, struct rtnl_link *ret) {
        const struct ifinfomsg *ifi;
        const struct nlattr *a, *data = NULL, *slave_data = NULL;
        char slave_kind[16] = "";
        struct rtnl_link l = {};

        if (nlh->nlmsg_type != RTM_NEWLINK || mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
                return -EINVAL;
        ifi = mnl_nlmsg_get_payload(nlh);
        l.ifindex = ifi->ifi_index;
        l.flags = ifi->ifi_flags;
        mnl_attr_for_each(a, nlh, sizeof(*ifi)) {
                switch (mnl_attr_get_type(a)) {
                case IFLA_IFNAME:
                        copy_str(l.name, sizeof(l.name), a);
                        break;
                case IFLA_MTU:
                        if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
                                return -EINVAL;
                        l.mtu = mnl_attr_get_u32(a);
                        break;
                case IFLA_ADDRESS:
                        if (mnl_attr_get_payload_len(a) == NET_RECORD_MAC_LEN) {
                                memcpy(l.mac, mnl_attr_get_payload(a), NET_RECORD_MAC_LEN);
                                l.has_mac = true;
                        }
                        break;
                case IFLA_PERM_ADDRESS:
                        if (mnl_attr_get_payload_len(a) == NET_RECORD_MAC_LEN) {
                                static const uint8_t zero[NET_RECORD_MAC_LEN];

                                memcpy(l.perm_mac, mnl_attr_get_payload(a), NET_RECORD_MAC_LEN);
                                l.has_perm_mac = memcmp(l.perm_mac, zero, sizeof(zero)) != 0;
                        }
                        break;
                case IFLA_MASTER:
                        if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
                                return -EINVAL;
                        l.master = (int) mnl_attr_get_u32(a);
                        break;
                case IFLA_LINK:
                        if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
                                return -EINVAL;
                        l.link = (int) mnl_attr_get_u32(a);
                        break;
                case IFLA_LINKINFO: {
                        const struct nlattr *n;

                        mnl_attr_for_each_nested(n, a)
                                if (mnl_attr_get_type(n) == IFLA_INFO_KIND)
                                        copy_str(l.kind, sizeof(l.kind), n);
                                else if (mnl_attr_get_type(n) == IFLA_INFO_DATA)
                                        data = n;
                                else if (mnl_attr_get_type(n) == IFLA_INFO_SLAVE_KIND)
                                        copy_str(slave_kind, sizeof(slave_kind), n);
                                else if (mnl_attr_get_type(n) == IFLA_INFO_SLAVE_DATA)
                                        slave_data = n;
                        break;
                }
                }
        }
        /* the kind's own attributes: the kernel puts the kind first, but
         * nothing says it must */
        if (data && strcmp(l.kind, "vlan") == 0) {
                const struct nlattr *v;

                mnl_attr_for_each_nested(v, data)
                        if (mnl_attr_get_type(v) == IFLA_VLAN_ID) {
                                if (mnl_attr_validate(v, MNL_TYPE_U16) < 0)
                                        return -EINVAL;
                                l.vlan_id = mnl_attr_get_u16(v);
                        } else if (mnl_attr_get_type(v) == IFLA_VLAN_PROTOCOL) {
                                if (mnl_attr_validate(v, MNL_TYPE_U16) < 0)
                                        return -EINVAL;
                                l.vlan_8021ad = ntohs(mnl_attr_get_u16(v)) == ETH_P_8021AD;
                        }
        }
        if (data && strcmp(l.kind, "bond") == 0) {
                const struct nlattr *v;

                mnl_attr_for_each_nested(v, data)
                        if (mnl_attr_get_type(v) == IFLA_BOND_MODE) {
                                if (mnl_attr_validate(v, MNL_TYPE_U8) < 0)
                                        return -EINVAL;
                                l.bond_mode = mnl_attr_get_u8(v);
                                l.bond = true;
                        } else if (mnl_attr_get_type(v) == IFLA_BOND_MIIMON) {
                                if (mnl_attr_validate(v, MNL_TYPE_U32) < 0)
                                        return -EINVAL;
                                l.bond_miimon = mnl_attr_get_u32(v);
                        } else if (mnl_attr_get_type(v) == IFLA_BOND_AD_LACP_RATE) {
                                if (mnl_attr_validate(v, MNL_TYPE_U8) < 0)
                                        return -EINVAL;
                                l.bond_8023ad.lacp_fast = mnl_attr_get_u8(v) == 1;
                        } else if (mnl_attr_get_type(v) == IFLA_BOND_XMIT_HASH_POLICY) {
                                if (mnl_attr_validate(v, MNL_TYPE_U8) < 0)
                                        return -EINVAL;
                                l.bond_8023ad.xmit_hash = mnl_attr_get_u8(v);
                        } else if (mnl_attr_get_type(v) == IFLA_BOND_AD_SELECT) {
                                if (mnl_attr_validate(v, MNL_TYPE_U8) < 0)
                                        return -EINVAL;
                                l.bond_8023ad.ad_select = mnl_attr_get_u8(v);
                        } else if (mnl_attr_get_type(v) == IFLA_BOND_ACTIVE_SLAVE) {
                                if (mnl_attr_validate(v, MNL_TYPE_U32) < 0)
                                        return -EINVAL;
                                l.bond_active = (int) mnl_attr_get_u32(v);
                        } else if (mnl_attr_get_type(v) == IFLA_BOND_AD_INFO) {
                                if (parse_ad_info(v, &l) < 0)
                                        return -EINVAL;
                        }
        }
        if (slave_data && strcmp(slave_kind, "bond") == 0) {
                const struct nlattr *v;
                bool has_agg = false, has_state = false;

                mnl_attr_for_each_nested(v, slave_data)
                        if (mnl_attr_get_type(v) == IFLA_BOND_SLAVE_AD_AGGREGATOR_ID) {
                                if (mnl_attr_validate(v, MNL_TYPE_U16) < 0)
                                        return -EINVAL;
                                l.port_ad_aggregator = mnl_attr_get_u16(v);
                                has_agg = true;
                        } else if (mnl_attr_get_type(v) == IFLA_BOND_SLAVE_AD_ACTOR_OPER_PORT_STATE) {
                                if (mnl_attr_validate(v, MNL_TYPE_U8) < 0)
                                        return -EINVAL;
                                l.port_ad_state = mnl_attr_get_u8(v);
                                has_state = true;
                        }
                l.port_ad = has_agg && has_state;
        }
        /* a VLAN's IFLA_LINK names its parent; other links report themselves */
        if (l.link == l.ifindex)
                l.link = 0;
        *ret = l;
        return 0;
}

const uint8_t *rtnl_link_mac(const struct rtnl_link *l) {
        return l->has_perm_mac ? l->perm_mac : l->has_mac ? l->mac : NULL;
}

int rtnl_parse_addr(const struct nlmsghdr *nlh, struct rtnl_addr *ret) {
        const struct ifaddrmsg *ifa;
        const struct nlattr *a;
        struct rtnl_addr r = { .valid_lft = UINT32_MAX };
        char local[64] = "", address[64] = "";

        if (nlh->nlmsg_type != RTM_NEWADDR || mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifa))
                return -EINVAL;
        ifa = mnl_nlmsg_get_payload(nlh);
        r.ifindex = (int) ifa->ifa_index;
        r.family = ifa->ifa_family;
        r.prefixlen = ifa->ifa_prefixlen;
        r.flags = ifa->ifa_flags;
        r.scope = ifa->ifa_scope;
        mnl_attr_for_each(a, nlh, sizeof(*ifa)) {
                switch (mnl_attr_get_type(a)) {
                case IFA_LOCAL:
                        if (addr_attr(a, r.family, local, sizeof(local)) < 0)
                                return -EINVAL;
                        break;
                case IFA_ADDRESS:
                        if (addr_attr(a, r.family, address, sizeof(address)) < 0)
                                return -EINVAL;
                        break;
                case IFA_FLAGS:
                        if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
                                return -EINVAL;
                        r.flags = mnl_attr_get_u32(a);
                        break;
                case IFA_CACHEINFO:
                        if (mnl_attr_get_payload_len(a) < sizeof(struct ifa_cacheinfo))
                                return -EINVAL;
                        r.valid_lft = ((const struct ifa_cacheinfo *) mnl_attr_get_payload(a))->ifa_valid;
                        break;
                }
        }
        /* IPv4: IFA_LOCAL is this machine's address (IFA_ADDRESS the peer's
         * on a point-to-point link); IPv6 has only IFA_ADDRESS. */
        strcpy(r.address, *local ? local : address);
        if (!*r.address)
                return -EINVAL;
        *ret = r;
        return 0;
}

int rtnl_parse_route(const struct nlmsghdr *nlh, struct rtnl_route *ret) {
        const struct rtmsg *rtm;
        const struct nlattr *a;
        struct rtnl_route r = {};

        if (nlh->nlmsg_type != RTM_NEWROUTE || mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm))
                return -EINVAL;
        rtm = mnl_nlmsg_get_payload(nlh);
        r.family = rtm->rtm_family;
        r.type = rtm->rtm_type;
        mnl_attr_for_each(a, nlh, sizeof(*rtm)) {
                switch (mnl_attr_get_type(a)) {
                case RTA_OIF:
                        if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
                                return -EINVAL;
                        r.oif = (int) mnl_attr_get_u32(a);
                        break;
                case RTA_PREFSRC:
                        if (addr_attr(a, r.family, r.prefsrc, sizeof(r.prefsrc)) < 0)
                                return -EINVAL;
                        break;
                case RTA_GATEWAY:
                        if (addr_attr(a, r.family, r.gateway, sizeof(r.gateway)) < 0)
                                return -EINVAL;
                        break;
                }
        }
        *ret = r;
        return 0;
}

/* --- I/O ------------------------------------------------------------------ */

struct rtnl {
        struct mnl_socket *nl;
        unsigned portid, seq;
};

int rtnl_open(rtnl **ret) {
        _cleanup_free_ rtnl *r = calloc(1, sizeof(*r));

        if (!r)
                return -ENOMEM;
        r->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
        if (!r->nl)
                return negative_errno();
        if (mnl_socket_bind(r->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
                int e = negative_errno();
                mnl_socket_close(r->nl);
                return e;
        }
        r->portid = mnl_socket_get_portid(r->nl);
        r->seq = (unsigned) time(NULL);
        *ret = TAKE_PTR(r);
        return 0;
}

int rtnl_open_monitor(rtnl **ret) {
        _cleanup_free_ rtnl *r = calloc(1, sizeof(*r));

        if (!r)
                return -ENOMEM;
        r->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (!r->nl)
                return negative_errno();
        if (mnl_socket_bind(r->nl, RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR | RTMGRP_IPV4_ROUTE |
                                   RTMGRP_IPV6_ROUTE, MNL_SOCKET_AUTOPID) < 0) {
                int e = negative_errno();
                mnl_socket_close(r->nl);
                return e;
        }
        r->portid = mnl_socket_get_portid(r->nl);
        *ret = TAKE_PTR(r);
        return 0;
}

int rtnl_fd(const rtnl *r) {
        return mnl_socket_get_fd(r->nl);
}

int rtnl_drain(rtnl *r) {
        char buf[8192];
        int n = 0;

        for (;;) {
                ssize_t k = recv(mnl_socket_get_fd(r->nl), buf, sizeof(buf), MSG_DONTWAIT);

                if (k < 0 && errno == EINTR)
                        continue;
                /* ENOBUFS: the kernel dropped announcements; something
                 * changed all the same */
                if (k < 0 && errno == ENOBUFS) {
                        n++;
                        continue;
                }
                if (k <= 0)
                        return n;
                int len = (int) k;
                for (struct nlmsghdr *h = (struct nlmsghdr *) buf; mnl_nlmsg_ok(h, len); h = mnl_nlmsg_next(h, &len))
                        n++;
        }
}

rtnl *rtnl_close(rtnl *r) {
        if (r) {
                mnl_socket_close(r->nl);
                free(r);
        }
        return NULL;
}

struct call_ctx {
        int (*each)(const struct nlmsghdr *m, void *userdata);
        void *userdata;
        int error;
};

static int call_cb(const struct nlmsghdr *m, void *data) {
        struct call_ctx *c = data;
        int r;

        if (!c->each)
                return MNL_CB_OK;
        r = c->each(m, c->userdata);
        if (r < 0) {
                c->error = r;
                return MNL_CB_ERROR;
        }
        return MNL_CB_OK;
}

int rtnl_call(rtnl *r, struct nlmsghdr *req, int (*each)(const struct nlmsghdr *m, void *userdata), void *userdata) {
        /* a dump's replies come in batches of up to a page or so each */
        _cleanup_free_ char *buf = malloc(32768);
        struct call_ctx c = { .each = each, .userdata = userdata };
        ssize_t n;
        int ret;

        if (!buf)
                return -ENOMEM;
        req->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
        req->nlmsg_seq = ++r->seq;
        if (mnl_socket_sendto(r->nl, req, req->nlmsg_len) < 0)
                return negative_errno();
        for (;;) {
                n = mnl_socket_recvfrom(r->nl, buf, 32768);
                if (n < 0)
                        return negative_errno();
                errno = 0;
                ret = mnl_cb_run(buf, (size_t) n, req->nlmsg_seq, r->portid, call_cb, &c);
                if (ret == MNL_CB_ERROR)
                        return c.error < 0 ? c.error : errno > 0 ? -errno : -EIO;
                if (ret == MNL_CB_STOP)
                        return 0;
        }
}

static int route_cb(const struct nlmsghdr *m, void *userdata) {
        return m->nlmsg_type == RTM_NEWROUTE ? rtnl_parse_route(m, userdata) : 0;
}

int rtnl_get_route(rtnl *r, int family, const char *dst, struct rtnl_route *ret) {
        char buf[256];
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        struct rtmsg *rtm;
        unsigned char a[16];
        struct rtnl_route out = { .family = -1 };
        int e;

        if (inet_pton(family, dst, a) != 1)
                return -EINVAL;
        nlh->nlmsg_type = RTM_GETROUTE;
        rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
        rtm->rtm_family = (unsigned char) family;
        rtm->rtm_dst_len = family == AF_INET ? 32 : 128;
        mnl_attr_put(nlh, RTA_DST, family == AF_INET ? 4 : 16, a);
        e = rtnl_call(r, nlh, route_cb, &out);
        if (e < 0)
                return e;
        if (out.family < 0)
                return -ENOENT;
        *ret = out;
        return 0;
}

struct link_ctx {
        int (*each)(const struct rtnl_link *l, void *userdata);
        void *userdata;
};

static int link_cb(const struct nlmsghdr *m, void *userdata) {
        struct link_ctx *c = userdata;
        struct rtnl_link l;

        if (m->nlmsg_type != RTM_NEWLINK)
                return 0;
        if (rtnl_parse_link(m, &l) < 0)
                return -EBADMSG;
        return c->each(&l, c->userdata);
}

static int get_link_one(const struct rtnl_link *l, void *userdata) {
        *(struct rtnl_link *) userdata = *l;
        return 0;
}

/* One link, by index or (index 0) by name. */
static int get_link(rtnl *r, int ifindex, const char *name, struct rtnl_link *ret) {
        char buf[256];
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        struct ifinfomsg *ifi;
        struct rtnl_link out = { .ifindex = -1 };
        struct link_ctx c = { get_link_one, &out };
        int e;

        if (name && strlen(name) >= IFNAMSIZ)
                return -EINVAL;
        nlh->nlmsg_type = RTM_GETLINK;
        ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
        ifi->ifi_family = AF_UNSPEC;
        ifi->ifi_index = ifindex;
        if (name)
                mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
        e = rtnl_call(r, nlh, link_cb, &c);
        if (e < 0)
                return e;
        if (out.ifindex < 0)
                return -ENODEV;
        *ret = out;
        return 0;
}

int rtnl_get_link(rtnl *r, int ifindex, struct rtnl_link *ret) {
        return get_link(r, ifindex, NULL, ret);
}

int rtnl_get_link_by_name(rtnl *r, const char *name, struct rtnl_link *ret) {
        return get_link(r, 0, name, ret);
}

int rtnl_links(rtnl *r, int (*each)(const struct rtnl_link *l, void *userdata), void *userdata) {
        char buf[256];
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        struct ifinfomsg *ifi;
        struct link_ctx c = { each, userdata };

        nlh->nlmsg_type = RTM_GETLINK;
        nlh->nlmsg_flags = NLM_F_DUMP;
        ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
        ifi->ifi_family = AF_UNSPEC;
        return rtnl_call(r, nlh, link_cb, &c);
}

struct addr_ctx {
        int (*each)(const struct rtnl_addr *a, void *userdata);
        void *userdata;
};

static int addr_cb(const struct nlmsghdr *m, void *userdata) {
        struct addr_ctx *c = userdata;
        struct rtnl_addr a;

        if (m->nlmsg_type != RTM_NEWADDR)
                return 0;
        if (rtnl_parse_addr(m, &a) < 0)
                return -EBADMSG;
        return c->each(&a, c->userdata);
}

int rtnl_addrs(rtnl *r, int family, int (*each)(const struct rtnl_addr *a, void *userdata), void *userdata) {
        char buf[256];
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        struct ifaddrmsg *ifa;
        struct addr_ctx c = { each, userdata };

        nlh->nlmsg_type = RTM_GETADDR;
        nlh->nlmsg_flags = NLM_F_DUMP;
        ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
        ifa->ifa_family = (unsigned char) family;
        return rtnl_call(r, nlh, addr_cb, &c);
}

int rtnl_set_link(rtnl *r, int ifindex, unsigned mtu, bool up) {
        char buf[256];
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        struct ifinfomsg *ifi;

        nlh->nlmsg_type = RTM_NEWLINK;
        ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
        ifi->ifi_family = AF_UNSPEC;
        ifi->ifi_index = ifindex;
        ifi->ifi_change = IFF_UP;
        ifi->ifi_flags = up ? IFF_UP : 0;
        if (mtu > 0)
                mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
        return rtnl_call(r, nlh, NULL, NULL);
}

int rtnl_add_vlan(rtnl *r, int parent, const char *name, unsigned id, unsigned mtu, struct rtnl_link *ret) {
        char buf[512];
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        struct ifinfomsg *ifi;
        struct nlattr *info, *data;
        int e;

        if (id == 0 || id > 4094 || strlen(name) >= IFNAMSIZ)
                return -EINVAL;
        nlh->nlmsg_type = RTM_NEWLINK;
        nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
        ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
        ifi->ifi_family = AF_UNSPEC;
        mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
        mnl_attr_put_u32(nlh, IFLA_LINK, (uint32_t) parent);
        if (mtu > 0)
                mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
        info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
        mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "vlan");
        data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
        mnl_attr_put_u16(nlh, IFLA_VLAN_ID, (uint16_t) id);
        mnl_attr_nest_end(nlh, data);
        mnl_attr_nest_end(nlh, info);
        e = rtnl_call(r, nlh, NULL, NULL);
        if (e < 0)
                return e;
        return rtnl_get_link_by_name(r, name, ret);
}

/* RTM_NEWLINK for a bond: a new one named name (ifindex 0), or the
 * settings of an existing one. */
static int bond_msg(rtnl *r, const char *name, int ifindex, const struct rtnl_bond_settings *s) {
        char buf[512];
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        struct ifinfomsg *ifi;
        struct nlattr *info, *data;

        if (s->mode > 6 || (name && strlen(name) >= IFNAMSIZ) ||
            (net_bond_8023ad_set(&s->ad) && s->mode != NET_BOND_8023AD) || !net_bond_8023ad_known(&s->ad))
                return -EINVAL;
        nlh->nlmsg_type = RTM_NEWLINK;
        nlh->nlmsg_flags = ifindex ? 0 : NLM_F_CREATE | NLM_F_EXCL;
        ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
        ifi->ifi_family = AF_UNSPEC;
        ifi->ifi_index = ifindex;
        if (name)
                mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
        info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
        mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bond");
        data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
        mnl_attr_put_u8(nlh, IFLA_BOND_MODE, (uint8_t) s->mode);
        if (s->miimon > 0)
                mnl_attr_put_u32(nlh, IFLA_BOND_MIIMON, s->miimon);
        /* the kernel applies the mode first: 802.3ad's settings are taken
         * (ad_select only while the bond is down, as it is here) */
        if (s->ad.lacp_fast)
                mnl_attr_put_u8(nlh, IFLA_BOND_AD_LACP_RATE, 1);
        if (s->ad.xmit_hash)
                mnl_attr_put_u8(nlh, IFLA_BOND_XMIT_HASH_POLICY, (uint8_t) s->ad.xmit_hash);
        if (s->ad.ad_select)
                mnl_attr_put_u8(nlh, IFLA_BOND_AD_SELECT, (uint8_t) s->ad.ad_select);
        mnl_attr_nest_end(nlh, data);
        mnl_attr_nest_end(nlh, info);
        return rtnl_call(r, nlh, NULL, NULL);
}

int rtnl_add_bond(rtnl *r, const char *name, const struct rtnl_bond_settings *s, struct rtnl_link *ret) {
        int e = bond_msg(r, name, 0, s);

        if (e < 0)
                return e;
        return rtnl_get_link_by_name(r, name, ret);
}

int rtnl_set_bond(rtnl *r, int ifindex, const struct rtnl_bond_settings *s) {
        return bond_msg(r, NULL, ifindex, s);
}

int rtnl_set_master(rtnl *r, int ifindex, int master) {
        char buf[128];
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        struct ifinfomsg *ifi;

        nlh->nlmsg_type = RTM_NEWLINK;
        ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
        ifi->ifi_family = AF_UNSPEC;
        ifi->ifi_index = ifindex;
        mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t) master);
        return rtnl_call(r, nlh, NULL, NULL);
}

int rtnl_add_addr(rtnl *r, int ifindex, int family, const char *address, unsigned prefixlen) {
        char buf[256];
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        struct ifaddrmsg *ifa;
        unsigned char a[16];
        size_t len = family == AF_INET ? 4 : 16;

        if (inet_pton(family, address, a) != 1)
                return -EINVAL;
        nlh->nlmsg_type = RTM_NEWADDR;
        nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_REPLACE;
        ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
        ifa->ifa_family = (unsigned char) family;
        ifa->ifa_prefixlen = (unsigned char) prefixlen;
        ifa->ifa_index = (unsigned) ifindex;
        ifa->ifa_scope = RT_SCOPE_UNIVERSE;
        ifa->ifa_flags = family == AF_INET6 ? IFA_F_NODAD : 0;
        mnl_attr_put(nlh, IFA_LOCAL, len, a);
        mnl_attr_put(nlh, IFA_ADDRESS, len, a);
        if (family == AF_INET6)
                mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
        return rtnl_call(r, nlh, NULL, NULL);
}

int rtnl_add_route(rtnl *r, int ifindex, int family, const char *dst, unsigned dst_len, const char *gateway) {
        char buf[256];
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        struct rtmsg *rtm;
        unsigned char d[16], g[16];
        size_t len = family == AF_INET ? 4 : 16;

        if (inet_pton(family, dst, d) != 1 || (gateway && inet_pton(family, gateway, g) != 1))
                return -EINVAL;
        nlh->nlmsg_type = RTM_NEWROUTE;
        nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_REPLACE;
        rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
        rtm->rtm_family = (unsigned char) family;
        rtm->rtm_dst_len = (unsigned char) dst_len;
        rtm->rtm_table = RT_TABLE_MAIN;
        rtm->rtm_protocol = RTPROT_BOOT;
        rtm->rtm_scope = gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
        rtm->rtm_type = RTN_UNICAST;
        if (dst_len > 0)
                mnl_attr_put(nlh, RTA_DST, len, d);
        if (gateway)
                mnl_attr_put(nlh, RTA_GATEWAY, len, g);
        mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t) ifindex);
        return rtnl_call(r, nlh, NULL, NULL);
}
