// ShopStore on PostgreSQL: products, stock, orders and download grants in the same database as
// the content, on a connection of its own (tables made by the store's migrations,
// src/store/pg_store.cc). A SKU's stock is taken by one conditional UPDATE (its row lock makes a
// second buyer of the last item wait, then find none left); an order changes state by a
// conditional UPDATE of its row first, so two deliveries of one event cannot both apply it.
#include <algorithm>

#include "store/engines.h"
#include "store/pg_connection.h"
#include "store/shop_rows.h"

namespace cinepress {
namespace {

#define CINEPRESS_PG_ORDERS                                                             \
  "SELECT id, reference, coalesce(session_id, ''), status, email, member_id, currency," \
  " amount_total, payment_intent, shipping_name, shipping_address, tracking, created,"  \
  " expires_at, updated FROM shop_orders "

Order OrderFrom(const PgRows& r, int row) {
  Order o;
  o.id = r.Int(row, 0);
  o.reference = r.Text(row, 1);
  o.session_id = r.Text(row, 2);
  o.status = r.Text(row, 3);
  o.email = r.Text(row, 4);
  o.member_id = r.Int(row, 5);
  o.currency = r.Text(row, 6);
  o.amount_total = r.Int(row, 7);
  o.payment_intent = r.Text(row, 8);
  o.shipping_name = r.Text(row, 9);
  o.shipping_address = r.Text(row, 10);
  o.tracking = r.Text(row, 11);
  o.created = r.Int(row, 12);
  o.expires_at = r.Int(row, 13);
  o.updated = r.Int(row, 14);
  return o;
}

Product ProductFrom(const PgRows& r, int row) {
  Product p;
  p.slug = r.Text(row, 0);
  p.kind = r.Text(row, 1);
  p.title = r.Text(row, 2);
  p.summary = r.Text(row, 3);
  p.body = r.Text(row, 4);
  p.price = r.Int(row, 5);
  p.currency = r.Text(row, 6);
  p.image = r.Text(row, 7);
  p.image_alt = r.Text(row, 8);
  p.free_for = SplitList(r.Text(row, 9));
  p.ship_to = SplitList(r.Text(row, 10));
  p.shipping = ShippingFromJson(r.Text(row, 11));
  return p;
}

ProductFile FileFrom(const PgRows& r, int row) {
  return ProductFile{r.Text(row, 0), r.Text(row, 1), r.Int(row, 2)};
}

ProductVariant VariantFrom(const PgRows& r, int row) {
  return ProductVariant{r.Text(row, 0), r.Text(row, 1), r.Int(row, 2)};
}

OrderLine LineFrom(const PgRows& r, int row) {
  return OrderLine{r.Text(row, 0), r.Text(row, 1), r.Int(row, 2), r.Int(row, 3)};
}

DownloadGrant GrantFrom(const PgRows& r, int row) {
  return DownloadGrant{r.Int(row, 0),  r.Int(row, 1), r.Text(row, 2),
                       r.Text(row, 3), r.Int(row, 4), r.Int(row, 5) != 0};
}

class PgShopStore final : public ShopStore {
 public:
  explicit PgShopStore(std::unique_ptr<PgConnection> db) : db_(std::move(db)) {}

  Status SaveProduct(const Product& p) override {
    return db_->Atomically([&]() -> Status {
      const std::string free_for = JoinedList(p.free_for), ship_to = JoinedList(p.ship_to),
                        shipping = ShippingJson(p.shipping);
      auto q = db_->Write(
          "INSERT INTO shop_products (slug, kind, title, summary, body, price, currency, image,"
          " image_alt, free_for, ship_to, shipping)"
          " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (slug) DO"
          " UPDATE SET kind = excluded.kind, title = excluded.title, summary = excluded.summary,"
          " body = excluded.body, price = excluded.price, currency = excluded.currency,"
          " image = excluded.image, image_alt = excluded.image_alt,"
          " free_for = excluded.free_for, ship_to = excluded.ship_to,"
          " shipping = excluded.shipping",
          {std::string_view(p.slug), std::string_view(p.kind), std::string_view(p.title),
           std::string_view(p.summary), std::string_view(p.body), p.price,
           std::string_view(p.currency), std::string_view(p.image), std::string_view(p.image_alt),
           std::string_view(free_for), std::string_view(ship_to), std::string_view(shipping)});
      if (!q) return PgFailure("saving product " + p.slug, q.error());
      if (auto s = SaveFiles(p); !s) return s;
      return SaveVariants(p);
    });
  }

  Result<std::vector<Product>> LoadProducts() override {
    auto products = RowsOf(db_->Query("SELECT slug, kind, title, summary, body, price, currency,"
                                      " image, image_alt, free_for, ship_to, shipping"
                                      " FROM shop_products ORDER BY slug"),
                           "reading the products", &ProductFrom);
    if (!products) return products.error();
    for (Product& p : *products) {
      auto files = RowsOf(db_->Query("SELECT name, type, size FROM shop_product_files"
                                     " WHERE product = $1 ORDER BY seq",
                                     {std::string_view(p.slug)}),
                          "reading the files of " + p.slug, &FileFrom);
      if (!files) return files.error();
      p.files = std::move(*files);
      auto variants = RowsOf(db_->Query("SELECT sku, label, stock FROM shop_variants"
                                        " WHERE product = $1 ORDER BY seq",
                                        {std::string_view(p.slug)}),
                             "reading the variants of " + p.slug, &VariantFrom);
      if (!variants) return variants.error();
      p.variants = std::move(*variants);
    }
    return products;
  }

  Status DeleteProduct(const std::string& slug) override {
    auto q = db_->Write("DELETE FROM shop_products WHERE slug = $1", {std::string_view(slug)});
    if (!q) return PgFailure("removing product " + slug, q.error());
    return {};
  }

  Result<int64_t> StartOrder(const Order& o) override {
    int64_t id = 0;
    Status s = db_->Atomically([&]() -> Status {
      auto q = db_->Write(
          "INSERT INTO shop_orders (reference, status, email, member_id, currency, amount_total,"
          " payment_intent, shipping_name, shipping_address, tracking, created, expires_at,"
          " updated) VALUES ($1, 'pending', $2, $3, $4, 0, '', '', '', '', $5, $6, $5)"
          " RETURNING id",
          {std::string_view(o.reference), std::string_view(o.email), o.member_id,
           std::string_view(o.currency), o.created, o.expires_at});
      if (!q) return PgFailure("saving order " + o.reference, q.error());
      id = q->Int(0, 0);
      for (size_t i = 0; i < o.lines.size(); ++i) {
        const OrderLine& l = o.lines[i];
        auto line = db_->Write(
            "INSERT INTO shop_order_lines (order_id, seq, product, sku, quantity, unit_amount)"
            " VALUES ($1, $2, $3, $4, $5, $6)",
            {id, static_cast<int64_t>(i), std::string_view(l.product), std::string_view(l.sku),
             l.quantity, l.unit_amount});
        if (!line) return PgFailure("saving a line of order " + o.reference, line.error());
        if (l.sku.empty()) continue;
        if (auto h = Hold(id, l, o.expires_at); !h) return h;
      }
      return {};
    });
    if (!s) return s.error();
    return id;
  }

  Status SetOrderSession(int64_t id, const std::string& session_id) override {
    auto q = db_->Write("UPDATE shop_orders SET session_id = $1 WHERE id = $2 RETURNING id",
                        {std::string_view(session_id), id});
    if (!q) return PgFailure("saving order " + std::to_string(id), q.error());
    if (q->size() == 0) return NoOrder(std::to_string(id));
    return {};
  }

  Result<bool> ExpireOrder(const std::string& session_id, int64_t now) override {
    bool expired = false;
    Status s = db_->Atomically([&]() -> Status {
      auto q = db_->Write(
          "UPDATE shop_orders SET status = 'expired', updated = $1"
          " WHERE session_id = $2 AND status = 'pending' RETURNING id",
          {now, std::string_view(session_id)});
      if (!q) return PgFailure("saving order " + session_id, q.error());
      if (q->size() == 0) return {};
      expired = true;
      return ReturnStock(q->Int(0, 0));
    });
    if (!s) return s.error();
    return expired;
  }

  Result<std::vector<int64_t>> ExpireAbandonedOrders(int64_t now) override {
    std::vector<int64_t> ids;
    Status s = db_->Atomically([&]() -> Status {
      auto q = db_->Write(
          "UPDATE shop_orders SET status = 'expired', updated = $1"
          " WHERE status = 'pending' AND expires_at < $1 RETURNING id",
          {now});
      if (!q) return PgFailure("expiring the abandoned orders", q.error());
      for (int r = 0; r < q->size(); ++r) ids.push_back(q->Int(r, 0));
      std::sort(ids.begin(), ids.end());
      for (int64_t id : ids) {
        if (auto e = ReturnStock(id); !e) return e;
      }
      return {};
    });
    if (!s) return s.error();
    return ids;
  }

  Result<std::optional<Order>> PayOrder(const OrderPayment& p,
                                        const OrderMessages& messages) override {
    std::optional<Order> paid;
    Status s = db_->Atomically([&]() -> Status {
      auto q = db_->Write(
          "UPDATE shop_orders SET status = 'paid', email = $1, amount_total = $2,"
          " payment_intent = $3, shipping_name = $4, shipping_address = $5, updated = $6"
          " WHERE session_id = $7 AND status IN ('pending', 'expired') RETURNING id",
          {std::string_view(p.email), p.amount_total, std::string_view(p.payment_intent),
           std::string_view(p.shipping_name), std::string_view(p.shipping_address), p.at,
           std::string_view(p.session_id)});
      if (!q) return PgFailure("saving order " + p.session_id, q.error());
      if (q->size() == 0) return KnownSession(p.session_id);
      const int64_t id = q->Int(0, 0);
      // Paid after its reservation ended: the stock is taken again, even below zero (the sale
      // happened; fulfilment sees the shortfall).
      auto take = db_->Write(
          "UPDATE shop_variants SET stock = shop_variants.stock - r.quantity"
          " FROM shop_reservations r WHERE r.order_id = $1 AND r.sku = shop_variants.sku"
          " AND r.state = 'released'",
          {id});
      if (!take) return PgFailure("taking the stock of order " + std::to_string(id), take.error());
      if (auto m = SetReservations(id, "sold"); !m) return m;
      auto g = db_->Write(
          "INSERT INTO shop_download_grants (order_id, product, email, created, revoked)"
          " SELECT order_id, product, $1, $2, 0 FROM shop_order_lines"
          " WHERE order_id = $3 AND sku = '' ORDER BY seq",
          {std::string_view(p.email), p.at, id});
      if (!g) return PgFailure("granting the downloads of order " + std::to_string(id), g.error());
      auto order = LoadOrder(id);
      if (!order) return order.error();
      paid = std::move(*order);
      return paid && messages ? QueueMessages(messages(*paid), p.at) : Status{};
    });
    if (!s) return s.error();
    return paid;
  }

  // Into the outbox, in the caller's transaction.
  Status QueueMessages(const Result<std::vector<std::string>>& made, int64_t now) {
    if (!made) return made.error();
    for (const std::string& message : *made) {
      auto q = db_->Write(
          "INSERT INTO mail_outbox (created, next_attempt, attempts, message)"
          " VALUES ($1, $1, 0, $2)",
          {now, std::string_view(message)});
      if (!q) return PgFailure("queueing a message", q.error());
    }
    return {};
  }

  Result<std::optional<Order>> RefundOrder(const std::string& payment_intent,
                                           int64_t now) override {
    std::optional<Order> refunded;
    if (payment_intent.empty()) return refunded;
    Status s = db_->Atomically([&]() -> Status {
      auto q = db_->Write(
          "UPDATE shop_orders SET status = 'refunded', updated = $1"
          " WHERE payment_intent = $2 AND status IN ('paid', 'shipped') RETURNING id",
          {now, std::string_view(payment_intent)});
      if (!q) return PgFailure("refunding " + payment_intent, q.error());
      if (q->size() == 0) return {};
      const int64_t id = q->Int(0, 0);
      auto g = db_->Write("UPDATE shop_download_grants SET revoked = 1 WHERE order_id = $1", {id});
      if (!g) return PgFailure("revoking the downloads of order " + std::to_string(id), g.error());
      auto order = LoadOrder(id);
      if (!order) return order.error();
      refunded = std::move(*order);
      return {};
    });
    if (!s) return s.error();
    return refunded;
  }

  Status ShipOrder(int64_t id, const std::string& tracking, int64_t now) override {
    auto q = db_->Write(
        "UPDATE shop_orders SET status = 'shipped', tracking = $1, updated = $2"
        " WHERE id = $3 AND status IN ('paid', 'shipped') RETURNING id",
        {std::string_view(tracking), now, id});
    if (!q) return PgFailure("saving order " + std::to_string(id), q.error());
    if (q->size() > 0) return {};
    auto order = LoadOrder(id);
    if (!order) return order.error();
    if (!order->has_value()) return NoOrder(std::to_string(id));
    return OrderNotPaid(**order);
  }

  Result<std::vector<Order>> ListOrders(const std::string& status) override {
    auto orders =
        RowsOf(db_->Query(CINEPRESS_PG_ORDERS "WHERE $1 = '' OR status = $1 ORDER BY created, id",
                          {std::string_view(status)}),
               "reading the orders", &OrderFrom);
    if (!orders) return orders.error();
    for (Order& o : *orders) {
      if (auto s = LoadLines(o); !s) return s.error();
    }
    return orders;
  }

  Result<std::optional<Order>> LoadOrder(int64_t id) override {
    auto order = FirstOf(db_->Query(CINEPRESS_PG_ORDERS "WHERE id = $1", {id}),
                         "reading order " + std::to_string(id), &OrderFrom);
    if (!order) return order.error();
    if (order->has_value()) {
      if (auto s = LoadLines(**order); !s) return s.error();
    }
    return order;
  }

  Result<std::optional<DownloadGrant>> LoadGrant(int64_t id) override {
    return FirstOf(db_->Query("SELECT id, order_id, product, email, created, revoked"
                              " FROM shop_download_grants WHERE id = $1",
                              {id}),
                   "reading download grant " + std::to_string(id), &GrantFrom);
  }

  Result<std::vector<DownloadGrant>> GrantsOf(const std::string& email) override {
    return RowsOf(db_->Query("SELECT id, order_id, product, email, created, revoked"
                             " FROM shop_download_grants WHERE email = $1 ORDER BY created, id",
                             {std::string_view(email)}),
                  "reading the downloads of " + email, &GrantFrom);
  }

 private:
  // The files' facts; their bytes are private media (content/private_media.h). The old `data`
  // column is written empty.
  Status SaveFiles(const Product& p) {
    auto d =
        db_->Write("DELETE FROM shop_product_files WHERE product = $1", {std::string_view(p.slug)});
    if (!d) return PgFailure("saving the files of " + p.slug, d.error());
    for (size_t i = 0; i < p.files.size(); ++i) {
      auto q = db_->Write(
          "INSERT INTO shop_product_files (product, seq, name, type, size, data)"
          " VALUES ($1, $2, $3, $4, $5, ''::bytea)",
          {std::string_view(p.slug), static_cast<int64_t>(i), std::string_view(p.files[i].name),
           std::string_view(p.files[i].type), p.files[i].size});
      if (!q) return PgFailure("saving " + p.slug + "/" + p.files[i].name, q.error());
    }
    return {};
  }

  Status SaveVariants(const Product& p) {
    const std::string skus = SkuJson(p.variants);
    auto d = db_->Write(
        "DELETE FROM shop_variants WHERE product = $1 AND sku NOT IN"
        " (SELECT jsonb_array_elements_text($2::jsonb))",
        {std::string_view(p.slug), std::string_view(skus)});
    if (!d) return PgFailure("saving the variants of " + p.slug, d.error());
    for (size_t i = 0; i < p.variants.size(); ++i) {
      const ProductVariant& v = p.variants[i];
      auto q = db_->Write(
          "INSERT INTO shop_variants (sku, product, seq, label, stock, declared)"
          " VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (sku) DO UPDATE SET"
          " product = excluded.product, seq = excluded.seq, label = excluded.label,"
          " stock = CASE WHEN shop_variants.declared = excluded.declared"
          " THEN shop_variants.stock ELSE excluded.stock END, declared = excluded.declared",
          {std::string_view(v.sku), std::string_view(p.slug), static_cast<int64_t>(i),
           std::string_view(v.label), v.stock});
      if (!q) return PgFailure("saving variant " + v.sku, q.error());
    }
    return {};
  }

  // Takes the line's quantity from its SKU's stock when that much is left, and records it.
  Status Hold(int64_t order, const OrderLine& l, int64_t expires_at) {
    auto u = db_->Write(
        "UPDATE shop_variants SET stock = stock - $1 WHERE sku = $2 AND stock >= $1"
        " RETURNING sku",
        {l.quantity, std::string_view(l.sku)});
    if (!u) return PgFailure("reserving " + l.sku, u.error());
    if (u->size() == 0) {
      auto k =
          db_->Query("SELECT stock FROM shop_variants WHERE sku = $1", {std::string_view(l.sku)});
      if (!k) return PgFailure("reading " + l.sku, k.error());
      if (k->size() == 0) return NoSku(l.sku);
      return SoldOut(l.sku, k->Int(0, 0));
    }
    auto r = db_->Write(
        "INSERT INTO shop_reservations (order_id, sku, quantity, expires_at, state)"
        " VALUES ($1, $2, $3, $4, 'held')",
        {order, std::string_view(l.sku), l.quantity, expires_at});
    if (!r) return PgFailure("reserving " + l.sku, r.error());
    return {};
  }

  // An order that has just expired: the stock it held returns.
  Status ReturnStock(int64_t id) {
    auto r = db_->Write(
        "UPDATE shop_variants SET stock = shop_variants.stock + r.quantity"
        " FROM shop_reservations r WHERE r.order_id = $1 AND r.sku = shop_variants.sku"
        " AND r.state = 'held'",
        {id});
    if (!r) return PgFailure("returning the stock of order " + std::to_string(id), r.error());
    return SetReservations(id, "released");
  }

  Status SetReservations(int64_t order, const char* state) {
    auto r = db_->Write("UPDATE shop_reservations SET state = $1 WHERE order_id = $2",
                        {std::string_view(state), order});
    if (!r) {
      return PgFailure("saving the reservations of order " + std::to_string(order), r.error());
    }
    return {};
  }

  // Nothing when an order has the session (it was paid before), else kNotFound.
  Status KnownSession(const std::string& session_id) {
    auto q = db_->Query("SELECT id FROM shop_orders WHERE session_id = $1",
                        {std::string_view(session_id)});
    if (!q) return PgFailure("reading order " + session_id, q.error());
    if (q->size() == 0) return NoOrder(session_id);
    return {};
  }

  Status LoadLines(Order& o) {
    auto lines = RowsOf(db_->Query("SELECT product, sku, quantity, unit_amount"
                                   " FROM shop_order_lines WHERE order_id = $1 ORDER BY seq",
                                   {o.id}),
                        "reading the lines of order " + std::to_string(o.id), &LineFrom);
    if (!lines) return lines.error();
    o.lines = std::move(*lines);
    return {};
  }

  std::unique_ptr<PgConnection> db_;
};

#undef CINEPRESS_PG_ORDERS

}  // namespace

Result<std::unique_ptr<ShopStore>> OpenPgShopStore(const StoreOptions& options) {
  {
    auto content = OpenPgContentStore(options);  // makes or migrates the schema
    if (!content) return content.error();
  }
  auto db = PgConnection::Open(options.url, options.password);
  if (!db) return db.error();
  return std::unique_ptr<ShopStore>(std::make_unique<PgShopStore>(std::move(*db)));
}

}  // namespace cinepress
