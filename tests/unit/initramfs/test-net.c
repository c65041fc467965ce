/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The network record, the rtnetlink parsers on replies built as the kernel
 * builds them, the route-to-record rules, the NFS mount strings and the
 * DHCP lease udhcpc hands over. */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <string.h>

#include "basic/macro.h"
#include "initramfs/net/dhcp-lease.h"
#include "initramfs/net/lacp.h"
#include "initramfs/net/nic-channels.h"
#include "initramfs/net/net-describe.h"
#include "initramfs/net/net-record.h"
#include "initramfs/net/nfs-mount.h"
#include "initramfs/net/rtnl.h"
#include "tests.h"

#ifndef IFLA_PERM_ADDRESS
#define IFLA_PERM_ADDRESS 54
#endif

static const char record_text[] =
        "link mac=52:54:00:77:00:02 mtu=1500 name=enp0s3 driver=virtio_net\n"
        "address 192.168.77.2/24 origin=static\n"
        "gateway 192.168.77.254\n"
        "server 10.1.2.3\n";

TEST(record_round_trip) {
        _cleanup_(net_record_freep) net_record *n = NULL;
        _cleanup_free_ char *text = NULL, *err = NULL, *summary = NULL;

        ASSERT_OK(net_record_parse(record_text, &n, &err));
        ASSERT_EQ(n->mac[0], 0x52);
        ASSERT_EQ(n->mac[5], 0x02);
        ASSERT_EQ(n->mtu, 1500);
        ASSERT_STREQ(n->name, "enp0s3");
        ASSERT_STREQ(n->driver, "virtio_net");
        ASSERT_EQ(n->family, AF_INET);
        ASSERT_STREQ(n->address, "192.168.77.2");
        ASSERT_EQ(n->prefixlen, 24);
        ASSERT_EQ(n->origin, NET_ORIGIN_STATIC);
        ASSERT_STREQ(n->gateway, "192.168.77.254");
        ASSERT_STREQ(n->server, "10.1.2.3");
        ASSERT_OK(net_record_render(n, &text));
        ASSERT_STREQ(text, record_text);
        ASSERT_OK(net_record_summary(n, &summary));
        ASSERT_STREQ(summary, "enp0s3 (52:54:00:77:00:02, virtio_net) 192.168.77.2/24 via 192.168.77.254");
}

TEST(record_ipv6_dhcp_on_link) {
        _cleanup_(net_record_freep) net_record *n = NULL;
        _cleanup_free_ char *text = NULL;
        const char *t = "link mac=52:54:00:77:00:02 mtu=9000\n"
                        "address fd77::2/64 origin=dhcp\n"
                        "server fd77::1\n";

        ASSERT_OK(net_record_parse(t, &n, NULL));
        ASSERT_EQ(n->family, AF_INET6);
        ASSERT_EQ(n->origin, NET_ORIGIN_DHCP);
        ASSERT_TRUE(n->gateway == NULL && n->name == NULL);
        ASSERT_OK(net_record_render(n, &text));
        ASSERT_STREQ(text, t);
}

static const struct {
        const char *text, *error;
} bad_records[] = {
        { "link mac=52:54:00:77:00 mtu=1500\naddress 10.0.0.2/24\nserver 10.0.0.1\n",
          "network record, line 1: mac= is not a MAC address" },
        { "link mac=52:54:00:77:00:02\naddress 10.0.0.2/24\nserver 10.0.0.1\n", "line 1: needs mac= and mtu=" },
        { "link mac=52:54:00:77:00:02 mtu=20\naddress 10.0.0.2/24\nserver 10.0.0.1\n", "mtu= is not a number from 68" },
        { "link mac=52:54:00:77:00:02 mtu=1500\naddress 10.0.0.2\nserver 10.0.0.1\n",
          "line 2: expected <address>/<prefix length>" },
        { "link mac=52:54:00:77:00:02 mtu=1500\naddress 10.0.0.2/33\nserver 10.0.0.1\n",
          "line 2: not an IPv4 or IPv6 address with a prefix length" },
        { "link mac=52:54:00:77:00:02 mtu=1500\naddress 10.0.0.2/24 origin=bootp\nserver 10.0.0.1\n",
          "origin= must be static or dhcp" },
        { "link mac=52:54:00:77:00:02 mtu=1500\naddress 10.0.0.2/24\nserver nfs.example.com\n",
          "line 3: expected one IPv4 or IPv6 address" },
        { "link mac=52:54:00:77:00:02 mtu=1500\naddress 10.0.0.2/24\nserver fd77::1\n",
          "are not of one family" },
        { "link mac=52:54:00:77:00:02 mtu=1500\naddress 10.0.0.2/24\n", "needs link, address and server lines" },
        { "route default\n", "line 1: unknown line" },
};

TEST(record_errors) {
        for (size_t i = 0; i < ELEMENTSOF(bad_records); i++) {
                _cleanup_(net_record_freep) net_record *n = NULL;
                _cleanup_free_ char *err = NULL;

                ASSERT_ERR(net_record_parse(bad_records[i].text, &n, &err), EINVAL);
                ASSERT_CONTAINS(err, bad_records[i].error);
        }
}

TEST(mac) {
        uint8_t m[6];
        char buf[18];

        ASSERT_OK(net_mac_parse("AA:bb:0c:00:ff:10", m));
        net_mac_format(m, buf);
        ASSERT_STREQ(buf, "aa:bb:0c:00:ff:10");
        ASSERT_ERR(net_mac_parse("aa-bb-0c-00-ff-10", m), EINVAL);
        ASSERT_ERR(net_mac_parse("aa:bb:0c:00:ff:1g", m), EINVAL);
        ASSERT_ERR(net_mac_parse("aa:bb:0c:00:ff:100", m), EINVAL);
}

/* --- rtnetlink replies, built as the kernel builds them ------------------ */

static char msgbuf[4096];

static struct nlmsghdr *link_msg(int ifindex, const char *name, unsigned flags, const uint8_t *mac,
                                 const uint8_t *perm, const char *kind, int master) {
        struct nlmsghdr *h = mnl_nlmsg_put_header(memset(msgbuf, 0, sizeof(msgbuf)));
        struct ifinfomsg *ifi;

        h->nlmsg_type = RTM_NEWLINK;
        ifi = mnl_nlmsg_put_extra_header(h, sizeof(*ifi));
        ifi->ifi_index = ifindex;
        ifi->ifi_flags = flags;
        mnl_attr_put_strz(h, IFLA_IFNAME, name);
        mnl_attr_put_u32(h, IFLA_MTU, 1500);
        if (mac)
                mnl_attr_put(h, IFLA_ADDRESS, 6, mac);
        if (perm)
                mnl_attr_put(h, IFLA_PERM_ADDRESS, 6, perm);
        if (master)
                mnl_attr_put_u32(h, IFLA_MASTER, (uint32_t) master);
        if (kind) {
                struct nlattr *nest = mnl_attr_nest_start(h, IFLA_LINKINFO);
                mnl_attr_put_strz(h, IFLA_INFO_KIND, kind);
                if (strcmp(kind, "vlan") == 0) {
                        /* as the kernel's vlan_fill_info(): id, protocol, flags */
                        struct nlattr *data = mnl_attr_nest_start(h, IFLA_INFO_DATA);
                        mnl_attr_put_u16(h, IFLA_VLAN_PROTOCOL, htons(ETH_P_8021Q));
                        mnl_attr_put_u16(h, IFLA_VLAN_ID, (uint16_t) (ifindex == 3 ? 100 : 200));
                        mnl_attr_nest_end(h, data);
                } else if (strcmp(kind, "bond") == 0) {
                        /* as bond_fill_info(): mode first, then the rest */
                        struct nlattr *data = mnl_attr_nest_start(h, IFLA_INFO_DATA);
                        mnl_attr_put_u8(h, IFLA_BOND_MODE, 1);
                        mnl_attr_put_u32(h, IFLA_BOND_ACTIVE_SLAVE, 3);
                        mnl_attr_put_u32(h, IFLA_BOND_MIIMON, 100);
                        mnl_attr_put_u32(h, IFLA_BOND_UPDELAY, 0);
                        mnl_attr_nest_end(h, data);
                }
                mnl_attr_nest_end(h, nest);
        }
        return h;
}

static const uint8_t mac_a[6] = { 0x52, 0x54, 0, 0x77, 0, 2 }, mac_b[6] = { 0x52, 0x54, 0, 0x77, 0, 9 };

TEST(parse_link) {
        struct rtnl_link l;

        ASSERT_OK(rtnl_parse_link(link_msg(2, "enp0s3", IFF_UP | IFF_LOWER_UP, mac_b, mac_a, NULL, 0), &l));
        ASSERT_EQ(l.ifindex, 2);
        ASSERT_STREQ(l.name, "enp0s3");
        ASSERT_EQ(l.mtu, 1500);
        ASSERT_TRUE(l.has_mac && l.has_perm_mac && *l.kind == 0 && l.master == 0);
        /* a bond slave's current MAC is the bond's: the permanent one counts */
        ASSERT_TRUE(memcmp(rtnl_link_mac(&l), mac_a, 6) == 0);

        ASSERT_OK(rtnl_parse_link(link_msg(3, "vlan100", IFF_UP, mac_a, NULL, "vlan", 0), &l));
        ASSERT_STREQ(l.kind, "vlan");
        ASSERT_EQ(l.vlan_id, 100);
        ASSERT_TRUE(!l.vlan_8021ad);
        ASSERT_TRUE(!l.has_perm_mac && memcmp(rtnl_link_mac(&l), mac_a, 6) == 0);

        /* an all-zero permanent address (virtual devices) is none */
        ASSERT_OK(rtnl_parse_link(link_msg(4, "x", 0, mac_b, (const uint8_t[6]) {}, NULL, 7), &l));
        ASSERT_TRUE(!l.has_perm_mac && l.master == 7 && memcmp(rtnl_link_mac(&l), mac_b, 6) == 0);

        ASSERT_OK(rtnl_parse_link(link_msg(4, "bond0", IFF_UP, mac_a, NULL, "bond", 0), &l));
        ASSERT_TRUE(l.bond);
        ASSERT_EQ(l.bond_mode, 1);
        ASSERT_EQ(l.bond_miimon, 100);
        ASSERT_EQ(l.bond_active, 3);

        struct nlmsghdr *h = link_msg(2, "e", 0, NULL, NULL, NULL, 0);
        h->nlmsg_type = RTM_NEWADDR;
        ASSERT_ERR(rtnl_parse_link(h, &l), EINVAL);
}

static struct nlmsghdr *addr_msg(int ifindex, int family, const char *addr, unsigned prefixlen, unsigned flags,
                                 uint32_t valid) {
        struct nlmsghdr *h = mnl_nlmsg_put_header(memset(msgbuf, 0, sizeof(msgbuf)));
        struct ifaddrmsg *ifa;
        unsigned char a[16];

        h->nlmsg_type = RTM_NEWADDR;
        ifa = mnl_nlmsg_put_extra_header(h, sizeof(*ifa));
        ifa->ifa_family = (unsigned char) family;
        ifa->ifa_prefixlen = (unsigned char) prefixlen;
        ifa->ifa_index = (unsigned) ifindex;
        ifa->ifa_flags = (unsigned char) flags;
        inet_pton(family, addr, a);
        mnl_attr_put(h, IFA_ADDRESS, family == AF_INET ? 4 : 16, a);
        if (family == AF_INET)
                mnl_attr_put(h, IFA_LOCAL, 4, a);
        mnl_attr_put_u32(h, IFA_FLAGS, flags);
        mnl_attr_put(h, IFA_CACHEINFO, sizeof(struct ifa_cacheinfo),
                     &(struct ifa_cacheinfo) { .ifa_prefered = valid, .ifa_valid = valid });
        return h;
}

TEST(parse_addr) {
        struct rtnl_addr a;

        ASSERT_OK(rtnl_parse_addr(addr_msg(2, AF_INET, "192.168.77.2", 24, IFA_F_PERMANENT, UINT32_MAX), &a));
        ASSERT_STREQ(a.address, "192.168.77.2");
        ASSERT_EQ(a.prefixlen, 24);
        ASSERT_TRUE(a.flags & IFA_F_PERMANENT);
        ASSERT_EQ(a.valid_lft, UINT32_MAX);
        ASSERT_OK(rtnl_parse_addr(addr_msg(2, AF_INET6, "fd77::2", 64, IFA_F_NOPREFIXROUTE, 3600), &a));
        ASSERT_STREQ(a.address, "fd77::2");
        ASSERT_EQ(a.valid_lft, 3600);
        ASSERT_TRUE(a.flags & IFA_F_NOPREFIXROUTE);
}

static struct nlmsghdr *route_msg(int family, unsigned char type, int oif, const char *src, const char *gw) {
        struct nlmsghdr *h = mnl_nlmsg_put_header(memset(msgbuf, 0, sizeof(msgbuf)));
        struct rtmsg *rtm;
        unsigned char a[16];
        size_t len = family == AF_INET ? 4 : 16;

        h->nlmsg_type = RTM_NEWROUTE;
        rtm = mnl_nlmsg_put_extra_header(h, sizeof(*rtm));
        rtm->rtm_family = (unsigned char) family;
        rtm->rtm_type = type;
        rtm->rtm_dst_len = family == AF_INET ? 32 : 128;
        if (oif)
                mnl_attr_put_u32(h, RTA_OIF, (uint32_t) oif);
        if (src) {
                inet_pton(family, src, a);
                mnl_attr_put(h, RTA_PREFSRC, len, a);
        }
        if (gw) {
                inet_pton(family, gw, a);
                mnl_attr_put(h, RTA_GATEWAY, len, a);
        }
        return h;
}

TEST(parse_route) {
        struct rtnl_route r;

        ASSERT_OK(rtnl_parse_route(route_msg(AF_INET, RTN_UNICAST, 2, "192.168.77.2", "192.168.77.254"), &r));
        ASSERT_EQ(r.oif, 2);
        ASSERT_STREQ(r.prefsrc, "192.168.77.2");
        ASSERT_STREQ(r.gateway, "192.168.77.254");
        ASSERT_OK(rtnl_parse_route(route_msg(AF_INET6, RTN_UNICAST, 2, "fd77::2", NULL), &r));
        ASSERT_STREQ(r.prefsrc, "fd77::2");
        ASSERT_STREQ(r.gateway, "");
}

/* --- the record from the route -------------------------------------------- */

static void describe_vlan(const struct rtnl_route *route, const struct rtnl_link *link, const struct rtnl_link *parent,
                          const struct rtnl_addr *addrs, size_t n, int expect, const char *error_or_record) {
        _cleanup_(net_record_freep) net_record *rec = NULL;
        _cleanup_free_ char *err = NULL, *text = NULL;
        int r = net_describe_from("192.168.77.1", route, link, parent, NULL, 0, addrs, n, &rec, &err);

        if (expect == 0) {
                ASSERT_OK(r);
                ASSERT_OK(net_record_render(rec, &text));
                ASSERT_STREQ(text, error_or_record);
        } else {
                ASSERT_ERR(r, expect);
                ASSERT_CONTAINS(err, error_or_record);
        }
}

static void describe(const struct rtnl_route *route, const struct rtnl_link *link, const struct rtnl_addr *addrs,
                     size_t n, int expect, const char *error_or_record) {
        describe_vlan(route, link, NULL, addrs, n, expect, error_or_record);
}

TEST(describe_rules) {
        struct rtnl_link eth = { .ifindex = 2, .name = "enp0s3", .mtu = 1500, .flags = IFF_UP | IFF_LOWER_UP,
                                 .has_mac = true, .mac = { 0x52, 0x54, 0, 0x77, 0, 2 } };
        struct rtnl_route via = { .family = AF_INET, .type = RTN_UNICAST, .oif = 2, .prefsrc = "192.168.77.2",
                                  .gateway = "192.168.77.254" };
        struct rtnl_addr addrs[] = {
                { .ifindex = 2, .family = AF_INET, .address = "192.168.77.9", .prefixlen = 24, .flags = IFA_F_PERMANENT },
                { .ifindex = 2, .family = AF_INET, .address = "192.168.77.2", .prefixlen = 24, .flags = 0,
                  .valid_lft = 86400 },
        };
        struct rtnl_link l;
        struct rtnl_route r;

        describe(&via, &eth, addrs, 2, 0,
                 "link mac=52:54:00:77:00:02 mtu=1500 name=enp0s3\n"
                 "address 192.168.77.2/24 origin=dhcp\n"
                 "gateway 192.168.77.254\n"
                 "server 192.168.77.1\n");

        r = via;
        r.type = RTN_UNREACHABLE;
        describe(&r, &eth, addrs, 2, EHOSTUNREACH, "the route to 192.168.77.1 is unreachable");
        r.type = RTN_LOCAL;
        describe(&r, &eth, addrs, 2, EHOSTUNREACH, "local (the server is this machine)");
        l = eth;
        l.flags |= IFF_LOOPBACK;
        describe(&via, &l, addrs, 2, EHOSTUNREACH, "loopback interface enp0s3");
        l = eth;
        strcpy(l.kind, "vlan");
        describe(&via, &l, addrs, 2, EOPNOTSUPP, "goes through enp0s3, a VLAN whose id the kernel did not say");
        strcpy(l.kind, "bond");
        describe(&via, &l, addrs, 2, EOPNOTSUPP, "goes through the bond enp0s3, whose mode the kernel did not say");
        strcpy(l.kind, "bridge");
        describe(&via, &l, addrs, 2, EOPNOTSUPP, "goes through enp0s3, a bridge link; the capture kernel brings up a "
                 "hardware interface, an active-backup or 802.3ad bond, or an 802.1Q VLAN on one of them");
        l = eth;
        l.master = 5;
        describe(&via, &l, addrs, 2, EOPNOTSUPP, "enslaved to interface 5");
        l = eth;
        l.has_mac = false;
        describe(&via, &l, addrs, 2, EOPNOTSUPP, "no MAC address");
        r = via;
        strcpy(r.prefsrc, "10.9.9.9");
        describe(&r, &eth, addrs, 2, EHOSTUNREACH, "with source address 10.9.9.9, which enp0s3 does not have");
        addrs[1].flags = IFA_F_TENTATIVE;
        describe(&via, &eth, addrs, 2, EHOSTUNREACH, "still tentative");
        addrs[1].flags = IFA_F_PERMANENT;
        r = via;
        *r.gateway = 0;
        describe(&r, &eth, addrs, 2, 0,
                 "link mac=52:54:00:77:00:02 mtu=1500 name=enp0s3\n"
                 "address 192.168.77.2/24 origin=static\n"
                 "server 192.168.77.1\n");
}

/* A route through an 802.1Q VLAN: the hardware interface under it is the
 * link (its MAC, MTU, name), the VLAN a line of its own, the address the
 * VLAN's; what the capture kernel cannot make is refused by name. */
TEST(describe_vlan) {
        struct rtnl_link eth = { .ifindex = 2, .name = "enp0s3", .mtu = 9000, .flags = IFF_UP | IFF_LOWER_UP,
                                 .has_mac = true, .mac = { 0x52, 0x54, 0, 0x77, 0, 2 } };
        struct rtnl_link vlan = { .ifindex = 5, .name = "enp0s3.78", .mtu = 1500, .flags = IFF_UP | IFF_LOWER_UP,
                                  .has_mac = true, .mac = { 0x52, 0x54, 0, 0x77, 0, 2 }, .kind = "vlan", .link = 2,
                                  .vlan_id = 78 };
        struct rtnl_route via = { .family = AF_INET, .type = RTN_UNICAST, .oif = 5, .prefsrc = "192.168.78.2" };
        struct rtnl_addr addrs[] = {
                { .ifindex = 5, .family = AF_INET, .address = "192.168.78.2", .prefixlen = 24, .flags = IFA_F_PERMANENT },
        };
        _cleanup_(net_record_freep) net_record *n = NULL;
        _cleanup_free_ char *summary = NULL;
        struct rtnl_link l;

        describe_vlan(&via, &vlan, &eth, addrs, 1, 0,
                      "link mac=52:54:00:77:00:02 mtu=9000 name=enp0s3\n"
                      "vlan id=78 mtu=1500 name=enp0s3.78\n"
                      "address 192.168.78.2/24 origin=static\n"
                      "server 192.168.77.1\n");
        ASSERT_OK(net_describe_from("192.168.77.1", &via, &vlan, &eth, NULL, 0, addrs, 1, &n, NULL));
        ASSERT_OK(net_record_summary(n, &summary));
        ASSERT_STREQ(summary, "enp0s3.78 (VLAN 78 on enp0s3, 52:54:00:77:00:02) 192.168.78.2/24");

        describe_vlan(&via, &vlan, NULL, addrs, 1, EOPNOTSUPP, "VLAN 78 on an interface that could not be read");
        l = eth;
        strcpy(l.kind, "bridge");
        describe_vlan(&via, &vlan, &l, addrs, 1, EOPNOTSUPP, "goes through enp0s3, a bridge link");
        l = eth;
        l.master = 7;
        describe_vlan(&via, &vlan, &l, addrs, 1, EOPNOTSUPP, "goes through enp0s3, which is enslaved to interface 7");
        l = vlan;
        l.vlan_8021ad = true;
        describe_vlan(&via, &l, &eth, addrs, 1, EOPNOTSUPP, "an 802.1ad (QinQ) VLAN");
        l = vlan;
        l.link = 3;
        describe_vlan(&via, &l, &eth, addrs, 1, EOPNOTSUPP, "on an interface that could not be read");
}

TEST(record_vlan) {
        _cleanup_(net_record_freep) net_record *n = NULL;
        _cleanup_free_ char *text = NULL, *err = NULL;
        const char *t = "link mac=52:54:00:77:00:02 mtu=1500 name=eth0 driver=virtio_net\n"
                        "vlan id=78 mtu=1496 name=eth0.78\n"
                        "address 192.168.78.2/24 origin=static\n"
                        "server 192.168.78.1\n";

        ASSERT_OK(net_record_parse(t, &n, &err));
        ASSERT_EQ(n->vlan_id, 78);
        ASSERT_EQ(n->vlan_mtu, 1496);
        ASSERT_STREQ(n->vlan_name, "eth0.78");
        ASSERT_OK(net_record_render(n, &text));
        ASSERT_STREQ(text, t);
        net_record_free(TAKE_PTR(n));

        /* no mtu=: the link's */
        ASSERT_OK(net_record_parse("link mac=52:54:00:77:00:02 mtu=1500\nvlan id=4094\naddress 10.0.0.2/8\n"
                                   "server 10.0.0.1\n", &n, NULL));
        ASSERT_EQ(n->vlan_mtu, 1500);
        ASSERT_TRUE(n->vlan_name == NULL);
        net_record_free(TAKE_PTR(n));

        ASSERT_ERR(net_record_parse("link mac=52:54:00:77:00:02 mtu=1500\nvlan id=4095\naddress 10.0.0.2/8\n"
                                    "server 10.0.0.1\n", &n, &err), EINVAL);
        ASSERT_CONTAINS(err, "line 2: id= is not a VLAN id from 1 to 4094");
        free(TAKE_PTR(err));
        ASSERT_ERR(net_record_parse("link mac=52:54:00:77:00:02 mtu=1500\nvlan mtu=1400\naddress 10.0.0.2/8\n"
                                    "server 10.0.0.1\n", &n, &err), EINVAL);
        ASSERT_CONTAINS(err, "needs id=");
        free(TAKE_PTR(err));
        ASSERT_ERR(net_record_parse("link mac=52:54:00:77:00:02 mtu=1500\nvlan id=5 mtu=9000\naddress 10.0.0.2/8\n"
                                    "server 10.0.0.1\n", &n, &err), EINVAL);
        ASSERT_CONTAINS(err, "the VLAN's MTU 9000 is above its link's, 1500");
}

/* --- NFS ------------------------------------------------------------------- */

TEST(nfs_strings) {
        struct nfs_mount_params p = { .server = "192.168.77.1", .client = "192.168.77.2", .export = "/srv/crash",
                                      .timeo_ds = 100, .retrans = 2 };
        _cleanup_free_ char *src = NULL, *v42 = NULL, *v3 = NULL, *src6 = NULL, *v6 = NULL, *v36 = NULL;

        ASSERT_OK(nfs_source(&p, &src));
        ASSERT_STREQ(src, "192.168.77.1:/srv/crash");
        ASSERT_STREQ(nfs_attempts[0].vers, "4.2");
        ASSERT_STREQ(nfs_attempts[2].fstype, "nfs");
        ASSERT_OK(nfs_options(&p, &nfs_attempts[0], &v42));
        ASSERT_STREQ(v42, "vers=4.2,addr=192.168.77.1,clientaddr=192.168.77.2,proto=tcp,soft,timeo=100,retrans=2");
        p.extra = "noresvport";
        ASSERT_OK(nfs_options(&p, &nfs_attempts[2], &v3));
        ASSERT_STREQ(v3, "vers=3,addr=192.168.77.1,mountaddr=192.168.77.1,mountproto=tcp,nolock,proto=tcp,soft,"
                         "timeo=100,retrans=2,noresvport");

        p = (struct nfs_mount_params) { .server = "fd77::1", .client = "fd77::2", .export = "/", .retrans = 1 };
        ASSERT_OK(nfs_source(&p, &src6));
        ASSERT_STREQ(src6, "[fd77::1]:/");
        ASSERT_OK(nfs_options(&p, &nfs_attempts[1], &v6));
        ASSERT_STREQ(v6, "vers=4.1,addr=fd77::1,clientaddr=fd77::2,proto=tcp6,soft,timeo=100,retrans=1");
        ASSERT_OK(nfs_options(&p, &nfs_attempts[2], &v36));
        ASSERT_CONTAINS(v36, "mountproto=tcp6,nolock,proto=tcp6");

        ASSERT_TRUE(nfs_error_is_unreachable(ETIMEDOUT) && nfs_error_is_unreachable(EHOSTUNREACH));
        ASSERT_TRUE(!nfs_error_is_unreachable(EPROTONOSUPPORT) && !nfs_error_is_unreachable(EACCES));
        p.export = "srv";
        ASSERT_ERR(nfs_source(&p, &src), EINVAL);
}

/* udhcpc's environment on "bound", as busybox 1.35 sets it */
static const char *udhcpc_vars(const char *name) {
        static const char *const vars[][2] = {
                { "interface", "enp0s3" }, { "ip", "192.168.77.2" }, { "subnet", "255.255.255.0" },
                { "mask", "24" }, { "router", "192.168.77.254 192.168.77.253" }, { "serverid", "192.168.77.1" },
                { "lease", "120" }, { "dns", "192.168.77.1" },
        };
        for (size_t i = 0; i < ELEMENTSOF(vars); i++)
                if (strcmp(vars[i][0], name) == 0)
                        return vars[i][1];
        return NULL;
}

static const char *no_subnet_vars(const char *name) {
        return strcmp(name, "ip") == 0 ? "10.0.0.7" : strcmp(name, "serverid") == 0 ? "not-an-address" : NULL;
}

static const char *no_ip_vars(const char *name) {
        return strcmp(name, "subnet") == 0 ? "255.255.255.0" : NULL;
}

TEST(dhcp_lease_from_udhcpc) {
        _cleanup_free_ char *text = NULL, *err = NULL, *bare = NULL;
        _cleanup_(dhcp_lease_done) dhcp_lease l = {};

        ASSERT_OK(dhcp_lease_from_vars(udhcpc_vars, &text));
        ASSERT_STREQ(text, "ip=192.168.77.2\nprefixlen=24\nrouter=192.168.77.254\nserverid=192.168.77.1\nlease=120\n");
        ASSERT_OK(dhcp_lease_parse(text, &l, &err));
        ASSERT_STREQ(l.address, "192.168.77.2");
        ASSERT_EQ(l.prefixlen, 24);
        ASSERT_STREQ(l.router, "192.168.77.254");
        ASSERT_STREQ(l.server_id, "192.168.77.1");
        ASSERT_EQ(l.lease_s, 120);

        /* no subnet, no router, a server id that is no address: the address alone */
        ASSERT_OK(dhcp_lease_from_vars(no_subnet_vars, &bare));
        ASSERT_STREQ(bare, "ip=10.0.0.7\nprefixlen=32\nlease=0\n");
        ASSERT_ERR(dhcp_lease_from_vars(no_ip_vars, &text), ENODATA);
}

TEST(dhcp_lease_parse_errors) {
        static const struct { const char *text, *error; } bad[] = {
                { "prefixlen=24\n", "no ip=" },
                { "ip=192.168.77.2\n", "no prefixlen=" },
                { "ip=192.168.77.2\nprefixlen=33\n", "line 2: prefixlen=33 is not 0-32" },
                { "ip=fd77::2\nprefixlen=24\n", "line 1: ip=fd77::2 is no IPv4 address" },
                { "ip=192.168.77.2\nprefixlen=24\nrouter=gw\n", "line 3: router=gw is no IPv4 address" },
                { "ip=192.168.77.2\nprefixlen=24\nlease=soon\n", "line 3: lease=soon is no number of seconds" },
                { "ip=192.168.77.2\ndns=1.1.1.1\n", "line 2: unknown key dns" },
                { "ip 192.168.77.2\n", "line 1: expected key=value" },
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_(dhcp_lease_done) dhcp_lease l = {};
                _cleanup_free_ char *err = NULL;

                ASSERT_ERR(dhcp_lease_parse(bad[i].text, &l, &err), EINVAL);
                ASSERT_STREQ(err, bad[i].error);
                ASSERT_TRUE(!l.address);
        }
}

TEST(ipv4_masks_and_subnets) {
        unsigned p = 99;

        ASSERT_OK(ipv4_mask_prefixlen("255.255.255.0", &p));
        ASSERT_EQ(p, 24);
        ASSERT_OK(ipv4_mask_prefixlen("255.255.254.0", &p));
        ASSERT_EQ(p, 23);
        ASSERT_OK(ipv4_mask_prefixlen("0.0.0.0", &p));
        ASSERT_EQ(p, 0);
        ASSERT_OK(ipv4_mask_prefixlen("255.255.255.255", &p));
        ASSERT_EQ(p, 32);
        ASSERT_ERR(ipv4_mask_prefixlen("255.0.255.0", &p), EINVAL);
        ASSERT_ERR(ipv4_mask_prefixlen("24", &p), EINVAL);
        ASSERT_ERR(ipv4_mask_prefixlen(NULL, &p), EINVAL);
        ASSERT_EQ(p, 32);

        ASSERT_TRUE(ipv4_in_subnet("192.168.77.1", "192.168.77.2", 24));
        ASSERT_TRUE(!ipv4_in_subnet("192.168.78.1", "192.168.77.2", 24));
        ASSERT_TRUE(ipv4_in_subnet("192.168.78.1", "192.168.77.2", 16));
        ASSERT_TRUE(!ipv4_in_subnet("192.168.77.1", "192.168.77.2", 32));
        ASSERT_TRUE(ipv4_in_subnet("10.9.9.9", "192.168.77.2", 0));
        ASSERT_TRUE(!ipv4_in_subnet("fd77::1", "192.168.77.2", 24));
        ASSERT_TRUE(!ipv4_in_subnet("192.168.77.1", "192.168.77.2", 33));
}

/* A route through VLAN 78 on an active-backup bond of two ports: the
 * active port is the link (found by its permanent MAC; both carry the
 * bond's), the other a port line, the bond a line of its own. */
TEST(describe_bond) {
        struct rtnl_link ports[] = {
                { .ifindex = 2, .name = "eth0", .mtu = 1500, .master = 4, .has_mac = true, .mac = { 0x52, 0x54, 0, 0x77, 0, 2 },
                  .has_perm_mac = true, .perm_mac = { 0x52, 0x54, 0, 0x77, 0, 2 } },
                { .ifindex = 3, .name = "eth1", .mtu = 1500, .master = 4, .has_mac = true, .mac = { 0x52, 0x54, 0, 0x77, 0, 2 },
                  .has_perm_mac = true, .perm_mac = { 0x52, 0x54, 0, 0x77, 0, 3 } },
                { .ifindex = 9, .name = "eth9", .mtu = 1500, .master = 8, .has_mac = true, .mac = { 0x52, 0x54, 0, 0x77, 0, 9 } },
        };
        struct rtnl_link bond = { .ifindex = 4, .name = "bond0", .mtu = 1500, .kind = "bond", .bond = true,
                                  .bond_mode = 1, .bond_miimon = 100, .bond_active = 3, .has_mac = true,
                                  .mac = { 0x52, 0x54, 0, 0x77, 0, 2 } };
        struct rtnl_link vlan = { .ifindex = 5, .name = "bond0.78", .mtu = 1500, .kind = "vlan", .link = 4,
                                  .vlan_id = 78, .has_mac = true, .mac = { 0x52, 0x54, 0, 0x77, 0, 2 } };
        struct rtnl_route via = { .family = AF_INET, .type = RTN_UNICAST, .oif = 5, .prefsrc = "192.168.78.2" };
        struct rtnl_addr addrs[] = {
                { .ifindex = 5, .family = AF_INET, .address = "192.168.78.2", .prefixlen = 24, .flags = IFA_F_PERMANENT },
        };
        static const char expect[] =
                "link mac=52:54:00:77:00:03 mtu=1500 name=eth1\n"
                "bond mode=active-backup miimon=100 mtu=1500 name=bond0\n"
                "port mac=52:54:00:77:00:02 name=eth0\n"
                "vlan id=78 mtu=1500 name=bond0.78\n"
                "address 192.168.78.2/24 origin=static\n"
                "server 192.168.77.1\n";
        _cleanup_(net_record_freep) net_record *n = NULL, *back = NULL;
        _cleanup_free_ char *text = NULL, *summary = NULL, *err = NULL, *again = NULL;
        struct rtnl_link b;

        ASSERT_OK(net_describe_from("192.168.77.1", &via, &vlan, &bond, ports, ELEMENTSOF(ports), addrs, 1, &n, &err));
        ASSERT_OK(net_record_render(n, &text));
        ASSERT_STREQ(text, expect);
        ASSERT_OK(net_record_summary(n, &summary));
        ASSERT_STREQ(summary, "bond0.78 (VLAN 78 on bond0, active-backup of eth1 52:54:00:77:00:03, eth0 "
                     "52:54:00:77:00:02) 192.168.78.2/24");
        /* the text parses back to the same record */
        ASSERT_OK(net_record_parse(text, &back, &err));
        ASSERT_TRUE(back->bond && back->bond_mode == NET_BOND_ACTIVE_BACKUP && back->n_ports == 1);
        ASSERT_OK(net_record_render(back, &again));
        ASSERT_STREQ(again, expect);

        /* the route on the bond itself: no VLAN line */
        via.oif = 4;
        addrs[0].ifindex = 4;
        net_record_free(TAKE_PTR(n));
        ASSERT_OK(net_describe_from("192.168.77.1", &via, &bond, NULL, ports, ELEMENTSOF(ports), addrs, 1, &n, NULL));
        ASSERT_TRUE(n->bond && !n->vlan_id && n->n_ports == 1);

        /* what the capture kernel cannot make */
        b = bond;
        b.bond_mode = 0;
        describe_vlan(&via, &b, NULL, addrs, 1, EOPNOTSUPP, "bond0 in mode 0; the capture kernel makes bonds in mode "
                      "active-backup (1) or 802.3ad (4) only");
        ports[0].kind[0] = 'v';
        ports[0].kind[1] = 0;
        net_record_free(TAKE_PTR(n));
        ASSERT_ERR(net_describe_from("192.168.77.1", &via, &bond, NULL, ports, ELEMENTSOF(ports), addrs, 1, &n, &err),
                   EOPNOTSUPP);
        ASSERT_CONTAINS(err, "the bond bond0 has the port eth0, v; the capture kernel makes bonds of hardware");
        free(TAKE_PTR(err));
        ASSERT_ERR(net_describe_from("192.168.77.1", &via, &bond, NULL, ports + 2, 1, addrs, 1, &n, &err), EHOSTUNREACH);
        ASSERT_CONTAINS(err, "goes through the bond bond0, which has no ports");
}

/* net-e2e's 802.3ad bond: bond0 of eth2 and eth3, 192.168.79.2/24; the
 * settings are the test's. */
static const struct rtnl_link lacp_bond = { .ifindex = 4, .name = "bond0", .mtu = 1500, .kind = "bond", .bond = true,
                                            .bond_mode = 4, .bond_miimon = 100, .has_mac = true,
                                            .mac = { 0x52, 0x54, 0, 0x77, 0, 4 } };

static int describe_lacp(const struct rtnl_link *bond, net_record **ret) {
        static const struct rtnl_link ports[] = {
                { .ifindex = 2, .name = "eth2", .mtu = 1500, .master = 4, .has_mac = true, .mac = { 0x52, 0x54, 0, 0x77, 0, 4 },
                  .has_perm_mac = true, .perm_mac = { 0x52, 0x54, 0, 0x77, 0, 4 } },
                { .ifindex = 3, .name = "eth3", .mtu = 1500, .master = 4, .has_mac = true, .mac = { 0x52, 0x54, 0, 0x77, 0, 4 },
                  .has_perm_mac = true, .perm_mac = { 0x52, 0x54, 0, 0x77, 0, 5 } },
        };
        static const struct rtnl_route via = { .family = AF_INET, .type = RTN_UNICAST, .oif = 4, .prefsrc = "192.168.79.2" };
        static const struct rtnl_addr addrs[] = {
                { .ifindex = 4, .family = AF_INET, .address = "192.168.79.2", .prefixlen = 24, .flags = IFA_F_PERMANENT },
        };
        _cleanup_free_ char *err = NULL;

        return net_describe_from("192.168.79.1", &via, bond, NULL, ports, ELEMENTSOF(ports), addrs, ELEMENTSOF(addrs), ret,
                                 &err);
}

/* 802.3ad with lacp_rate fast: recorded, said, parsed back; in another
 * mode the kernel's flag means nothing and is not recorded */
TEST(describe_bond_lacp_rate) {
        struct rtnl_link bond = lacp_bond;
        static const char expect[] =
                "link mac=52:54:00:77:00:04 mtu=1500 name=eth2\n"
                "bond mode=802.3ad miimon=100 lacp_rate=fast mtu=1500 name=bond0\n"
                "port mac=52:54:00:77:00:05 name=eth3\n"
                "address 192.168.79.2/24 origin=static\n"
                "server 192.168.79.1\n";
        _cleanup_(net_record_freep) net_record *n = NULL, *back = NULL, *ab = NULL;
        _cleanup_free_ char *text = NULL, *summary = NULL, *err = NULL, *again = NULL;

        bond.bond_8023ad.lacp_fast = true;
        ASSERT_OK(describe_lacp(&bond, &n));
        ASSERT_OK(net_record_render(n, &text));
        ASSERT_STREQ(text, expect);
        ASSERT_OK(net_record_summary(n, &summary));
        ASSERT_STREQ(summary, "bond0 (802.3ad (LACP rate fast) of eth2 52:54:00:77:00:04, eth3 52:54:00:77:00:05) "
                     "192.168.79.2/24");
        ASSERT_OK(net_record_parse(text, &back, &err));
        ASSERT_TRUE(back->bond_8023ad.lacp_fast && back->bond_mode == NET_BOND_8023AD);
        ASSERT_OK(net_record_render(back, &again));
        ASSERT_STREQ(again, expect);

        bond.bond_mode = 1;
        ASSERT_OK(describe_lacp(&bond, &ab));
        ASSERT_TRUE(!ab->bond_8023ad.lacp_fast);
}

/* xmit_hash_policy and ad_select of an 802.3ad bond: recorded by the
 * kernel's names where not its defaults, said, parsed back; nothing in
 * another mode, nor a number this code has no name for */
TEST(describe_bond_hash_and_select) {
        struct rtnl_link bond = lacp_bond;
        static const char expect[] =
                "link mac=52:54:00:77:00:04 mtu=1500 name=eth2\n"
                "bond mode=802.3ad miimon=100 lacp_rate=fast xmit_hash_policy=layer3+4 ad_select=bandwidth mtu=1500 name=bond0\n"
                "port mac=52:54:00:77:00:05 name=eth3\n"
                "address 192.168.79.2/24 origin=static\n"
                "server 192.168.79.1\n";
        _cleanup_(net_record_freep) net_record *n = NULL, *back = NULL, *ab = NULL, *odd = NULL;
        _cleanup_free_ char *text = NULL, *summary = NULL, *err = NULL, *again = NULL, *odd_text = NULL;

        bond.bond_8023ad.lacp_fast = true;
        bond.bond_8023ad.xmit_hash = 1;
        bond.bond_8023ad.ad_select = 1;
        ASSERT_OK(describe_lacp(&bond, &n));
        ASSERT_OK(net_record_render(n, &text));
        ASSERT_STREQ(text, expect);
        ASSERT_OK(net_record_summary(n, &summary));
        ASSERT_STREQ(summary, "bond0 (802.3ad (LACP rate fast, xmit_hash_policy layer3+4, ad_select bandwidth) of eth2 "
                     "52:54:00:77:00:04, eth3 52:54:00:77:00:05) 192.168.79.2/24");
        ASSERT_OK(net_record_parse(text, &back, &err));
        ASSERT_EQ(back->bond_8023ad.xmit_hash, 1);
        ASSERT_EQ(back->bond_8023ad.ad_select, 1);
        ASSERT_OK(net_record_render(back, &again));
        ASSERT_STREQ(again, expect);

        /* a number the kernel may add later: the default, not a record that cannot be read back */
        bond.bond_8023ad.xmit_hash = 9;
        bond.bond_8023ad.ad_select = 7;
        ASSERT_OK(describe_lacp(&bond, &odd));
        ASSERT_TRUE(odd->bond_8023ad.xmit_hash == 0 && odd->bond_8023ad.ad_select == 0);
        ASSERT_OK(net_record_render(odd, &odd_text));
        ASSERT_CONTAINS(odd_text, "bond mode=802.3ad miimon=100 lacp_rate=fast mtu=1500 name=bond0\n");

        /* active-backup: the kernel keeps a policy, it means nothing there */
        bond.bond_mode = 1;
        bond.bond_8023ad.xmit_hash = 2;
        ASSERT_OK(describe_lacp(&bond, &ab));
        ASSERT_TRUE(ab->bond_8023ad.xmit_hash == 0 && ab->bond_8023ad.ad_select == 0 && !ab->bond_8023ad.lacp_fast);
        ab->bond_8023ad.xmit_hash = 2;
        free(TAKE_PTR(text));
        ASSERT_ERR(net_record_render(ab, &text), EINVAL);
}

TEST(bond_ad_options) {
        static const struct { struct net_bond_8023ad ad; bool known; const char *text; } cases[] = {
                { { false, 0, 0 }, true, "" },
                { { true, 0, 0 }, true, "LACP rate fast" },
                { { false, 1, 0 }, true, "xmit_hash_policy layer3+4" },
                { { false, 0, 2 }, true, "ad_select count" },
                { { true, 5, 1 }, true, "LACP rate fast, xmit_hash_policy vlan+srcmac, ad_select bandwidth" },
                { { false, 2, 1 }, true, "xmit_hash_policy layer2+3, ad_select bandwidth" },
                { { false, 6, 0 }, false, "xmit_hash_policy ?" },
        };
        const struct net_bond_8023ad all = { true, 5, 1 };
        char buf[96], tiny[8];
        unsigned v;

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                net_bond_ad_options(&cases[i].ad, buf, sizeof(buf));
                ASSERT_STREQ(buf, cases[i].text);
                ASSERT_EQ(net_bond_8023ad_set(&cases[i].ad), i > 0);
                ASSERT_EQ(net_bond_8023ad_known(&cases[i].ad), cases[i].known);
        }
        net_bond_ad_options(&all, tiny, sizeof(tiny));
        ASSERT_STREQ(tiny, "LACP ra");
        for (unsigned k = 0; k <= NET_BOND_XMIT_HASH_MAX; k++) {
                ASSERT_OK(net_bond_xmit_hash_from_string(net_bond_xmit_hash_to_string(k), &v));
                ASSERT_EQ(v, k);
        }
        for (unsigned k = 0; k <= NET_BOND_AD_SELECT_MAX; k++) {
                ASSERT_OK(net_bond_ad_select_from_string(net_bond_ad_select_to_string(k), &v));
                ASSERT_EQ(v, k);
        }
        ASSERT_TRUE(net_bond_xmit_hash_to_string(NET_BOND_XMIT_HASH_MAX + 1) == NULL);
        ASSERT_ERR(net_bond_ad_select_from_string("Stable", &v), EINVAL);
}

TEST(record_bond_errors) {
        static const struct { const char *text, *error; } bad[] = {
                { "link mac=52:54:00:77:00:02 mtu=1500\nbond mode=balance-rr\naddress 10.0.0.2/24\nserver 10.0.0.1\n",
                  "mode= is not active-backup or 802.3ad" },
                { "link mac=52:54:00:77:00:02 mtu=1500\nbond miimon=100\naddress 10.0.0.2/24\nserver 10.0.0.1\n",
                  "needs mode=" },
                { "link mac=52:54:00:77:00:02 mtu=1500\nport mac=52:54:00:77:00:03\naddress 10.0.0.2/24\nserver 10.0.0.1\n",
                  "port lines without a bond line" },
                { "link mac=52:54:00:77:00:02 mtu=1500\nbond mode=802.3ad\nport name=eth1\naddress 10.0.0.2/24\nserver 10.0.0.1\n",
                  "needs mac=" },
                { "link mac=52:54:00:77:00:02 mtu=1500\nbond mode=802.3ad lacp_rate=sometimes mtu=1500\naddress 10.0.0.2/24\nserver 10.0.0.1\n",
                  "lacp_rate= is not fast or slow" },
                { "link mac=52:54:00:77:00:02 mtu=1500\nbond mode=active-backup lacp_rate=fast mtu=1500\naddress 10.0.0.2/24\nserver 10.0.0.1\n",
                  "lacp_rate= is for mode=802.3ad" },
                { "link mac=52:54:00:77:00:02 mtu=1500\nbond mode=802.3ad xmit_hash_policy=layer5 mtu=1500\naddress 10.0.0.2/24\nserver 10.0.0.1\n",
                  "xmit_hash_policy= is not one of layer2, layer3+4, layer2+3, encap2+3, encap3+4, vlan+srcmac" },
                { "link mac=52:54:00:77:00:02 mtu=1500\nbond mode=802.3ad ad_select=random mtu=1500\naddress 10.0.0.2/24\nserver 10.0.0.1\n",
                  "ad_select= is not stable, bandwidth or count" },
                { "link mac=52:54:00:77:00:02 mtu=1500\nbond xmit_hash_policy=layer3+4 mode=active-backup mtu=1500\naddress 10.0.0.2/24\nserver 10.0.0.1\n",
                  "xmit_hash_policy= is for mode=802.3ad" },
                { "link mac=52:54:00:77:00:02 mtu=1500\nbond mode=active-backup ad_select=count mtu=1500\naddress 10.0.0.2/24\nserver 10.0.0.1\n",
                  "ad_select= is for mode=802.3ad" },
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_(net_record_freep) net_record *n = NULL;
                _cleanup_free_ char *err = NULL;

                ASSERT_ERR(net_record_parse(bad[i].text, &n, &err), EINVAL);
                ASSERT_CONTAINS(err, bad[i].error);
        }
}

/* An 802.3ad bond as bond_fill_info() reports it (mode, then the rest,
 * IFLA_BOND_AD_INFO last) and a port as bond_fill_slave_info() does
 * (IFLA_INFO_SLAVE_KIND, then IFLA_INFO_SLAVE_DATA). */
static struct nlmsghdr *lacp_bond_msg(int ifindex, unsigned agg, unsigned ports, const uint8_t *partner, uint8_t rate,
                                      uint8_t hash, uint8_t select) {
        struct nlmsghdr *h = mnl_nlmsg_put_header(memset(msgbuf, 0, sizeof(msgbuf)));
        struct ifinfomsg *ifi;
        struct nlattr *info, *data, *ad;

        h->nlmsg_type = RTM_NEWLINK;
        ifi = mnl_nlmsg_put_extra_header(h, sizeof(*ifi));
        ifi->ifi_index = ifindex;
        mnl_attr_put_strz(h, IFLA_IFNAME, "bond0");
        info = mnl_attr_nest_start(h, IFLA_LINKINFO);
        mnl_attr_put_strz(h, IFLA_INFO_KIND, "bond");
        data = mnl_attr_nest_start(h, IFLA_INFO_DATA);
        mnl_attr_put_u8(h, IFLA_BOND_MODE, 4);
        mnl_attr_put_u32(h, IFLA_BOND_MIIMON, 100);
        mnl_attr_put_u8(h, IFLA_BOND_XMIT_HASH_POLICY, hash);
        mnl_attr_put_u8(h, IFLA_BOND_AD_LACP_RATE, rate);
        mnl_attr_put_u8(h, IFLA_BOND_AD_SELECT, select);
        if (partner) {
                ad = mnl_attr_nest_start(h, IFLA_BOND_AD_INFO);
                mnl_attr_put_u16(h, IFLA_BOND_AD_INFO_AGGREGATOR, (uint16_t) agg);
                mnl_attr_put_u16(h, IFLA_BOND_AD_INFO_NUM_PORTS, (uint16_t) ports);
                mnl_attr_put_u16(h, IFLA_BOND_AD_INFO_ACTOR_KEY, 9);
                mnl_attr_put_u16(h, IFLA_BOND_AD_INFO_PARTNER_KEY, 9);
                mnl_attr_put(h, IFLA_BOND_AD_INFO_PARTNER_MAC, 6, partner);
                mnl_attr_nest_end(h, ad);
        }
        mnl_attr_nest_end(h, data);
        mnl_attr_nest_end(h, info);
        return h;
}

static struct nlmsghdr *lacp_port_msg(int ifindex, const char *name, int master, int agg, unsigned state) {
        struct nlmsghdr *h = mnl_nlmsg_put_header(memset(msgbuf, 0, sizeof(msgbuf)));
        struct ifinfomsg *ifi;
        struct nlattr *info, *data;

        h->nlmsg_type = RTM_NEWLINK;
        ifi = mnl_nlmsg_put_extra_header(h, sizeof(*ifi));
        ifi->ifi_index = ifindex;
        mnl_attr_put_strz(h, IFLA_IFNAME, name);
        mnl_attr_put(h, IFLA_ADDRESS, 6, mac_a);
        mnl_attr_put_u32(h, IFLA_MASTER, (uint32_t) master);
        info = mnl_attr_nest_start(h, IFLA_LINKINFO);
        mnl_attr_put_strz(h, IFLA_INFO_SLAVE_KIND, "bond");
        data = mnl_attr_nest_start(h, IFLA_INFO_SLAVE_DATA);
        mnl_attr_put_u8(h, IFLA_BOND_SLAVE_STATE, 0);
        mnl_attr_put_u8(h, IFLA_BOND_SLAVE_MII_STATUS, 0);
        if (agg >= 0) {
                mnl_attr_put_u16(h, IFLA_BOND_SLAVE_AD_AGGREGATOR_ID, (uint16_t) agg);
                mnl_attr_put_u8(h, IFLA_BOND_SLAVE_AD_ACTOR_OPER_PORT_STATE, (uint8_t) state);
                mnl_attr_put_u16(h, IFLA_BOND_SLAVE_AD_PARTNER_OPER_PORT_STATE, 0x3d);
        }
        mnl_attr_nest_end(h, data);
        mnl_attr_nest_end(h, info);
        return h;
}

static const uint8_t partner_mac[6] = { 0x52, 0x54, 0, 0x77, 0, 0x11 };
#define UP_STATE 0x3du   /* activity, aggregation, sync, collecting, distributing */

TEST(parse_link_8023ad) {
        struct rtnl_link l;

        ASSERT_OK(rtnl_parse_link(lacp_bond_msg(5, 2, 2, partner_mac, 1, 1, 2), &l));
        ASSERT_TRUE(l.bond && l.bond_mode == 4 && l.bond_ad && l.bond_8023ad.lacp_fast);
        ASSERT_EQ(l.bond_8023ad.xmit_hash, 1);
        ASSERT_EQ(l.bond_8023ad.ad_select, 2);
        ASSERT_EQ(l.bond_ad_aggregator, 2);
        ASSERT_EQ(l.bond_ad_ports, 2);
        ASSERT_TRUE(memcmp(l.bond_ad_partner, partner_mac, 6) == 0);
        ASSERT_TRUE(!l.port_ad);
        /* no active aggregator yet: no IFLA_BOND_AD_INFO */
        ASSERT_OK(rtnl_parse_link(lacp_bond_msg(5, 0, 0, NULL, 0, 0, 0), &l));
        ASSERT_TRUE(l.bond && !l.bond_ad && !l.bond_8023ad.lacp_fast && l.bond_8023ad.xmit_hash == 0 && l.bond_8023ad.ad_select == 0);

        ASSERT_OK(rtnl_parse_link(lacp_port_msg(3, "eth2", 5, 2, UP_STATE), &l));
        ASSERT_STREQ(l.kind, "");       /* a port: still a hardware interface */
        ASSERT_TRUE(l.port_ad && l.master == 5);
        ASSERT_EQ(l.port_ad_aggregator, 2);
        ASSERT_EQ(l.port_ad_state, UP_STATE);
        /* a port not in an aggregator (or of a bond in another mode) */
        ASSERT_OK(rtnl_parse_link(lacp_port_msg(3, "eth2", 5, -1, 0), &l));
        ASSERT_TRUE(!l.port_ad);
}

static void lacp_case(const struct rtnl_link *bond, const struct rtnl_link *links, size_t n, bool done, bool usable,
                      const char *text) {
        _cleanup_free_ char *t = NULL;
        struct lacp_status s;

        lacp_status_from(bond, links, n, &s);
        ASSERT_OK(lacp_status_format(&s, &t));
        ASSERT_STREQ(t, text);
        ASSERT_EQ(lacp_status_done(&s), done);
        ASSERT_EQ(lacp_status_usable(&s), usable);
}

TEST(lacp_status) {
        struct rtnl_link bond = { .ifindex = 5, .name = "bond0", .kind = "bond", .bond = true, .bond_mode = 4,
                                  .bond_ad = true, .bond_ad_aggregator = 1, .bond_ad_ports = 2 };
        struct rtnl_link links[] = {
                { .ifindex = 1, .name = "lo" },
                { .ifindex = 3, .name = "eth2", .master = 5, .port_ad = true, .port_ad_aggregator = 1,
                  .port_ad_state = UP_STATE },
                { .ifindex = 4, .name = "eth3", .master = 5, .port_ad = true, .port_ad_aggregator = 1,
                  .port_ad_state = UP_STATE },
                { .ifindex = 6, .name = "eth9", .master = 7, .port_ad = true, .port_ad_aggregator = 1,
                  .port_ad_state = UP_STATE },        /* another bond's */
        };

        /* the kernel's bond carrier comes before LACP found the partner:
         * partner zeros, the ports attached, not collecting */
        links[1].port_ad_state = links[2].port_ad_state = 0x45; /* activity, aggregation, defaulted */
        lacp_case(&bond, links, ELEMENTSOF(links), false, false,
                  "aggregator 1, no LACP partner, 0 of 2 ports collecting and distributing");
        /* the partner answered: in sync, not yet collecting (the mux waits 2 s) */
        memcpy(bond.bond_ad_partner, partner_mac, 6);
        links[1].port_ad_state = links[2].port_ad_state = 0x0d;
        lacp_case(&bond, links, ELEMENTSOF(links), false, false,
                  "aggregator 1, partner 52:54:00:77:00:11, 0 of 2 ports collecting and distributing");
        /* one port up */
        links[1].port_ad_state = UP_STATE;
        lacp_case(&bond, links, ELEMENTSOF(links), false, true,
                  "aggregator 1, partner 52:54:00:77:00:11, 1 of 2 ports collecting and distributing (eth2)");
        /* both: aggregated */
        links[2].port_ad_state = UP_STATE;
        lacp_case(&bond, links, ELEMENTSOF(links), true, true,
                  "aggregator 1, partner 52:54:00:77:00:11, 2 of 2 ports collecting and distributing (eth2, eth3)");
        /* a port in another aggregator (another partner) does not count */
        links[2].port_ad_aggregator = 2;
        lacp_case(&bond, links, ELEMENTSOF(links), false, true,
                  "aggregator 1, partner 52:54:00:77:00:11, 1 of 2 ports collecting and distributing (eth2)");
        /* no active aggregator at all */
        bond.bond_ad = false;
        lacp_case(&bond, links, ELEMENTSOF(links), false, false, "no active aggregator, 2 ports");
        /* the rate is the bond's, as the kernel reports it */
        {
                struct lacp_status s;

                lacp_status_from(&bond, links, ELEMENTSOF(links), &s);
                ASSERT_TRUE(!s.settings.lacp_fast);
                bond.bond_8023ad.lacp_fast = true;
                bond.bond_8023ad.xmit_hash = 1;
                bond.bond_8023ad.ad_select = 2;
                lacp_status_from(&bond, links, ELEMENTSOF(links), &s);
                ASSERT_TRUE(s.settings.lacp_fast);
                ASSERT_EQ(s.settings.xmit_hash, 1);
                ASSERT_EQ(s.settings.ad_select, 2);
        }
}

/* One queue for the capture: every count above one down to one, a count
 * of 0 kept (the driver needs a queue of each direction), "other" kept. */
TEST(nic_channels_one_queue) {
        static const struct {
                struct nic_channels cur;
                bool change;
                const char *was, *now;
        } cases[] = {
                /* virtio_net, ixgbe, mlx5: combined channels */
                { { .max_combined = 8, .combined = 4 }, true, "combined 4", "combined 1" },
                /* one already (nr_cpus=1): nothing to ask */
                { { .max_combined = 1, .combined = 1 }, false, "combined 1", "combined 1" },
                /* separate receive and transmit queues */
                { { .max_rx = 8, .max_tx = 8, .rx = 2, .tx = 2 }, true, "rx 2, tx 2", "rx 1, tx 1" },
                /* i40e: combined, and a channel for the link interrupt */
                { { .max_combined = 64, .max_other = 1, .combined = 2, .other = 1 }, true, "combined 2, other 1",
                  "combined 1, other 1" },
                /* ice: combined plus extra receive queues */
                { { .max_combined = 16, .max_rx = 16, .combined = 3, .rx = 2 }, true, "combined 3, rx 2",
                  "combined 1, rx 1" },
                { { .max_combined = 4, .combined = 1, .tx = 3, .max_tx = 4 }, true, "combined 1, tx 3", "combined 1, tx 1" },
                { {}, false, "none", "none" },
        };
        char buf[64];

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                struct nic_channels want;

                ASSERT_EQ(nic_channels_one(&cases[i].cur, &want), cases[i].change);
                nic_channels_format(&cases[i].cur, buf, sizeof(buf));
                ASSERT_STREQ(buf, cases[i].was);
                nic_channels_format(&want, buf, sizeof(buf));
                ASSERT_STREQ(buf, cases[i].now);
                /* the maximums are the device's: never changed */
                ASSERT_EQ(want.max_combined, cases[i].cur.max_combined);
                ASSERT_EQ(want.max_rx, cases[i].cur.max_rx);
                ASSERT_EQ(want.other, cases[i].cur.other);
        }
        nic_channels_format(&cases[4].cur, buf, 12);
        ASSERT_STREQ(buf, "combined 3,");
        /* an interface that is not there: the ioctl's error, not a crash */
        {
                struct nic_channels c;
                ASSERT_TRUE(nic_channels_get("kdumpnone0", &c) < 0);
                ASSERT_ERR(nic_channels_get("a-name-longer-than-ifnamsiz", &c), EINVAL);
        }
}

TEST_MAIN()
