// StaffStore on SQLite: the newsroom's staff, invitations, sessions and recovery codes in the same
// database file as the content, on a connection of its own (tables made by the store's
// migrations, src/store/sqlite_store.cc).
#include <sqlite3.h>

#include "store/engines.h"
#include "store/open_store.h"
#include "store/sqlite_statement.h"

namespace cinepress {
namespace {

constexpr const char* kStaffColumns =
    "SELECT id, email, name, role, password_hash, totp_secret, totp_enabled, totp_last_step,"
    " failed_sign_ins, locked_until, created FROM staff ";

StaffMember StaffFrom(const Run& r) {
  StaffMember m;
  m.id = r.I(0);
  m.email = r.S(1);
  m.name = r.S(2);
  m.role = r.S(3);
  m.password_hash = r.S(4);
  m.totp_secret = r.B(5);
  m.totp_enabled = r.I(6) != 0;
  m.totp_last_step = r.I(7);
  m.failed_sign_ins = r.I(8);
  m.locked_until = r.I(9);
  m.created = r.I(10);
  return m;
}

constexpr const char* kIntegrationColumns =
    "SELECT id, name, role, content_key_hash, admin_key_hash, created FROM integrations ";

Integration IntegrationFrom(const Run& r) {
  return Integration{r.I(0), r.S(1), r.S(2), r.B(3), r.B(4), r.I(5)};
}

class SqliteStaffStore final : public StaffStore, private SqliteConnection {
 public:
  explicit SqliteStaffStore(sqlite3* db) : SqliteConnection(db) {}
  using SqliteConnection::InitConnection;

  Result<int64_t> InsertStaff(const StaffMember& m) override {
    Run r(
        Q("INSERT INTO staff (email, name, role, password_hash, totp_secret, totp_enabled,"
          " totp_last_step, failed_sign_ins, locked_until, created)"
          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        {m.email, m.name, m.role, m.password_hash, SqlBlob{m.totp_secret}, int64_t{m.totp_enabled},
         m.totp_last_step, m.failed_sign_ins, m.locked_until, m.created});
    if (!r.Done()) return Conflict("saving staff member " + m.email);
    return sqlite3_last_insert_rowid(db_);
  }

  Status UpdateStaff(const StaffMember& m) override {
    Run r(
        Q("UPDATE staff SET email = ?, name = ?, role = ?, password_hash = ?, totp_secret = ?,"
          " totp_enabled = ?, totp_last_step = ?, failed_sign_ins = ?, locked_until = ?,"
          " created = ? WHERE id = ?"),
        {m.email, m.name, m.role, m.password_hash, SqlBlob{m.totp_secret}, int64_t{m.totp_enabled},
         m.totp_last_step, m.failed_sign_ins, m.locked_until, m.created, m.id});
    if (!r.Done()) return Conflict("saving staff member " + m.email);
    return {};
  }

  Result<std::optional<StaffMember>> FindStaff(const std::string& email) override {
    return OneStaff(std::string(kStaffColumns) + "WHERE email = ?", email);
  }

  Result<std::optional<StaffMember>> LoadStaff(int64_t id) override {
    return OneStaff(std::string(kStaffColumns) + "WHERE id = ?", id);
  }

  Result<std::vector<StaffMember>> ListStaff() override {
    std::vector<StaffMember> out;
    Run r(Q(std::string(kStaffColumns) + "ORDER BY lower(email), id"), {});
    while (r.Row()) out.push_back(StaffFrom(r));
    if (!r.Finished()) return Failure("reading staff");
    return out;
  }

  Status DeleteStaff(int64_t id) override {
    Run r(Q("DELETE FROM staff WHERE id = ?"), {id});
    if (!r.Done()) return Failure("removing a staff member");
    return {};
  }

  Result<int64_t> CountFailedSignIn(int64_t id) override {
    Run r(Q("UPDATE staff SET failed_sign_ins = failed_sign_ins + 1 WHERE id = ?"
            " RETURNING failed_sign_ins"),
          {id});
    if (!r.Row()) return Failure("counting a failed sign-in");
    const int64_t n = r.I(0);
    r.Done();
    return n;
  }

  Status InsertInvitation(const StaffInvitation& i) override {
    Run r(Q("INSERT INTO staff_invitations (token_hash, staff_id, created, expires, used)"
            " VALUES (?, ?, ?, ?, ?)"),
          {SqlBlob{i.token_hash}, i.staff_id, i.created, i.expires, int64_t{i.used}});
    if (!r.Done()) return Failure("saving an invitation");
    return {};
  }

  Result<std::optional<StaffInvitation>> FindInvitation(const std::string& token_hash) override {
    Run r(Q("SELECT token_hash, staff_id, created, expires, used FROM staff_invitations"
            " WHERE token_hash = ?"),
          {SqlBlob{token_hash}});
    if (r.Row()) {
      return std::optional<StaffInvitation>(
          StaffInvitation{r.B(0), r.I(1), r.I(2), r.I(3), r.I(4) != 0});
    }
    if (!r.Finished()) return Failure("reading an invitation");
    return std::optional<StaffInvitation>();
  }

  Result<bool> UseInvitation(const std::string& token_hash) override {
    Run r(Q("UPDATE staff_invitations SET used = 1 WHERE token_hash = ? AND used = 0"),
          {SqlBlob{token_hash}});
    if (!r.Done()) return Failure("using an invitation");
    return sqlite3_changes(db_) == 1;
  }

  Status InsertSession(const StaffSession& s) override {
    Run r(Q("INSERT INTO staff_sessions (token_hash, staff_id, created, expires, verified)"
            " VALUES (?, ?, ?, ?, ?)"),
          {SqlBlob{s.token_hash}, s.staff_id, s.created, s.expires, int64_t{s.verified}});
    if (!r.Done()) return Failure("saving a staff session");
    return {};
  }

  Result<std::optional<StaffSession>> FindSession(const std::string& token_hash,
                                                  int64_t now) override {
    Run r(Q("SELECT token_hash, staff_id, created, expires, verified FROM staff_sessions"
            " WHERE token_hash = ? AND expires > ?"),
          {SqlBlob{token_hash}, now});
    if (r.Row()) {
      return std::optional<StaffSession>(StaffSession{r.B(0), r.I(1), r.I(2), r.I(3), r.I(4) != 0});
    }
    if (!r.Finished()) return Failure("reading a staff session");
    return std::optional<StaffSession>();
  }

  Status VerifySession(const std::string& token_hash) override {
    Run r(Q("UPDATE staff_sessions SET verified = 1 WHERE token_hash = ?"), {SqlBlob{token_hash}});
    if (!r.Done()) return Failure("saving a staff session");
    return {};
  }

  Status DeleteSession(const std::string& token_hash) override {
    Run r(Q("DELETE FROM staff_sessions WHERE token_hash = ?"), {SqlBlob{token_hash}});
    if (!r.Done()) return Failure("removing a staff session");
    return {};
  }

  Result<int64_t> DeleteSessions(int64_t staff_id, const std::string& keep) override {
    Run r(Q("DELETE FROM staff_sessions WHERE staff_id = ? AND token_hash <> ?"),
          {staff_id, SqlBlob{keep}});
    if (!r.Done()) return Failure("removing staff sessions");
    return static_cast<int64_t>(sqlite3_changes(db_));
  }

  Status ReplaceRecoveryCodes(int64_t staff_id, const std::vector<std::string>& hashes) override {
    if (auto s = Exec("SAVEPOINT recovery_codes"); !s) return s;
    auto fail = [&](const char* what) {
      Error e = Failure(what);
      (void)Exec("ROLLBACK TO recovery_codes; RELEASE recovery_codes");  // e is the cause
      return e;
    };
    {
      Run r(Q("DELETE FROM staff_recovery_codes WHERE staff_id = ?"), {staff_id});
      if (!r.Done()) return fail("removing recovery codes");
    }
    for (const std::string& h : hashes) {
      Run r(Q("INSERT INTO staff_recovery_codes (staff_id, code_hash) VALUES (?, ?)"),
            {staff_id, SqlBlob{h}});
      if (!r.Done()) return fail("saving recovery codes");
    }
    return Exec("RELEASE recovery_codes");
  }

  Result<bool> UseRecoveryCode(int64_t staff_id, const std::string& hash) override {
    Run r(Q("DELETE FROM staff_recovery_codes WHERE staff_id = ? AND code_hash = ?"),
          {staff_id, SqlBlob{hash}});
    if (!r.Done()) return Failure("using a recovery code");
    return sqlite3_changes(db_) == 1;
  }

  Result<int64_t> CountRecoveryCodes(int64_t staff_id) override {
    Run r(Q("SELECT count(*) FROM staff_recovery_codes WHERE staff_id = ?"), {staff_id});
    if (!r.Row()) return Failure("counting recovery codes");
    return r.I(0);
  }

  Result<int64_t> InsertIntegration(const Integration& i) override {
    Run r(Q("INSERT INTO integrations (name, role, content_key_hash, admin_key_hash, created)"
            " VALUES (?, ?, ?, ?, ?)"),
          {i.name, i.role, SqlBlob{i.content_key_hash}, SqlBlob{i.admin_key_hash}, i.created});
    if (!r.Done()) return Conflict("saving integration " + i.name);
    return sqlite3_last_insert_rowid(db_);
  }

  Status UpdateIntegration(const Integration& i) override {
    Run r(Q("UPDATE integrations SET role = ?, content_key_hash = ?, admin_key_hash = ?"
            " WHERE id = ?"),
          {i.role, SqlBlob{i.content_key_hash}, SqlBlob{i.admin_key_hash}, i.id});
    if (!r.Done()) return Conflict("saving integration " + i.name);
    return {};
  }

  Result<std::optional<Integration>> FindIntegration(const std::string& name) override {
    return OneIntegration(std::string(kIntegrationColumns) + "WHERE name = ?", name);
  }

  Result<std::optional<Integration>> FindIntegrationByKey(IntegrationKey kind,
                                                          const std::string& key_hash) override {
    const char* where = kind == IntegrationKey::kContent ? "WHERE content_key_hash = ?"
                                                         : "WHERE admin_key_hash = ?";
    return OneIntegration(std::string(kIntegrationColumns) + where, SqlBlob{key_hash});
  }

  Result<std::vector<Integration>> ListIntegrations() override {
    std::vector<Integration> out;
    Run r(Q(std::string(kIntegrationColumns) + "ORDER BY name"), {});
    while (r.Row()) out.push_back(IntegrationFrom(r));
    if (!r.Finished()) return Failure("reading integrations");
    return out;
  }

  Status DeleteIntegration(int64_t id) override {
    Run r(Q("DELETE FROM integrations WHERE id = ?"), {id});
    if (!r.Done()) return Failure("removing an integration");
    return {};
  }

 private:
  Result<std::optional<Integration>> OneIntegration(const std::string& sql, SqlValue key) {
    Run r(Q(sql), {key});
    if (r.Row()) return std::optional<Integration>(IntegrationFrom(r));
    if (!r.Finished()) return Failure("reading an integration");
    return std::optional<Integration>();
  }

  Result<std::optional<StaffMember>> OneStaff(const std::string& sql, SqlValue key) {
    Run r(Q(sql), {key});
    if (r.Row()) return std::optional<StaffMember>(StaffFrom(r));
    if (!r.Finished()) return Failure("reading a staff member");
    return std::optional<StaffMember>();
  }

  // A UNIQUE constraint is a conflict the caller can name; anything else is the store's.
  Error Conflict(const std::string& what) const {
    Error e = Failure(what);
    if (sqlite3_extended_errcode(db_) == SQLITE_CONSTRAINT_UNIQUE) e.code = ErrorCode::kConflict;
    return e;
  }
};

}  // namespace

Result<std::unique_ptr<StaffStore>> OpenSqliteStaffStore(const std::filesystem::path& file,
                                                         const StoreOptions& options) {
  {
    auto content = OpenSqliteContentStore(file, options);  // makes or migrates the schema
    if (!content) return content.error();
  }
  auto db = OpenSqliteConnection(file);
  if (!db) return db.error();
  auto store = std::make_unique<SqliteStaffStore>(*db);
  if (auto s = store->InitConnection(); !s) return s.error();
  return std::unique_ptr<StaffStore>(std::move(store));
}

}  // namespace cinepress
