// StaffStore on PostgreSQL: the newsroom's staff, invitations, sessions and recovery codes in the
// same database as the content, on a connection of its own (tables made by the store's
// migrations, src/store/pg_store.cc). Addresses compare as SQLite's COLLATE NOCASE does: ASCII
// letters without case.
#include <optional>

#include "store/engines.h"
#include "store/pg_connection.h"

namespace cinepress {
namespace {

#define CINEPRESS_PG_STAFF                                                                  \
  "SELECT id, email, name, role, password_hash, totp_secret, totp_enabled, totp_last_step," \
  " failed_sign_ins, locked_until, created FROM staff "

StaffMember StaffFrom(const PgRows& r, int row) {
  StaffMember m;
  m.id = r.Int(row, 0);
  m.email = r.Text(row, 1);
  m.name = r.Text(row, 2);
  m.role = r.Text(row, 3);
  m.password_hash = r.Text(row, 4);
  m.totp_secret = r.Bytes(row, 5);
  m.totp_enabled = r.Int(row, 6) != 0;
  m.totp_last_step = r.Int(row, 7);
  m.failed_sign_ins = r.Int(row, 8);
  m.locked_until = r.Int(row, 9);
  m.created = r.Int(row, 10);
  return m;
}

#define CINEPRESS_PG_INTEGRATION \
  "SELECT id, name, role, content_key_hash, admin_key_hash, created FROM integrations "

Integration IntegrationFrom(const PgRows& r, int row) {
  return Integration{r.Int(row, 0),   r.Text(row, 1),  r.Text(row, 2),
                     r.Bytes(row, 3), r.Bytes(row, 4), r.Int(row, 5)};
}

class PgStaffStore final : public StaffStore {
 public:
  explicit PgStaffStore(std::unique_ptr<PgConnection> db) : db_(std::move(db)) {}

  Result<int64_t> InsertStaff(const StaffMember& m) override {
    return PgFirstInt(
        "saving staff member " + m.email,
        db_->Write(
            "INSERT INTO staff (email, name, role, password_hash, totp_secret,"
            " totp_enabled, totp_last_step, failed_sign_ins, locked_until, created)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            {std::string_view(m.email), std::string_view(m.name), std::string_view(m.role),
             std::string_view(m.password_hash), PgBytes{m.totp_secret}, int64_t{m.totp_enabled},
             m.totp_last_step, m.failed_sign_ins, m.locked_until, m.created}));
  }

  Status UpdateStaff(const StaffMember& m) override {
    return PgWrite(
        *db_, "saving staff member " + m.email,
        "UPDATE staff SET email = $1, name = $2, role = $3, password_hash = $4,"
        " totp_secret = $5, totp_enabled = $6, totp_last_step = $7,"
        " failed_sign_ins = $8, locked_until = $9, created = $10 WHERE id = $11",
        {std::string_view(m.email), std::string_view(m.name), std::string_view(m.role),
         std::string_view(m.password_hash), PgBytes{m.totp_secret}, int64_t{m.totp_enabled},
         m.totp_last_step, m.failed_sign_ins, m.locked_until, m.created, m.id});
  }

  Result<std::optional<StaffMember>> FindStaff(const std::string& email) override {
    return FirstOf(
        db_->Query(CINEPRESS_PG_STAFF "WHERE lower(email COLLATE \"C\") = lower($1 COLLATE \"C\")",
                   {std::string_view(email)}),
        "reading a staff member", &StaffFrom);
  }

  Result<std::optional<StaffMember>> LoadStaff(int64_t id) override {
    return FirstOf(db_->Query(CINEPRESS_PG_STAFF "WHERE id = $1", {id}), "reading a staff member",
                   &StaffFrom);
  }

  Result<std::vector<StaffMember>> ListStaff() override {
    return RowsOf(db_->Query(CINEPRESS_PG_STAFF "ORDER BY lower(email COLLATE \"C\"), id"),
                  "reading staff", &StaffFrom);
  }

  Status DeleteStaff(int64_t id) override {
    return PgWrite(*db_, "removing a staff member", "DELETE FROM staff WHERE id = $1", {id});
  }

  Result<int64_t> CountFailedSignIn(int64_t id) override {
    return PgFirstInt(
        "counting a failed sign-in",
        db_->Write("UPDATE staff SET failed_sign_ins = failed_sign_ins + 1 WHERE id = $1"
                   " RETURNING failed_sign_ins",
                   {id}));
  }

  Status InsertInvitation(const StaffInvitation& i) override {
    return PgWrite(*db_, "saving an invitation",
                   "INSERT INTO staff_invitations (token_hash, staff_id, created, expires, used)"
                   " VALUES ($1, $2, $3, $4, $5)",
                   {PgBytes{i.token_hash}, i.staff_id, i.created, i.expires, int64_t{i.used}});
  }

  Result<std::optional<StaffInvitation>> FindInvitation(const std::string& token_hash) override {
    return FirstOf(
        db_->Query("SELECT token_hash, staff_id, created, expires, used FROM staff_invitations"
                   " WHERE token_hash = $1",
                   {PgBytes{token_hash}}),
        "reading an invitation", +[](const PgRows& r, int row) {
          return StaffInvitation{r.Bytes(row, 0), r.Int(row, 1), r.Int(row, 2), r.Int(row, 3),
                                 r.Int(row, 4) != 0};
        });
  }

  Result<bool> UseInvitation(const std::string& token_hash) override {
    auto q = db_->Write(
        "UPDATE staff_invitations SET used = 1 WHERE token_hash = $1 AND used = 0"
        " RETURNING staff_id",
        {PgBytes{token_hash}});
    if (!q) return PgFailure("using an invitation", q.error());
    return q->size() == 1;
  }

  Status InsertSession(const StaffSession& s) override {
    return PgWrite(*db_, "saving a staff session",
                   "INSERT INTO staff_sessions (token_hash, staff_id, created, expires, verified)"
                   " VALUES ($1, $2, $3, $4, $5)",
                   {PgBytes{s.token_hash}, s.staff_id, s.created, s.expires, int64_t{s.verified}});
  }

  Result<std::optional<StaffSession>> FindSession(const std::string& token_hash,
                                                  int64_t now) override {
    return FirstOf(
        db_->Query("SELECT token_hash, staff_id, created, expires, verified FROM staff_sessions"
                   " WHERE token_hash = $1 AND expires > $2",
                   {PgBytes{token_hash}, now}),
        "reading a staff session", +[](const PgRows& r, int row) {
          return StaffSession{r.Bytes(row, 0), r.Int(row, 1), r.Int(row, 2), r.Int(row, 3),
                              r.Int(row, 4) != 0};
        });
  }

  Status VerifySession(const std::string& token_hash) override {
    return PgWrite(*db_, "saving a staff session",
                   "UPDATE staff_sessions SET verified = 1 WHERE token_hash = $1",
                   {PgBytes{token_hash}});
  }

  Status DeleteSession(const std::string& token_hash) override {
    return PgWrite(*db_, "removing a staff session",
                   "DELETE FROM staff_sessions WHERE token_hash = $1", {PgBytes{token_hash}});
  }

  Result<int64_t> DeleteSessions(int64_t staff_id, const std::string& keep) override {
    auto q = db_->Write(
        "DELETE FROM staff_sessions WHERE staff_id = $1 AND token_hash <> $2 RETURNING staff_id",
        {staff_id, PgBytes{keep}});
    if (!q) return PgFailure("removing staff sessions", q.error());
    return static_cast<int64_t>(q->size());
  }

  Status ReplaceRecoveryCodes(int64_t staff_id, const std::vector<std::string>& hashes) override {
    return db_->Atomically([&]() -> Status {
      if (auto s = PgWrite(*db_, "removing recovery codes",
                           "DELETE FROM staff_recovery_codes WHERE staff_id = $1", {staff_id});
          !s) {
        return s;
      }
      for (const std::string& h : hashes) {
        if (auto s =
                PgWrite(*db_, "saving recovery codes",
                        "INSERT INTO staff_recovery_codes (staff_id, code_hash) VALUES ($1, $2)",
                        {staff_id, PgBytes{h}});
            !s) {
          return s;
        }
      }
      return {};
    });
  }

  Result<bool> UseRecoveryCode(int64_t staff_id, const std::string& hash) override {
    auto q = db_->Write(
        "DELETE FROM staff_recovery_codes WHERE staff_id = $1 AND code_hash = $2"
        " RETURNING staff_id",
        {staff_id, PgBytes{hash}});
    if (!q) return PgFailure("using a recovery code", q.error());
    return q->size() == 1;
  }

  Result<int64_t> CountRecoveryCodes(int64_t staff_id) override {
    return PgFirstInt(
        "counting recovery codes",
        db_->Query("SELECT count(*) FROM staff_recovery_codes WHERE staff_id = $1", {staff_id}));
  }

  Result<int64_t> InsertIntegration(const Integration& i) override {
    return PgFirstInt(
        "saving integration " + i.name,
        db_->Write("INSERT INTO integrations (name, role, content_key_hash, admin_key_hash,"
                   " created) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                   {std::string_view(i.name), std::string_view(i.role), PgBytes{i.content_key_hash},
                    PgBytes{i.admin_key_hash}, i.created}));
  }

  Status UpdateIntegration(const Integration& i) override {
    return PgWrite(
        *db_, "saving integration " + i.name,
        "UPDATE integrations SET role = $1, content_key_hash = $2, admin_key_hash = $3"
        " WHERE id = $4",
        {std::string_view(i.role), PgBytes{i.content_key_hash}, PgBytes{i.admin_key_hash}, i.id});
  }

  Result<std::optional<Integration>> FindIntegration(const std::string& name) override {
    return FirstOf(db_->Query(CINEPRESS_PG_INTEGRATION "WHERE name = $1", {std::string_view(name)}),
                   "reading an integration", &IntegrationFrom);
  }

  Result<std::optional<Integration>> FindIntegrationByKey(IntegrationKey kind,
                                                          const std::string& key_hash) override {
    return FirstOf(db_->Query(kind == IntegrationKey::kContent
                                  ? CINEPRESS_PG_INTEGRATION "WHERE content_key_hash = $1"
                                  : CINEPRESS_PG_INTEGRATION "WHERE admin_key_hash = $1",
                              {PgBytes{key_hash}}),
                   "reading an integration", &IntegrationFrom);
  }

  Result<std::vector<Integration>> ListIntegrations() override {
    return RowsOf(db_->Query(CINEPRESS_PG_INTEGRATION "ORDER BY name"), "reading integrations",
                  &IntegrationFrom);
  }

  Status DeleteIntegration(int64_t id) override {
    return PgWrite(*db_, "removing an integration", "DELETE FROM integrations WHERE id = $1", {id});
  }

 private:
  std::unique_ptr<PgConnection> db_;
};

#undef CINEPRESS_PG_STAFF
#undef CINEPRESS_PG_INTEGRATION

}  // namespace

Result<std::unique_ptr<StaffStore>> OpenPgStaffStore(const StoreOptions& options) {
  {
    auto content = OpenPgContentStore(options);  // makes or migrates the schema
    if (!content) return content.error();
  }
  auto db = PgConnection::Open(options.url, options.password);
  if (!db) return db.error();
  return std::unique_ptr<StaffStore>(std::make_unique<PgStaffStore>(std::move(*db)));
}

}  // namespace cinepress
