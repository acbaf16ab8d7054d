// ShopStore on SQLite: products, stock, orders and download grants in the same database file as
// the content, on a connection of its own (tables made by the store's migrations,
// src/store/sqlite_store.cc). Each change of stock is inside BEGIN IMMEDIATE with the change of
// its order: one writer at a time, so a SKU's last item is held by one order only.
#include <sqlite3.h>

#include <algorithm>
#include <functional>

#include "store/engines.h"
#include "store/open_store.h"
#include "store/shop_rows.h"
#include "store/sqlite_statement.h"

namespace cinepress {
namespace {

constexpr const char* kOrderColumns =
    "SELECT id, reference, coalesce(session_id, ''), status, email, member_id, currency,"
    " amount_total, payment_intent, shipping_name, shipping_address, tracking, created,"
    " expires_at, updated FROM shop_orders ";

Order OrderFrom(const Run& r) {
  Order o;
  o.id = r.I(0);
  o.reference = r.S(1);
  o.session_id = r.S(2);
  o.status = r.S(3);
  o.email = r.S(4);
  o.member_id = r.I(5);
  o.currency = r.S(6);
  o.amount_total = r.I(7);
  o.payment_intent = r.S(8);
  o.shipping_name = r.S(9);
  o.shipping_address = r.S(10);
  o.tracking = r.S(11);
  o.created = r.I(12);
  o.expires_at = r.I(13);
  o.updated = r.I(14);
  return o;
}

class SqliteShopStore final : public ShopStore, private SqliteConnection {
 public:
  explicit SqliteShopStore(sqlite3* db) : SqliteConnection(db) {}
  using SqliteConnection::InitConnection;

  Status SaveProduct(const Product& p) override {
    return Atomically([&]() -> Status {
      Run r(Q("INSERT INTO shop_products (slug, kind, title, summary, body, price, currency,"
              " image, image_alt, free_for, ship_to, shipping)"
              " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (slug) DO UPDATE SET"
              " kind = excluded.kind, title = excluded.title, summary = excluded.summary,"
              " body = excluded.body, price = excluded.price, currency = excluded.currency,"
              " image = excluded.image, image_alt = excluded.image_alt,"
              " free_for = excluded.free_for, ship_to = excluded.ship_to,"
              " shipping = excluded.shipping"),
            {p.slug, p.kind, p.title, p.summary, p.body, p.price, p.currency, p.image, p.image_alt,
             JoinedList(p.free_for), JoinedList(p.ship_to), ShippingJson(p.shipping)});
      if (!r.Done()) return Failure("saving product " + p.slug);
      if (auto s = SaveFiles(p); !s) return s;
      return SaveVariants(p);
    });
  }

  Result<std::vector<Product>> LoadProducts() override {
    std::vector<Product> out;
    {
      Run r(Q("SELECT slug, kind, title, summary, body, price, currency, image, image_alt,"
              " free_for, ship_to, shipping FROM shop_products ORDER BY slug"),
            {});
      while (r.Row()) {
        Product p;
        p.slug = r.S(0);
        p.kind = r.S(1);
        p.title = r.S(2);
        p.summary = r.S(3);
        p.body = r.S(4);
        p.price = r.I(5);
        p.currency = r.S(6);
        p.image = r.S(7);
        p.image_alt = r.S(8);
        p.free_for = SplitList(r.S(9));
        p.ship_to = SplitList(r.S(10));
        p.shipping = ShippingFromJson(r.S(11));
        out.push_back(std::move(p));
      }
      if (!r.Finished()) return Failure("reading the products");
    }
    for (Product& p : out) {
      Run f(Q("SELECT name, type, size FROM shop_product_files WHERE product = ? ORDER BY seq"),
            {p.slug});
      while (f.Row()) p.files.push_back(ProductFile{f.S(0), f.S(1), f.I(2)});
      if (!f.Finished()) return Failure("reading the files of " + p.slug);
      Run v(Q("SELECT sku, label, stock FROM shop_variants WHERE product = ? ORDER BY seq"),
            {p.slug});
      while (v.Row()) p.variants.push_back(ProductVariant{v.S(0), v.S(1), v.I(2)});
      if (!v.Finished()) return Failure("reading the variants of " + p.slug);
    }
    return out;
  }

  Status DeleteProduct(const std::string& slug) override {
    Run r(Q("DELETE FROM shop_products WHERE slug = ?"), {slug});
    if (!r.Done()) return Failure("removing product " + slug);
    return {};
  }

  Result<int64_t> StartOrder(const Order& o) override {
    int64_t id = 0;
    Status s = Atomically([&]() -> Status {
      Run r(Q("INSERT INTO shop_orders (reference, status, email, member_id, currency,"
              " amount_total, payment_intent, shipping_name, shipping_address, tracking, created,"
              " expires_at, updated) VALUES (?, 'pending', ?, ?, ?, 0, '', '', '', '', ?, ?, ?)"),
            {o.reference, o.email, o.member_id, o.currency, o.created, o.expires_at, o.created});
      if (!r.Done()) return Failure("saving order " + o.reference);
      id = sqlite3_last_insert_rowid(db_);
      for (size_t i = 0; i < o.lines.size(); ++i) {
        if (auto l = SaveLine(id, static_cast<int64_t>(i), o.lines[i]); !l) return l;
        if (o.lines[i].sku.empty()) continue;
        if (auto h = Hold(id, o.lines[i], o.expires_at); !h) return h;
      }
      return {};
    });
    if (!s) return s.error();
    return id;
  }

  Status SetOrderSession(int64_t id, const std::string& session_id) override {
    Run r(Q("UPDATE shop_orders SET session_id = ? WHERE id = ?"), {session_id, id});
    if (!r.Done()) return Failure("saving order " + std::to_string(id));
    if (sqlite3_changes(db_) == 0) return NoOrder(std::to_string(id));
    return {};
  }

  Result<bool> ExpireOrder(const std::string& session_id, int64_t now) override {
    bool expired = false;
    Status s = Atomically([&]() -> Status {
      int64_t id = 0;
      {
        Run r(Q("UPDATE shop_orders SET status = 'expired', updated = ?"
                " WHERE session_id = ? AND status = 'pending' RETURNING id"),
              {now, session_id});
        if (!r.Row()) return r.Finished() ? Status{} : Failure("saving order " + session_id);
        id = r.I(0);
      }
      expired = true;
      return ReturnStock(id);
    });
    if (!s) return s.error();
    return expired;
  }

  Result<std::vector<int64_t>> ExpireAbandonedOrders(int64_t now) override {
    std::vector<int64_t> ids;
    Status s = Atomically([&]() -> Status {
      {
        Run r(Q("UPDATE shop_orders SET status = 'expired', updated = ?1"
                " WHERE status = 'pending' AND expires_at < ?1 RETURNING id"),
              {now});
        while (r.Row()) ids.push_back(r.I(0));
        if (!r.Finished()) return Failure("expiring the abandoned orders");
      }
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
    Status s = Atomically([&]() -> Status {
      int64_t id = 0;
      {
        Run u(Q("UPDATE shop_orders SET status = 'paid', email = ?, amount_total = ?,"
                " payment_intent = ?, shipping_name = ?, shipping_address = ?, updated = ?"
                " WHERE session_id = ? AND status IN ('pending', 'expired') RETURNING id"),
              {p.email, p.amount_total, p.payment_intent, p.shipping_name, p.shipping_address, p.at,
               p.session_id});
        if (u.Row()) {
          id = u.I(0);
        } else if (!u.Finished()) {
          return Failure("saving order " + p.session_id);
        }
      }
      if (id == 0) return KnownSession(p.session_id);
      // Paid after its reservation ended: the stock is taken again, even below zero (the sale
      // happened; fulfilment sees the shortfall).
      Run r(Q("UPDATE shop_variants SET stock = shop_variants.stock - r.quantity"
              " FROM shop_reservations r WHERE r.order_id = ? AND r.sku = shop_variants.sku"
              " AND r.state = 'released'"),
            {id});
      if (!r.Done()) return Failure("taking the stock of order " + std::to_string(id));
      if (auto m = SetReservations(id, "sold"); !m) return m;
      Run g(Q("INSERT INTO shop_download_grants (order_id, product, email, created, revoked)"
              " SELECT order_id, product, ?, ?, 0 FROM shop_order_lines"
              " WHERE order_id = ? AND sku = '' ORDER BY seq"),
            {p.email, p.at, id});
      if (!g.Done()) return Failure("granting the downloads of order " + std::to_string(id));
      auto order = OrderWhere("WHERE id = ?", id);
      if (!order) return order.error();
      paid = std::move(*order);
      return paid && messages ? QueueMessages(messages(*paid), p.at) : Status{};
    });
    if (!s) return s.error();
    return paid;
  }

  Result<std::optional<Order>> RefundOrder(const std::string& payment_intent,
                                           int64_t now) override {
    std::optional<Order> refunded;
    if (payment_intent.empty()) return refunded;
    Status s = Atomically([&]() -> Status {
      auto order =
          OrderWhere("WHERE payment_intent = ? AND status IN ('paid', 'shipped')", payment_intent);
      if (!order) return order.error();
      if (!order->has_value()) return {};
      Order& o = **order;
      Run u(Q("UPDATE shop_orders SET status = 'refunded', updated = ? WHERE id = ?"), {now, o.id});
      if (!u.Done()) return Failure("saving order " + std::to_string(o.id));
      Run g(Q("UPDATE shop_download_grants SET revoked = 1 WHERE order_id = ?"), {o.id});
      if (!g.Done()) return Failure("revoking the downloads of order " + std::to_string(o.id));
      o.status = "refunded";
      o.updated = now;
      refunded = std::move(o);
      return {};
    });
    if (!s) return s.error();
    return refunded;
  }

  Status ShipOrder(int64_t id, const std::string& tracking, int64_t now) override {
    Run r(Q("UPDATE shop_orders SET status = 'shipped', tracking = ?, updated = ?"
            " WHERE id = ? AND status IN ('paid', 'shipped')"),
          {tracking, now, id});
    if (!r.Done()) return Failure("saving order " + std::to_string(id));
    if (sqlite3_changes(db_) > 0) return {};
    auto order = LoadOrder(id);
    if (!order) return order.error();
    if (!order->has_value()) return NoOrder(std::to_string(id));
    return OrderNotPaid(**order);
  }

  Result<std::vector<Order>> ListOrders(const std::string& status) override {
    std::vector<Order> out;
    {
      Run r(Q(std::string(kOrderColumns) + "WHERE ?1 = '' OR status = ?1 ORDER BY created, id"),
            {status});
      while (r.Row()) out.push_back(OrderFrom(r));
      if (!r.Finished()) return Failure("reading the orders");
    }
    for (Order& o : out) {
      if (auto s = LoadLines(o); !s) return s.error();
    }
    return out;
  }

  Result<std::optional<Order>> LoadOrder(int64_t id) override {
    return OrderWhere("WHERE id = ?", id);
  }

  Result<std::optional<DownloadGrant>> LoadGrant(int64_t id) override {
    Run r(Q("SELECT id, order_id, product, email, created, revoked FROM shop_download_grants"
            " WHERE id = ?"),
          {id});
    if (r.Row()) return std::optional<DownloadGrant>(GrantFrom(r));
    if (!r.Finished()) return Failure("reading download grant " + std::to_string(id));
    return std::optional<DownloadGrant>();
  }

  Result<std::vector<DownloadGrant>> GrantsOf(const std::string& email) override {
    std::vector<DownloadGrant> out;
    Run r(Q("SELECT id, order_id, product, email, created, revoked FROM shop_download_grants"
            " WHERE email = ? ORDER BY created, id"),
          {email});
    while (r.Row()) out.push_back(GrantFrom(r));
    if (!r.Finished()) return Failure("reading the downloads of " + email);
    return out;
  }

 private:
  static DownloadGrant GrantFrom(const Run& r) {
    return DownloadGrant{r.I(0), r.I(1), r.S(2), r.S(3), r.I(4), r.I(5) != 0};
  }

  // The files' facts; their bytes are private media (content/private_media.h). The old `data`
  // column is written empty.
  Status SaveFiles(const Product& p) {
    Run d(Q("DELETE FROM shop_product_files WHERE product = ?"), {p.slug});
    if (!d.Done()) return Failure("saving the files of " + p.slug);
    for (size_t i = 0; i < p.files.size(); ++i) {
      Run r(Q("INSERT INTO shop_product_files (product, seq, name, type, size, data)"
              " VALUES (?, ?, ?, ?, ?, x'')"),
            {p.slug, static_cast<int64_t>(i), p.files[i].name, p.files[i].type, p.files[i].size});
      if (!r.Done()) return Failure("saving " + p.slug + "/" + p.files[i].name);
    }
    return {};
  }

  Status SaveVariants(const Product& p) {
    Run d(Q("DELETE FROM shop_variants WHERE product = ?1 AND sku NOT IN"
            " (SELECT value FROM json_each(?2))"),
          {p.slug, SkuJson(p.variants)});
    if (!d.Done()) return Failure("saving the variants of " + p.slug);
    for (size_t i = 0; i < p.variants.size(); ++i) {
      const ProductVariant& v = p.variants[i];
      Run r(Q("INSERT INTO shop_variants (sku, product, seq, label, stock, declared)"
              " VALUES (?1, ?2, ?3, ?4, ?5, ?5) ON CONFLICT (sku) DO UPDATE SET"
              " product = excluded.product, seq = excluded.seq, label = excluded.label,"
              " stock = CASE WHEN declared = excluded.declared THEN stock ELSE excluded.stock END,"
              " declared = excluded.declared"),
            {v.sku, p.slug, static_cast<int64_t>(i), v.label, v.stock});
      if (!r.Done()) return Failure("saving variant " + v.sku);
    }
    return {};
  }

  Status SaveLine(int64_t order, int64_t seq, const OrderLine& l) {
    Run r(Q("INSERT INTO shop_order_lines (order_id, seq, product, sku, quantity, unit_amount)"
            " VALUES (?, ?, ?, ?, ?, ?)"),
          {order, seq, l.product, l.sku, l.quantity, l.unit_amount});
    if (!r.Done()) return Failure("saving a line of order " + std::to_string(order));
    return {};
  }

  // Takes the line's quantity from its SKU's stock when that much is left, and records it.
  Status Hold(int64_t order, const OrderLine& l, int64_t expires_at) {
    Run u(Q("UPDATE shop_variants SET stock = stock - ?1 WHERE sku = ?2 AND stock >= ?1"),
          {l.quantity, l.sku});
    if (!u.Done()) return Failure("reserving " + l.sku);
    if (sqlite3_changes(db_) == 0) {
      Run k(Q("SELECT stock FROM shop_variants WHERE sku = ?"), {l.sku});
      if (!k.Row()) return k.Finished() ? NoSku(l.sku) : Failure("reading " + l.sku);
      return SoldOut(l.sku, k.I(0));
    }
    Run r(Q("INSERT INTO shop_reservations (order_id, sku, quantity, expires_at, state)"
            " VALUES (?, ?, ?, ?, 'held')"),
          {order, l.sku, l.quantity, expires_at});
    if (!r.Done()) return Failure("reserving " + l.sku);
    return {};
  }

  // An order that has just expired: the stock it held returns.
  Status ReturnStock(int64_t id) {
    Run r(Q("UPDATE shop_variants SET stock = shop_variants.stock + r.quantity"
            " FROM shop_reservations r WHERE r.order_id = ? AND r.sku = shop_variants.sku"
            " AND r.state = 'held'"),
          {id});
    if (!r.Done()) return Failure("returning the stock of order " + std::to_string(id));
    return SetReservations(id, "released");
  }

  // Nothing when an order has the session (it was paid before), else kNotFound.
  Status KnownSession(const std::string& session_id) {
    Run r(Q("SELECT id FROM shop_orders WHERE session_id = ?"), {session_id});
    if (r.Row()) return {};
    if (!r.Finished()) return Failure("reading order " + session_id);
    return NoOrder(session_id);
  }

  Status SetReservations(int64_t order, const char* state) {
    Run r(Q("UPDATE shop_reservations SET state = ? WHERE order_id = ?"),
          {std::string_view(state), order});
    if (!r.Done()) return Failure("saving the reservations of order " + std::to_string(order));
    return {};
  }

  // Into the outbox, in the caller's transaction.
  Status QueueMessages(const Result<std::vector<std::string>>& made, int64_t now) {
    if (!made) return made.error();
    for (const std::string& message : *made) {
      Run r(Q("INSERT INTO mail_outbox (created, next_attempt, attempts, message)"
              " VALUES (?, ?, 0, ?)"),
            {now, now, message});
      if (!r.Done()) return Failure("queueing a message");
    }
    return {};
  }

  template <class Key>
  Result<std::optional<Order>> OrderWhere(const char* where, const Key& key) {
    std::optional<Order> out;
    {
      Run r(Q(std::string(kOrderColumns) + where), {key});
      if (r.Row()) {
        out = OrderFrom(r);
      } else if (!r.Finished()) {
        return Failure("reading an order");
      }
    }
    if (out) {
      if (auto s = LoadLines(*out); !s) return s.error();
    }
    return out;
  }

  Status LoadLines(Order& o) {
    Run r(Q("SELECT product, sku, quantity, unit_amount FROM shop_order_lines WHERE order_id = ?"
            " ORDER BY seq"),
          {o.id});
    while (r.Row()) o.lines.push_back(OrderLine{r.S(0), r.S(1), r.I(2), r.I(3)});
    if (!r.Finished()) return Failure("reading the lines of order " + std::to_string(o.id));
    return {};
  }
};

}  // namespace

Result<std::unique_ptr<ShopStore>> OpenSqliteShopStore(const std::filesystem::path& file,
                                                       const StoreOptions& options) {
  {
    auto content = OpenSqliteContentStore(file, options);  // makes or migrates the schema
    if (!content) return content.error();
  }
  auto db = OpenSqliteConnection(file);
  if (!db) return db.error();
  auto store = std::make_unique<SqliteShopStore>(*db);
  if (auto s = store->InitConnection(); !s) return s.error();
  return std::unique_ptr<ShopStore>(std::move(store));
}

}  // namespace cinepress
