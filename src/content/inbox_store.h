// InboxStore: where what readers send the editors is kept (the role; src/store has it on SQLite
// and PostgreSQL). The inbox is read by `cinepress inbox` and, later, by the newsroom.
//
//   submission  one message from a stranger: a contact message (/contact/) or a pitch
//               (/contribute/), with the sender's name and address as they typed them, and at
//               most one attached file (a pitch's), kept in the store, never at a public URL
//   status      open (waiting for the editors) or closed
//   reply       what an editor wrote back; it was emailed to the sender and stays in the thread
//
// Contract: one instance is used by one thread at a time. Every field is stored as given (the
// text of strangers): whoever shows it escapes it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace cinepress {

struct Submission {
  int64_t id = 0;
  std::string kind;  // "contact" or "pitch"
  std::string name;
  std::string email;
  std::string subject;  // a pitch's is empty
  std::string message;  // the contact message, or the pitch
  std::string links;    // a pitch's links, one a line
  std::string status = "open";
  int64_t created = 0;
  int64_t updated = 0;  // the last reply or change of status
  std::string ip;       // the client's address, for the editors' judgement of spam
  // The attached file, when there is one (its bytes are read with SubmissionFile).
  std::string file_name;
  std::string file_type;  // a MIME type, found from the content
  int64_t file_size = 0;

  bool operator==(const Submission&) const = default;
};

struct InboxReply {
  int64_t id = 0;
  int64_t submission_id = 0;
  std::string message;
  int64_t created = 0;

  bool operator==(const InboxReply&) const = default;
};

class InboxStore {
 public:
  virtual ~InboxStore() = default;

  // Keeps the submission (its id is ignored) and its file's bytes (none when file_name is
  // empty); the new id.
  virtual Result<int64_t> InsertSubmission(const Submission& submission,
                                           const std::string& file_bytes) = 0;
  // Newest first; only those with `status` when it is not empty.
  virtual Result<std::vector<Submission>> ListSubmissions(const std::string& status) = 0;
  virtual Result<std::optional<Submission>> LoadSubmission(int64_t id) = 0;
  // The attached file's bytes ("" when there is none).
  virtual Result<std::string> SubmissionFile(int64_t id) = 0;
  // kNotFound when there is no such submission.
  virtual Status SetSubmissionStatus(int64_t id, const std::string& status, int64_t now) = 0;
  // Keeps the reply (its id is ignored) and marks the submission updated at reply.created.
  virtual Result<int64_t> InsertReply(const InboxReply& reply) = 0;
  // Oldest first.
  virtual Result<std::vector<InboxReply>> LoadReplies(int64_t submission_id) = 0;
};

}  // namespace cinepress
