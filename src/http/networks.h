// NetworkList: addresses and networks ("127.0.0.1", "10.0.0.0/8", "fd00::/8") that a client's
// address is checked against — trusted proxies, who may read /metrics. Read by Asio; an IPv4
// address inside IPv6 (::ffff:127.0.0.1) counts as IPv4.
// Contract: an immutable value once parsed; Contains is thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace cinepress {

// What per-client limits count a client as: its address; an IPv6 client, its /64
// ("2001:db8:1:2::/64"), which one machine or household usually has whole, so that a client
// cannot escape a limit by changing addresses within it. What is not an address: as given.
std::string ClientNetwork(std::string_view address);

class NetworkList {
 public:
  NetworkList();
  // An error names `field` (the flag the list came from) and the spec that is not an address
  // or a network.
  static Result<NetworkList> Parse(const std::vector<std::string>& specs, std::string_view field);
  // Loopback only: 127.0.0.0/8 and ::1.
  static NetworkList Loopback();

  bool Contains(std::string_view address) const;  // false for what is not an address
  bool empty() const;

 private:
  struct Networks;
  std::shared_ptr<const Networks> networks_;
};

}  // namespace cinepress
