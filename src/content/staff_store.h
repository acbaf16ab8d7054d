// StaffStore: where the newsroom's staff accounts, their invitations, sessions and recovery codes
// live (the role; src/store has it on SQLite and PostgreSQL, in the same database as the content,
// apart from readers' accounts).
//
//   staff member  a person who works in the newsroom, known by an email address (unique without
//                 ASCII case), with one role: contributor, author, editor or admin
//   invitation    a one-time link that lets a new staff member set a password (hash only)
//   session       a signed-in browser: the hash of its cookie's token, until when; `verified` is
//                 false while the second factor is still to be given
//   recovery code a one-time code that stands in for the second factor (hash only)
//   integration   a program that uses the APIs (docs/API.md) under a name, with a role (editor,
//                 author or contributor) and two keys: a Content API key and an Admin API key
//                 (hashes only)
//
// Contract: one instance is used by one thread at a time (open one per thread). Secrets are never
// stored, only their hashes (the callers hash; passwords as libsodium's argon2id strings); the
// TOTP secret, which a verifier needs whole, is stored as the caller sealed it. Sessions and failed
// sign-ins are in the store, so every node of a site sees the same ones.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace cinepress {

struct StaffMember {
  int64_t id = 0;
  std::string email;
  std::string name;
  std::string role;             // "contributor", "author", "editor", "admin"
  std::string password_hash;    // crypto_pwhash_str's string; empty: no password set yet
  std::string totp_secret;      // raw bytes; empty: no second factor enrolled
  bool totp_enabled = false;    // the secret was confirmed with a first code
  int64_t totp_last_step = 0;   // the last TOTP time step accepted (a code is used once)
  int64_t failed_sign_ins = 0;  // wrong passwords or codes since the last good sign-in
  int64_t locked_until = 0;     // Unix seconds; sign-in refused before it
  int64_t created = 0;
};

struct StaffInvitation {
  std::string token_hash;  // raw BLAKE2b of the link's token
  int64_t staff_id = 0;
  int64_t created = 0;
  int64_t expires = 0;
  bool used = false;
};

struct StaffSession {
  std::string token_hash;  // raw BLAKE2b of the cookie's token
  int64_t staff_id = 0;
  int64_t created = 0;
  int64_t expires = 0;
  bool verified = false;  // the second factor was given (or none is needed)
};

struct Integration {
  int64_t id = 0;
  std::string name;              // unique: "ios-app", "zapier"
  std::string role;              // "contributor", "author", "editor"
  std::string content_key_hash;  // raw BLAKE2b of the Content API key
  std::string admin_key_hash;    // raw BLAKE2b of the Admin API key
  int64_t created = 0;
};

// Which of an integration's keys a hash is of.
enum class IntegrationKey { kContent, kAdmin };

class StaffStore {
 public:
  virtual ~StaffStore() = default;

  // Staff. InsertStaff fails with kConflict when the address is taken; UpdateStaff writes every
  // field by id. DeleteStaff removes the row with its invitations, sessions and recovery codes.
  virtual Result<int64_t> InsertStaff(const StaffMember& member) = 0;
  virtual Status UpdateStaff(const StaffMember& member) = 0;
  virtual Result<std::optional<StaffMember>> FindStaff(const std::string& email) = 0;
  virtual Result<std::optional<StaffMember>> LoadStaff(int64_t id) = 0;
  // Every staff member, by address.
  virtual Result<std::vector<StaffMember>> ListStaff() = 0;
  virtual Status DeleteStaff(int64_t id) = 0;
  // Adds one to failed_sign_ins in one statement (two nodes counting at once both count) and
  // returns the new count.
  virtual Result<int64_t> CountFailedSignIn(int64_t id) = 0;

  // Invitations. UseInvitation marks it used and says whether it was unused before (a link
  // opened twice at once is redeemed once).
  virtual Status InsertInvitation(const StaffInvitation& invitation) = 0;
  virtual Result<std::optional<StaffInvitation>> FindInvitation(const std::string& token_hash) = 0;
  virtual Result<bool> UseInvitation(const std::string& token_hash) = 0;

  // Sessions. FindSession answers only a session that expires after `now`.
  virtual Status InsertSession(const StaffSession& session) = 0;
  virtual Result<std::optional<StaffSession>> FindSession(const std::string& token_hash,
                                                          int64_t now) = 0;
  virtual Status VerifySession(const std::string& token_hash) = 0;
  virtual Status DeleteSession(const std::string& token_hash) = 0;
  // Every session of a staff member but `keep` (a password change keeps the browser that made
  // it); returns how many were removed.
  virtual Result<int64_t> DeleteSessions(int64_t staff_id, const std::string& keep) = 0;

  // Recovery codes: ReplaceRecoveryCodes drops the old ones; UseRecoveryCode removes a matching
  // code and says whether there was one.
  virtual Status ReplaceRecoveryCodes(int64_t staff_id, const std::vector<std::string>& hashes) = 0;
  virtual Result<bool> UseRecoveryCode(int64_t staff_id, const std::string& hash) = 0;
  virtual Result<int64_t> CountRecoveryCodes(int64_t staff_id) = 0;

  // Integrations. InsertIntegration fails with kConflict when the name is taken;
  // UpdateIntegration writes the role and both key hashes by id (a rotation); FindIntegrationByKey
  // answers the integration whose key of that kind has this hash.
  virtual Result<int64_t> InsertIntegration(const Integration& integration) = 0;
  virtual Status UpdateIntegration(const Integration& integration) = 0;
  virtual Result<std::optional<Integration>> FindIntegration(const std::string& name) = 0;
  virtual Result<std::optional<Integration>> FindIntegrationByKey(IntegrationKey kind,
                                                                  const std::string& key_hash) = 0;
  // Every integration, by name.
  virtual Result<std::vector<Integration>> ListIntegrations() = 0;
  virtual Status DeleteIntegration(int64_t id) = 0;
};

}  // namespace cinepress
