#include "http/networks.h"

#include <gtest/gtest.h>

namespace cinepress {
namespace {

TEST(NetworkList, AddressesAndNetworksOfBothFamilies) {
  auto list = NetworkList::Parse({"10.0.0.0/8", "192.0.2.7", "fd00::/8"}, "--flag");
  ASSERT_TRUE(list.ok()) << list.error().ToString();
  EXPECT_TRUE(list->Contains("10.1.2.3"));
  EXPECT_TRUE(list->Contains("::ffff:10.1.2.3"));  // IPv4 inside IPv6 is IPv4
  EXPECT_TRUE(list->Contains("192.0.2.7"));
  EXPECT_FALSE(list->Contains("192.0.2.8"));
  EXPECT_TRUE(list->Contains("fd12::1"));
  EXPECT_FALSE(list->Contains("2001:db8::1"));
  EXPECT_FALSE(list->Contains("not an address"));
  EXPECT_TRUE(NetworkList::Loopback().Contains("127.0.0.1"));
  EXPECT_TRUE(NetworkList::Loopback().Contains("::1"));
  EXPECT_FALSE(NetworkList::Loopback().Contains("203.0.113.7"));
  auto bad = NetworkList::Parse({"10.0.0.0/33"}, "--flag");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "--flag");
}

TEST(ClientNetwork, AnIpv6ClientIsItsSlash64) {
  EXPECT_EQ(ClientNetwork("203.0.113.7"), "203.0.113.7");
  EXPECT_EQ(ClientNetwork("::ffff:203.0.113.7"), "203.0.113.7");
  EXPECT_EQ(ClientNetwork("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
  EXPECT_EQ(ClientNetwork("2001:db8:1:2:bbbb::9"), "2001:db8:1:2::/64");
  EXPECT_EQ(ClientNetwork("-"), "-");
}

}  // namespace
}  // namespace cinepress
