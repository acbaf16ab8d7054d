// Tests only: an online workshop with one session, a joining link and two materials, and a
// free registration for it, for the materials' tests (src/workshops, src/web).
#pragma once

#include <cstdint>
#include <string>

#include "content/workshop_store.h"

namespace cinepress::test_workshop {

inline Workshop Online(int64_t starts) {
  Workshop w;
  w.slug = "writing-about-ozu";
  w.title = "Writing about Ozu";
  w.sessions = {{starts, 120}};
  w.online = true;
  w.joining_link = "https://meet.example.com/ozu";
  w.seats = 5;
  w.currency = "eur";
  w.materials = {"notes.pdf", "recording.mp4"};
  return w;
}

// `status` "free" by default; its reference is unique per address and status.
inline Registration RegistrationFor(const std::string& email, int64_t now,
                                    const std::string& status = "free") {
  Registration r;
  r.workshop = "writing-about-ozu";
  r.reference = "ref-" + email + "-" + status;
  r.status = status;
  r.email = email;
  r.created = now;
  r.expires_at = now + 1800;
  return r;
}

}  // namespace cinepress::test_workshop
