#include "http/networks.h"

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>

namespace cinepress {

namespace net = boost::asio;

struct NetworkList::Networks {
  std::vector<net::ip::network_v4> v4;
  std::vector<net::ip::network_v6> v6;

  bool Add(const std::string& spec) {
    boost::system::error_code ec;
    if (spec.find('/') == std::string::npos) {
      auto a = net::ip::make_address(spec, ec);
      if (ec) return false;
      if (a.is_v6() && a.to_v6().is_v4_mapped()) {
        a = net::ip::make_address_v4(net::ip::v4_mapped, a.to_v6());
      }
      if (a.is_v4()) {
        v4.push_back(net::ip::network_v4(a.to_v4(), 32));
      } else {
        v6.push_back(net::ip::network_v6(a.to_v6(), 128));
      }
      return true;
    }
    auto n4 = net::ip::make_network_v4(spec, ec);
    if (!ec) {
      v4.push_back(n4.canonical());
      return true;
    }
    ec = {};
    auto n6 = net::ip::make_network_v6(spec, ec);
    if (ec) return false;
    v6.push_back(n6.canonical());
    return true;
  }
};

std::string ClientNetwork(std::string_view address) {
  boost::system::error_code ec;
  auto a = net::ip::make_address(std::string(address), ec);
  if (ec) return std::string(address);
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    return net::ip::make_address_v4(net::ip::v4_mapped, a.to_v6()).to_string();
  }
  if (a.is_v4()) return a.to_string();
  return net::ip::network_v6(a.to_v6(), 64).canonical().to_string();
}

NetworkList::NetworkList() : networks_(std::make_shared<Networks>()) {}

Result<NetworkList> NetworkList::Parse(const std::vector<std::string>& specs,
                                       std::string_view field) {
  auto networks = std::make_shared<Networks>();
  for (const std::string& spec : specs) {
    if (!networks->Add(spec)) {
      return Error{ErrorCode::kInvalidInput,
                   "not an address or a network (ADDRESS/BITS): \"" + spec + "\"",
                   {},
                   0,
                   std::string(field)};
    }
  }
  NetworkList list;
  list.networks_ = std::move(networks);
  return list;
}

NetworkList NetworkList::Loopback() { return *Parse({"127.0.0.0/8", "::1"}, ""); }

bool NetworkList::Contains(std::string_view address) const {
  boost::system::error_code ec;
  auto a = net::ip::make_address(std::string(address), ec);
  if (ec) return false;
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    a = net::ip::make_address_v4(net::ip::v4_mapped, a.to_v6());
  }
  const Networks& n = *networks_;
  if (a.is_v4()) {
    return std::any_of(n.v4.begin(), n.v4.end(), [&](const net::ip::network_v4& w) {
      return net::ip::network_v4(a.to_v4(), w.prefix_length()).canonical() == w;
    });
  }
  return std::any_of(n.v6.begin(), n.v6.end(), [&](const net::ip::network_v6& w) {
    return net::ip::network_v6(a.to_v6(), w.prefix_length()).canonical() == w;
  });
}

bool NetworkList::empty() const { return networks_->v4.empty() && networks_->v6.empty(); }

}  // namespace cinepress
