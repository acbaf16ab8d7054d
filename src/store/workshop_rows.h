// What both store engines share about the workshops' rows: the fields no query reads, kept as
// one JSON column (`data`), the registration's columns in the order both engines read them, and
// the errors of the WorkshopStore contract.
// Contract: plain functions, thread-safe.
#pragma once

#include <string>

#include "content/workshop_store.h"
#include "core/result.h"

namespace cinepress {

// Every field of `w` but slug, title, seats and seats_left, as JSON.
std::string WorkshopData(const Workshop& w);
// Fills those fields of `w` from WorkshopData's JSON (unknown or missing keys left as they are).
void ReadWorkshopData(const std::string& json, Workshop& w);

// The registration's columns, in this order, for both engines' SELECTs.
#define CINEPRESS_REGISTRATION_FIELDS                                                          \
  "id, workshop, reference, coalesce(session_id, ''), status, email, member_id, name, amount," \
  " currency, payment_intent, created, expires_at, updated"
#define CINEPRESS_REGISTRATION_COLUMNS \
  "SELECT " CINEPRESS_REGISTRATION_FIELDS " FROM workshop_registrations "
#define CINEPRESS_WAITLIST_FIELDS "id, workshop, email, member_id, status, created, offer_expires"
#define CINEPRESS_WAITLIST_COLUMNS "SELECT " CINEPRESS_WAITLIST_FIELDS " FROM workshop_waitlist "

Error NoWorkshop(const std::string& slug);
Error NoRegistration(const std::string& which);
Error WorkshopFull(const std::string& slug);
Error NoOpenOffer(int64_t entry);

}  // namespace cinepress
