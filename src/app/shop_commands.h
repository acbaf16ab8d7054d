// The shop's commands of the composition root (src/shop): orders for fulfilment. Each is one
// `cinepress orders` command (README.md's command table, docs/SHOP.md).
// Contract: as app.h — results to `out`, an Error for what refused the command (the program
// exits 1 with it).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>

#include "app/app.h"

namespace cinepress {

// Oldest first: id, status, date, buyer, lines, total, tracking; only `status` when not empty.
// Pending orders whose checkout ended unpaid are expired first (their stock returns).
Status OrdersListCommand(const SiteFolder& site, const std::string& status, std::ostream& out);
// Every order (or those with `status`) with its shipping address: CSV, or JSON.
Status OrdersExportCommand(const SiteFolder& site, const std::string& status, bool csv,
                           std::ostream& out);
// Marks a paid order shipped with its tracking number and queues the email telling its buyer
// (sent by the outbox of `cinepress serve`).
Status OrdersShipCommand(const SiteFolder& site, int64_t id, const std::string& tracking,
                         std::ostream& out);

}  // namespace cinepress
