// ContentStore on SQLite: the embedded default. One connection per instance; WAL lets many
// readers (build workers, the server) run beside one writer (an import).
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <functional>
#include <nlohmann/json.hpp>

#include "content/search.h"
#include "core/dates.h"
#include "core/text.h"
#include "store/article_rows.h"
#include "store/change_wait.h"
#include "store/engines.h"
#include "store/maintenance.h"
#include "store/media_rows.h"
#include "store/open_store.h"
#include "store/podcast_rows.h"
#include "store/search_plan.h"
#include "store/sqlite_search.h"
#include "store/sqlite_statement.h"

namespace cinepress {
namespace {

using nlohmann::json;

// Schema versions, applied in order; PRAGMA user_version records how many ran.
const char* const kMigrations[] = {
    R"sql(
CREATE TABLE articles (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('article', 'page')),
  section TEXT NOT NULL,
  slug TEXT NOT NULL,
  title TEXT NOT NULL,
  dek TEXT NOT NULL DEFAULT '',
  date INTEGER NOT NULL,
  updated INTEGER NOT NULL DEFAULT 0,
  draft INTEGER NOT NULL DEFAULT 0,
  featured INTEGER NOT NULL DEFAULT 0,
  festival TEXT NOT NULL DEFAULT '',
  meta TEXT NOT NULL,
  body_md TEXT NOT NULL,
  word_count INTEGER NOT NULL DEFAULT 0,
  source_path TEXT,
  source_hash TEXT,
  UNIQUE (kind, section, slug)
);
CREATE UNIQUE INDEX articles_source ON articles (source_path) WHERE source_path IS NOT NULL;
CREATE INDEX articles_date ON articles (date);
CREATE TABLE authors (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL DEFAULT '',
  city TEXT NOT NULL DEFAULT '', handle TEXT NOT NULL DEFAULT '', bio TEXT NOT NULL DEFAULT ''
);
CREATE TABLE sections (
  key TEXT PRIMARY KEY, title TEXT NOT NULL, description TEXT NOT NULL DEFAULT ''
);
CREATE TABLE media_blobs (hash TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE media (
  path TEXT PRIMARY KEY, hash TEXT NOT NULL REFERENCES media_blobs (hash), size INTEGER NOT NULL
);
)sql",
    R"sql(
CREATE TABLE article_aliases (
  article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  section TEXT NOT NULL,
  slug TEXT NOT NULL,
  PRIMARY KEY (kind, section, slug)
);
)sql",
    R"sql(
CREATE TABLE comments (
  article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  source_id TEXT NOT NULL,
  parent_source_id TEXT NOT NULL DEFAULT '',
  author TEXT NOT NULL DEFAULT '',
  author_email TEXT NOT NULL DEFAULT '',
  author_url TEXT NOT NULL DEFAULT '',
  date INTEGER NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL,
  type TEXT NOT NULL DEFAULT 'comment',
  PRIMARY KEY (article_id, source_id)
);
CREATE TABLE terms (
  taxonomy TEXT NOT NULL, slug TEXT NOT NULL, name TEXT NOT NULL,
  parent TEXT NOT NULL DEFAULT '', description TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (taxonomy, slug)
);
CREATE TABLE redirects (
  from_url TEXT PRIMARY KEY,
  article_id INTEGER REFERENCES articles (id) ON DELETE CASCADE,
  to_url TEXT NOT NULL DEFAULT ''
);
CREATE TABLE menus (
  slug TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL DEFAULT '', items TEXT NOT NULL
);
)sql",
    // Newsletters: readers, their subscriptions with consent, issues and the delivery queue
    // (src/store/sqlite_newsletter_store.cc).
    R"sql(
CREATE TABLE subscribers (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name TEXT NOT NULL DEFAULT '',
  created INTEGER NOT NULL,
  suppressed INTEGER NOT NULL DEFAULT 0,
  suppressed_reason TEXT NOT NULL DEFAULT '',
  soft_bounces INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE subscriptions (
  subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
  newsletter TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'confirmed', 'unsubscribed')),
  consent_at INTEGER NOT NULL,
  consent_ip TEXT NOT NULL DEFAULT '',
  consent_form TEXT NOT NULL DEFAULT '',
  confirmed_at INTEGER NOT NULL DEFAULT 0,
  changed_at INTEGER NOT NULL,
  PRIMARY KEY (newsletter, subscriber_id)
) WITHOUT ROWID;
CREATE INDEX subscriptions_subscriber ON subscriptions (subscriber_id);
CREATE TABLE newsletter_issues (
  id INTEGER PRIMARY KEY,
  newsletter TEXT NOT NULL,
  created INTEGER NOT NULL,
  subject TEXT NOT NULL,
  html TEXT NOT NULL,
  text TEXT NOT NULL,
  since INTEGER NOT NULL,
  until INTEGER NOT NULL,
  finished INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX newsletter_issues_newsletter ON newsletter_issues (newsletter, id);
CREATE TABLE newsletter_deliveries (
  issue_id INTEGER NOT NULL REFERENCES newsletter_issues (id) ON DELETE CASCADE,
  subscriber_id INTEGER NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  sent_at INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (issue_id, subscriber_id)
) WITHOUT ROWID;
CREATE INDEX newsletter_deliveries_pending ON newsletter_deliveries (issue_id, subscriber_id)
  WHERE state = 'pending';
CREATE TABLE site_secrets (name TEXT PRIMARY KEY, value BLOB NOT NULL);
)sql",
    // A counter of content changes, so that the live site reloads for content only (a sign-up
    // or a sent newsletter message must not make it assemble the site again).
    R"sql(
CREATE TABLE content_changes (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL);
INSERT INTO content_changes (id, n) VALUES (1, 0);
CREATE TRIGGER articles_insert_counts AFTER INSERT ON articles
  BEGIN UPDATE content_changes SET n = n + 1; END;
CREATE TRIGGER articles_update_counts AFTER UPDATE ON articles
  BEGIN UPDATE content_changes SET n = n + 1; END;
CREATE TRIGGER articles_delete_counts AFTER DELETE ON articles
  BEGIN UPDATE content_changes SET n = n + 1; END;
CREATE TRIGGER article_aliases_insert_counts AFTER INSERT ON article_aliases
  BEGIN UPDATE content_changes SET n = n + 1; END;
CREATE TRIGGER article_aliases_update_counts AFTER UPDATE ON article_aliases
  BEGIN UPDATE content_changes SET n = n + 1; END;
CREATE TRIGGER article_aliases_delete_counts AFTER DELETE ON article_aliases
  BEGIN UPDATE content_changes SET n = n + 1; END;
CREATE TRIGGER authors_insert_counts AFTER INSERT ON authors
  BEGIN UPDATE content_changes SET n = n + 1; END;
CREATE TRIGGER authors_update_counts AFTER UPDATE ON authors
  BEGIN UPDATE content_changes SET n = n + 1; END;
CREATE TRIGGER authors_delete_counts AFTER DELETE ON authors
  BEGIN UPDATE content_changes SET n = n + 1; END;
CREATE TRIGGER sections_insert_counts AFTER INSERT ON sections
  BEGIN UPDATE content_changes SET n = n + 1; END;
CREATE TRIGGER sections_update_counts AFTER UPDATE ON sections
  BEGIN UPDATE content_changes SET n = n + 1; END;
CREATE TRIGGER sections_delete_counts AFTER DELETE ON sections
  BEGIN UPDATE content_changes SET n = n + 1; END;
CREATE TRIGGER media_insert_counts AFTER INSERT ON media
  BEGIN UPDATE content_changes SET n = n + 1; END;
CREATE TRIGGER media_update_counts AFTER UPDATE ON media
  BEGIN UPDATE content_changes SET n = n + 1; END;
CREATE TRIGGER media_delete_counts AFTER DELETE ON media
  BEGIN UPDATE content_changes SET n = n + 1; END;
CREATE TRIGGER media_blobs_insert_counts AFTER INSERT ON media_blobs
  BEGIN UPDATE content_changes SET n = n + 1; END;
CREATE TRIGGER media_blobs_update_counts AFTER UPDATE ON media_blobs
  BEGIN UPDATE content_changes SET n = n + 1; END;
CREATE TRIGGER media_blobs_delete_counts AFTER DELETE ON media_blobs
  BEGIN UPDATE content_changes SET n = n + 1; END;
CREATE TRIGGER comments_insert_counts AFTER INSERT ON comments
  BEGIN UPDATE content_changes SET n = n + 1; END;
CREATE TRIGGER comments_update_counts AFTER UPDATE ON comments
  BEGIN UPDATE content_changes SET n = n + 1; END;
CREATE TRIGGER comments_delete_counts AFTER DELETE ON comments
  BEGIN UPDATE content_changes SET n = n + 1; END;
CREATE TRIGGER terms_insert_counts AFTER INSERT ON terms
  BEGIN UPDATE content_changes SET n = n + 1; END;
CREATE TRIGGER terms_update_counts AFTER UPDATE ON terms
  BEGIN UPDATE content_changes SET n = n + 1; END;
CREATE TRIGGER terms_delete_counts AFTER DELETE ON terms
  BEGIN UPDATE content_changes SET n = n + 1; END;
CREATE TRIGGER redirects_insert_counts AFTER INSERT ON redirects
  BEGIN UPDATE content_changes SET n = n + 1; END;
CREATE TRIGGER redirects_update_counts AFTER UPDATE ON redirects
  BEGIN UPDATE content_changes SET n = n + 1; END;
CREATE TRIGGER redirects_delete_counts AFTER DELETE ON redirects
  BEGIN UPDATE content_changes SET n = n + 1; END;
CREATE TRIGGER menus_insert_counts AFTER INSERT ON menus
  BEGIN UPDATE content_changes SET n = n + 1; END;
CREATE TRIGGER menus_update_counts AFTER UPDATE ON menus
  BEGIN UPDATE content_changes SET n = n + 1; END;
CREATE TRIGGER menus_delete_counts AFTER DELETE ON menus
  BEGIN UPDATE content_changes SET n = n + 1; END;
)sql",
    // Full-text search (content/search.h): one row per article, rowid = articles.id, kept in the
    // same transaction as the article. The "cinepress" tokenizer is registered on every
    // connection (store/sqlite_search.h); prefixes of 3 characters are indexed so that "sta"
    // while typing is fast (a longer prefix reads the few words it starts; each prefix length
    // indexed costs about a fifth of an import). search_docs holds what the filters read, in rows
    // small enough that a search joining thousands of matches stays fast (articles' rows carry
    // their bodies). search_state.rebuild asks Init to index every stored article again (here:
    // those stored before search existed).
    R"sql(
CREATE VIRTUAL TABLE article_search USING fts5(
  title, films, people, dek, body, meta, tokenize = 'cinepress', prefix = '3'
);
CREATE TABLE search_docs (
  id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  section TEXT NOT NULL,
  date INTEGER NOT NULL,
  draft INTEGER NOT NULL,
  authors TEXT NOT NULL
);
CREATE TABLE search_state (rebuild INTEGER NOT NULL);
INSERT INTO search_state (rebuild) VALUES (1);
)sql",
    // Search, second version. The full-text index has no prefix index: a submitted search looks
    // for whole words (and for the start of longer ones only when no article has the word
    // whole), which the index answers at once; each prefix length indexed cost about a fifth of
    // an import. headline_search holds the title, the film's titles and its people again, in a
    // table small enough that its matches, listed first, are found and ranked in no time, and
    // that the search box's suggestions (which match the word being typed as a prefix) read.
    // facets holds words no reader can type, for the filters (store/sqlite_search.h).
    R"sql(
DROP TABLE article_search;
CREATE VIRTUAL TABLE article_search USING fts5(
  title, films, people, dek, body, meta, facets, tokenize = 'cinepress'
);
CREATE VIRTUAL TABLE headline_search USING fts5(
  title, films, people, tokenize = 'cinepress', prefix = '3 4'
);
DELETE FROM search_docs;
UPDATE search_state SET rebuild = 1;
)sql",
    // The outbox of messages sent from the site (confirmation messages): queued in the
    // transaction that asks for them, so that a message is sent even when the process dies first.
    R"sql(
CREATE TABLE mail_outbox (
  id INTEGER PRIMARY KEY,
  created INTEGER NOT NULL,
  next_attempt INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  message TEXT NOT NULL
);
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt);
)sql",
    // Members and the paywall: a section's default access (an article's own is in its meta).
    R"sql(
ALTER TABLE sections ADD COLUMN access TEXT NOT NULL DEFAULT '';
)sql",
    // Members (src/store/sqlite_member_store.cc): accounts, tier grants, sessions and sign-in
    // tokens (hashes only), institutions with their members and monthly usage, private feed
    // tokens. member_changes counts changes to what serve keeps in memory (rights, sessions),
    // kept by triggers like content_changes; sign-in tokens and usage change on every sign-in
    // and page view and do not count.
    R"sql(
CREATE TABLE members (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  labels TEXT NOT NULL DEFAULT '[]',
  created INTEGER NOT NULL,
  stripe_customer_id TEXT NOT NULL DEFAULT '',
  subscribed_to_emails INTEGER NOT NULL DEFAULT 1,
  deleted INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE member_grants (
  id INTEGER PRIMARY KEY,
  member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
  tier TEXT NOT NULL,
  until INTEGER NOT NULL DEFAULT 0,
  source TEXT NOT NULL
    CHECK (source IN ('comp', 'stripe', 'gift', 'institution', 'signup')),
  note TEXT NOT NULL DEFAULT '',
  created INTEGER NOT NULL,
  UNIQUE (member_id, tier, source)
);
CREATE TABLE member_sessions (
  token_hash BLOB PRIMARY KEY,
  member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
  created INTEGER NOT NULL,
  expires INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX member_sessions_member ON member_sessions (member_id);
CREATE TABLE sign_in_tokens (
  id INTEGER PRIMARY KEY,
  link_hash BLOB NOT NULL UNIQUE,
  code_hash BLOB NOT NULL,
  member_id INTEGER NOT NULL DEFAULT 0,
  email TEXT NOT NULL COLLATE NOCASE,
  purpose TEXT NOT NULL CHECK (purpose IN ('sign-in', 'email-change')),
  new_email TEXT NOT NULL DEFAULT '',
  name TEXT NOT NULL DEFAULT '',
  created INTEGER NOT NULL,
  link_expires INTEGER NOT NULL,
  code_expires INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  used INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sign_in_tokens_email ON sign_in_tokens (email, created);
CREATE TABLE institutions (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  slug TEXT NOT NULL UNIQUE,
  tier TEXT NOT NULL,
  seats INTEGER NOT NULL DEFAULT 0,
  until INTEGER NOT NULL DEFAULT 0,
  networks TEXT NOT NULL DEFAULT '[]',
  domains TEXT NOT NULL DEFAULT '[]',
  created INTEGER NOT NULL
);
CREATE TABLE institution_members (
  member_id INTEGER PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
  institution_id INTEGER NOT NULL REFERENCES institutions (id) ON DELETE CASCADE,
  joined INTEGER NOT NULL
);
CREATE INDEX institution_members_institution ON institution_members (institution_id);
CREATE TABLE institution_usage (
  month TEXT NOT NULL,
  institution_id INTEGER NOT NULL REFERENCES institutions (id) ON DELETE CASCADE,
  path TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('view', 'refusal')),
  count INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (month, institution_id, path, kind)
) WITHOUT ROWID;
CREATE INDEX institution_usage_institution ON institution_usage (institution_id);
CREATE TABLE member_feed_tokens (
  token_hash BLOB PRIMARY KEY,
  member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
  created INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX member_feed_tokens_member ON member_feed_tokens (member_id);
CREATE TABLE member_changes (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL);
INSERT INTO member_changes (id, n) VALUES (1, 0);
CREATE TRIGGER members_insert_counts AFTER INSERT ON members
  BEGIN UPDATE member_changes SET n = n + 1; END;
CREATE TRIGGER members_update_counts AFTER UPDATE ON members
  BEGIN UPDATE member_changes SET n = n + 1; END;
CREATE TRIGGER members_delete_counts AFTER DELETE ON members
  BEGIN UPDATE member_changes SET n = n + 1; END;
CREATE TRIGGER member_grants_insert_counts AFTER INSERT ON member_grants
  BEGIN UPDATE member_changes SET n = n + 1; END;
CREATE TRIGGER member_grants_update_counts AFTER UPDATE ON member_grants
  BEGIN UPDATE member_changes SET n = n + 1; END;
CREATE TRIGGER member_grants_delete_counts AFTER DELETE ON member_grants
  BEGIN UPDATE member_changes SET n = n + 1; END;
CREATE TRIGGER member_sessions_insert_counts AFTER INSERT ON member_sessions
  BEGIN UPDATE member_changes SET n = n + 1; END;
CREATE TRIGGER member_sessions_update_counts AFTER UPDATE ON member_sessions
  BEGIN UPDATE member_changes SET n = n + 1; END;
CREATE TRIGGER member_sessions_delete_counts AFTER DELETE ON member_sessions
  BEGIN UPDATE member_changes SET n = n + 1; END;
CREATE TRIGGER institutions_insert_counts AFTER INSERT ON institutions
  BEGIN UPDATE member_changes SET n = n + 1; END;
CREATE TRIGGER institutions_update_counts AFTER UPDATE ON institutions
  BEGIN UPDATE member_changes SET n = n + 1; END;
CREATE TRIGGER institutions_delete_counts AFTER DELETE ON institutions
  BEGIN UPDATE member_changes SET n = n + 1; END;
CREATE TRIGGER institution_members_insert_counts AFTER INSERT ON institution_members
  BEGIN UPDATE member_changes SET n = n + 1; END;
CREATE TRIGGER institution_members_update_counts AFTER UPDATE ON institution_members
  BEGIN UPDATE member_changes SET n = n + 1; END;
CREATE TRIGGER institution_members_delete_counts AFTER DELETE ON institution_members
  BEGIN UPDATE member_changes SET n = n + 1; END;
CREATE TRIGGER member_feed_tokens_insert_counts AFTER INSERT ON member_feed_tokens
  BEGIN UPDATE member_changes SET n = n + 1; END;
CREATE TRIGGER member_feed_tokens_update_counts AFTER UPDATE ON member_feed_tokens
  BEGIN UPDATE member_changes SET n = n + 1; END;
CREATE TRIGGER member_feed_tokens_delete_counts AFTER DELETE ON member_feed_tokens
  BEGIN UPDATE member_changes SET n = n + 1; END;
)sql",
    // The outbox keeps why a message's last try failed, and the messages given up (failed), so
    // that `newsletter status` can show what did not go out and why.
    R"sql(
ALTER TABLE mail_outbox ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
ALTER TABLE mail_outbox ADD COLUMN failed INTEGER NOT NULL DEFAULT 0;
)sql",
    // People's profiles (data/people.yaml): bio, portrait and links as JSON; content, so they
    // count as content changes (the live site shows them).
    R"sql(
CREATE TABLE people (slug TEXT PRIMARY KEY, name TEXT NOT NULL, data TEXT NOT NULL);
CREATE TRIGGER people_insert_counts AFTER INSERT ON people
  BEGIN UPDATE content_changes SET n = n + 1; END;
CREATE TRIGGER people_update_counts AFTER UPDATE ON people
  BEGIN UPDATE content_changes SET n = n + 1; END;
CREATE TRIGGER people_delete_counts AFTER DELETE ON people
  BEGIN UPDATE content_changes SET n = n + 1; END;
)sql",
    // Several senders split one issue: a pending delivery is held by the sender that claimed
    // it (its next_attempt is then the claim's end), so that no other sends it meanwhile.
    R"sql(
ALTER TABLE newsletter_deliveries ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
)sql",
    // Payments (Stripe; store/sqlite_member_store.cc): subscriptions as last applied, the ids of
    // webhook events applied (each once), the price ids `payments sync` made. They do not move
    // member_changes: what readers may read changes through member_grants.
    R"sql(
CREATE TABLE stripe_subscriptions (
  id TEXT PRIMARY KEY,
  member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
  customer TEXT NOT NULL,
  tier TEXT NOT NULL,
  billing_interval TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  amount INTEGER NOT NULL DEFAULT 0,
  currency TEXT NOT NULL DEFAULT '',
  current_period_end INTEGER NOT NULL DEFAULT 0,
  cancel_at_period_end INTEGER NOT NULL DEFAULT 0,
  past_due_since INTEGER NOT NULL DEFAULT 0,
  created INTEGER NOT NULL DEFAULT 0,
  canceled_at INTEGER NOT NULL DEFAULT 0,
  state_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX stripe_subscriptions_member ON stripe_subscriptions (member_id);
CREATE TABLE stripe_events (id TEXT PRIMARY KEY, type TEXT NOT NULL, received INTEGER NOT NULL);
CREATE TABLE stripe_prices (
  tier TEXT NOT NULL,
  billing_interval TEXT NOT NULL,
  price_id TEXT NOT NULL,
  product_id TEXT NOT NULL,
  amount INTEGER NOT NULL,
  currency TEXT NOT NULL,
  PRIMARY KEY (tier, billing_interval)
);
)sql",
    // Podcasts (content/podcast.h): shows and episodes as JSON beside their keys; an episode's
    // GUID is written once, when its row is made, and never updated. Content, so they count
    // as content changes.
    R"sql(
CREATE TABLE podcast_shows (key TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE podcast_episodes (
  show TEXT NOT NULL,
  source TEXT NOT NULL,
  guid TEXT NOT NULL UNIQUE,
  date INTEGER NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (show, source)
);
CREATE TRIGGER podcast_shows_insert_counts AFTER INSERT ON podcast_shows
  BEGIN UPDATE content_changes SET n = n + 1; END;
CREATE TRIGGER podcast_shows_update_counts AFTER UPDATE ON podcast_shows
  BEGIN UPDATE content_changes SET n = n + 1; END;
CREATE TRIGGER podcast_shows_delete_counts AFTER DELETE ON podcast_shows
  BEGIN UPDATE content_changes SET n = n + 1; END;
CREATE TRIGGER podcast_episodes_insert_counts AFTER INSERT ON podcast_episodes
  BEGIN UPDATE content_changes SET n = n + 1; END;
CREATE TRIGGER podcast_episodes_update_counts AFTER UPDATE ON podcast_episodes
  BEGIN UPDATE content_changes SET n = n + 1; END;
CREATE TRIGGER podcast_episodes_delete_counts AFTER DELETE ON podcast_episodes
  BEGIN UPDATE content_changes SET n = n + 1; END;
)sql",
    // The newsroom's staff (src/store/sqlite_staff_store.cc), apart from readers' accounts:
    // accounts with a role, invitations, sessions and recovery codes (hashes only). Not counted
    // by any change counter: nothing keeps staff in memory.
    R"sql(
CREATE TABLE staff (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name TEXT NOT NULL DEFAULT '',
  role TEXT NOT NULL CHECK (role IN ('contributor', 'author', 'editor', 'admin')),
  password_hash TEXT NOT NULL DEFAULT '',
  totp_secret BLOB NOT NULL DEFAULT x'',
  totp_enabled INTEGER NOT NULL DEFAULT 0,
  totp_last_step INTEGER NOT NULL DEFAULT 0,
  failed_sign_ins INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER NOT NULL DEFAULT 0,
  created INTEGER NOT NULL
);
CREATE TABLE staff_invitations (
  token_hash BLOB PRIMARY KEY,
  staff_id INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
  created INTEGER NOT NULL,
  expires INTEGER NOT NULL,
  used INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX staff_invitations_staff ON staff_invitations (staff_id);
CREATE TABLE staff_sessions (
  token_hash BLOB PRIMARY KEY,
  staff_id INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
  created INTEGER NOT NULL,
  expires INTEGER NOT NULL,
  verified INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX staff_sessions_staff ON staff_sessions (staff_id);
CREATE TABLE staff_recovery_codes (
  staff_id INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
  code_hash BLOB NOT NULL,
  PRIMARY KEY (staff_id, code_hash)
) WITHOUT ROWID;
)sql",
    // The inbox (store/*_inbox_store.cc): contact messages and pitches with their attached file
    // (kept here, never at a public URL), and the editors' replies.
    R"sql(
CREATE TABLE inbox_submissions (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  email TEXT NOT NULL,
  subject TEXT NOT NULL DEFAULT '',
  message TEXT NOT NULL,
  links TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'open',
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL,
  ip TEXT NOT NULL DEFAULT '',
  file_name TEXT NOT NULL DEFAULT '',
  file_type TEXT NOT NULL DEFAULT '',
  file_size INTEGER NOT NULL DEFAULT 0,
  file BLOB
);
CREATE INDEX inbox_submissions_status ON inbox_submissions (status, created);
CREATE TABLE inbox_replies (
  id INTEGER PRIMARY KEY,
  submission_id INTEGER NOT NULL REFERENCES inbox_submissions (id) ON DELETE CASCADE,
  message TEXT NOT NULL,
  created INTEGER NOT NULL
);
CREATE INDEX inbox_replies_submission ON inbox_replies (submission_id);
)sql",
    // Media in chunks of 256 KiB (ContentStore::kMediaChunkBytes), so that a large file is read
    // and served a piece at a time; the bytes already stored are cut into chunks here. Chunks
    // move no change counter: the media row that names their hash does. `modified` is when a
    // path was last given different bytes (Last-Modified); files stored before it: now.
    R"sql(
CREATE TABLE media_chunks (
  hash TEXT NOT NULL REFERENCES media_blobs (hash), seq INTEGER NOT NULL, data BLOB NOT NULL,
  PRIMARY KEY (hash, seq)
);
WITH RECURSIVE pieces (hash, seq) AS (
  SELECT hash, 0 FROM media_blobs WHERE length(data) > 0
  UNION ALL
  SELECT p.hash, p.seq + 1 FROM pieces p JOIN media_blobs b ON b.hash = p.hash
  WHERE (p.seq + 1) * 262144 < length(b.data)
)
INSERT INTO media_chunks (hash, seq, data)
  SELECT p.hash, p.seq, substr(b.data, p.seq * 262144 + 1, 262144)
  FROM pieces p JOIN media_blobs b ON b.hash = p.hash;
ALTER TABLE media_blobs DROP COLUMN data;
ALTER TABLE media ADD COLUMN modified INTEGER NOT NULL DEFAULT 0;
UPDATE media SET modified = CAST(strftime('%s', 'now') AS INTEGER);
)sql",
    // Counted downloads of media (podcast episodes), written in batches by every node serving
    // the site; not content (no change counter).
    R"sql(
CREATE TABLE media_downloads (
  id INTEGER PRIMARY KEY, at INTEGER NOT NULL, path TEXT NOT NULL, client TEXT NOT NULL,
  bytes INTEGER NOT NULL
);
CREATE INDEX media_downloads_path ON media_downloads (path, at);
)sql",
    // Donations (store/sqlite_member_store.cc): one row per gift of money, by Stripe's id of
    // the payment (a Checkout Session or a monthly donation's invoice). Not member_changes.
    // A grant's source may be "donation" ([payments] donation_grants_tier): SQLite changes a
    // CHECK by making the table again (its rows, ids and triggers kept).
    R"sql(
CREATE TABLE donations (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  amount INTEGER NOT NULL,
  currency TEXT NOT NULL,
  created INTEGER NOT NULL,
  payment_intent TEXT NOT NULL DEFAULT '',
  subscription TEXT NOT NULL DEFAULT '',
  refunded_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX donations_created ON donations (created);
CREATE INDEX donations_payment_intent ON donations (payment_intent);
CREATE TABLE member_grants_new (
  id INTEGER PRIMARY KEY,
  member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
  tier TEXT NOT NULL,
  until INTEGER NOT NULL DEFAULT 0,
  source TEXT NOT NULL
    CHECK (source IN ('comp', 'stripe', 'gift', 'institution', 'signup', 'donation')),
  note TEXT NOT NULL DEFAULT '',
  created INTEGER NOT NULL,
  UNIQUE (member_id, tier, source)
);
INSERT INTO member_grants_new SELECT id, member_id, tier, until, source, note, created
  FROM member_grants;
DROP TABLE member_grants;
ALTER TABLE member_grants_new RENAME TO member_grants;
CREATE TRIGGER member_grants_insert_counts AFTER INSERT ON member_grants
  BEGIN UPDATE member_changes SET n = n + 1; END;
CREATE TRIGGER member_grants_update_counts AFTER UPDATE ON member_grants
  BEGIN UPDATE member_changes SET n = n + 1; END;
CREATE TRIGGER member_grants_delete_counts AFTER DELETE ON member_grants
  BEGIN UPDATE member_changes SET n = n + 1; END;
)sql",
    // Gift memberships (payments/gifts.h; store/sqlite_member_store.cc): bought for someone,
    // told on a day, redeemed once. Not member_changes (the grant a redemption makes is).
    R"sql(
CREATE TABLE gifts (
  id TEXT PRIMARY KEY,
  tier TEXT NOT NULL,
  months INTEGER NOT NULL,
  amount INTEGER NOT NULL,
  currency TEXT NOT NULL,
  buyer_email TEXT NOT NULL,
  recipient_name TEXT NOT NULL DEFAULT '',
  recipient_email TEXT NOT NULL,
  message TEXT NOT NULL DEFAULT '',
  notify_at INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'sent', 'redeemed', 'void')),
  token_hash BLOB NOT NULL DEFAULT x'',
  payment_intent TEXT NOT NULL DEFAULT '',
  created INTEGER NOT NULL,
  paid_at INTEGER NOT NULL DEFAULT 0,
  sent_at INTEGER NOT NULL DEFAULT 0,
  redeemed_at INTEGER NOT NULL DEFAULT 0,
  redeemed_by INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX gifts_created ON gifts (created);
)sql",
    // The newsroom's revisions of articles: each save's whole article as JSON (`data`), who and
    // when. Not content (no change counter): no page shows them.
    R"sql(
CREATE TABLE article_revisions (
  id INTEGER PRIMARY KEY,
  article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  created INTEGER NOT NULL, author TEXT NOT NULL, action TEXT NOT NULL, data TEXT NOT NULL
);
CREATE INDEX article_revisions_article ON article_revisions (article_id, id);
)sql",
    // The shop (issue #14): products imported from content/shop/, their files (an ebook's, kept
    // here, never at a public URL), variants with the stock left to sell (`declared`: the count
    // the file last gave), orders and their lines, the stock a pending order holds, and the
    // downloads a paid order grants.
    R"sql(
CREATE TABLE shop_products (
  slug TEXT PRIMARY KEY, kind TEXT NOT NULL, title TEXT NOT NULL, summary TEXT NOT NULL,
  body TEXT NOT NULL, price INTEGER NOT NULL, currency TEXT NOT NULL, image TEXT NOT NULL,
  image_alt TEXT NOT NULL, free_for TEXT NOT NULL, ship_to TEXT NOT NULL, shipping TEXT NOT NULL
);
CREATE TABLE shop_product_files (
  product TEXT NOT NULL REFERENCES shop_products (slug) ON DELETE CASCADE, seq INTEGER NOT NULL,
  name TEXT NOT NULL, type TEXT NOT NULL, size INTEGER NOT NULL, data BLOB NOT NULL,
  PRIMARY KEY (product, name)
);
CREATE TABLE shop_variants (
  sku TEXT PRIMARY KEY, product TEXT NOT NULL REFERENCES shop_products (slug) ON DELETE CASCADE,
  seq INTEGER NOT NULL, label TEXT NOT NULL, stock INTEGER NOT NULL, declared INTEGER NOT NULL
);
CREATE INDEX shop_variants_product ON shop_variants (product, seq);
CREATE TABLE shop_orders (
  id INTEGER PRIMARY KEY, reference TEXT NOT NULL UNIQUE, session_id TEXT, status TEXT NOT NULL,
  email TEXT NOT NULL, member_id INTEGER NOT NULL, currency TEXT NOT NULL,
  amount_total INTEGER NOT NULL, payment_intent TEXT NOT NULL, shipping_name TEXT NOT NULL,
  shipping_address TEXT NOT NULL, tracking TEXT NOT NULL, created INTEGER NOT NULL,
  expires_at INTEGER NOT NULL, updated INTEGER NOT NULL
);
CREATE UNIQUE INDEX shop_orders_session ON shop_orders (session_id);
CREATE INDEX shop_orders_status ON shop_orders (status, expires_at);
CREATE INDEX shop_orders_payment ON shop_orders (payment_intent);
CREATE TABLE shop_order_lines (
  order_id INTEGER NOT NULL REFERENCES shop_orders (id) ON DELETE CASCADE, seq INTEGER NOT NULL,
  product TEXT NOT NULL, sku TEXT NOT NULL, quantity INTEGER NOT NULL,
  unit_amount INTEGER NOT NULL, PRIMARY KEY (order_id, seq)
);
CREATE TABLE shop_reservations (
  order_id INTEGER NOT NULL REFERENCES shop_orders (id) ON DELETE CASCADE, sku TEXT NOT NULL,
  quantity INTEGER NOT NULL, expires_at INTEGER NOT NULL, state TEXT NOT NULL,
  PRIMARY KEY (order_id, sku)
);
CREATE TABLE shop_download_grants (
  id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES shop_orders (id) ON DELETE CASCADE,
  product TEXT NOT NULL, email TEXT NOT NULL, created INTEGER NOT NULL, revoked INTEGER NOT NULL
);
CREATE INDEX shop_download_grants_email ON shop_download_grants (email);
)sql",
    // Sends the newsroom scheduled (store/*_newsletter_store.cc): one per newsletter.
    R"sql(
CREATE TABLE newsletter_schedules (
  newsletter TEXT PRIMARY KEY, send_at INTEGER NOT NULL, scheduled_by TEXT NOT NULL,
  created INTEGER NOT NULL
);
)sql",
    // Podcast episodes in the search index (store/podcast_rows.h): search_docs no longer
    // references articles (an episode's id is not an article's); an episode's row names its show
    // and source. Made again and indexed again, episodes with the articles.
    R"sql(
CREATE TABLE search_docs_new (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  section TEXT NOT NULL,
  date INTEGER NOT NULL,
  draft INTEGER NOT NULL,
  authors TEXT NOT NULL,
  show TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT ''
);
DROP TABLE search_docs;
ALTER TABLE search_docs_new RENAME TO search_docs;
CREATE UNIQUE INDEX search_docs_episode ON search_docs (show, source) WHERE kind = 'episode';
DELETE FROM article_search;
DELETE FROM headline_search;
UPDATE search_state SET rebuild = 1;
)sql",
    // Workshops and masterclasses (issue #20; store/*_workshop_store.cc): each imported from
    // content/workshops/ (the fields no query reads kept as JSON in `data`), the seats no one
    // holds (`seats_left`, taken by one conditional UPDATE), registrations, the waitlist with
    // its offers, and the reminders sent (one row each: sent once).
    R"sql(
CREATE TABLE workshops (
  slug TEXT PRIMARY KEY, title TEXT NOT NULL, seats INTEGER NOT NULL,
  seats_left INTEGER NOT NULL, cancelled INTEGER NOT NULL DEFAULT 0, data TEXT NOT NULL
);
CREATE TABLE workshop_registrations (
  id INTEGER PRIMARY KEY, workshop TEXT NOT NULL REFERENCES workshops (slug) ON DELETE CASCADE,
  reference TEXT NOT NULL UNIQUE, session_id TEXT, status TEXT NOT NULL, email TEXT NOT NULL,
  member_id INTEGER NOT NULL, name TEXT NOT NULL, amount INTEGER NOT NULL,
  currency TEXT NOT NULL, payment_intent TEXT NOT NULL, created INTEGER NOT NULL,
  expires_at INTEGER NOT NULL, updated INTEGER NOT NULL
);
CREATE UNIQUE INDEX workshop_registrations_session ON workshop_registrations (session_id);
CREATE INDEX workshop_registrations_workshop ON workshop_registrations (workshop, id);
CREATE INDEX workshop_registrations_email ON workshop_registrations (email);
CREATE INDEX workshop_registrations_status ON workshop_registrations (status, expires_at);
CREATE TABLE workshop_waitlist (
  id INTEGER PRIMARY KEY, workshop TEXT NOT NULL REFERENCES workshops (slug) ON DELETE CASCADE,
  email TEXT NOT NULL, member_id INTEGER NOT NULL, status TEXT NOT NULL,
  created INTEGER NOT NULL, offer_expires INTEGER NOT NULL, UNIQUE (workshop, email)
);
CREATE INDEX workshop_waitlist_status ON workshop_waitlist (status, id);
CREATE TABLE workshop_reminders (
  registration INTEGER NOT NULL REFERENCES workshop_registrations (id) ON DELETE CASCADE,
  session INTEGER NOT NULL, kind TEXT NOT NULL, PRIMARY KEY (registration, session, kind)
);
)sql",
    // The newsroom's media library (issue #15): an uploaded file's alt text, caption, credit,
    // uploader and what libvips found. Not content (no change counter).
    R"sql(
CREATE TABLE media_details (
  path TEXT PRIMARY KEY, alt TEXT NOT NULL, caption TEXT NOT NULL, credit TEXT NOT NULL,
  uploader TEXT NOT NULL, type TEXT NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL,
  uploaded INTEGER NOT NULL
);
)sql",
    // What a refund or a dispute finds a membership by (payments/billing.h): each payment of an
    // invoice (its payment intent or charge, and the invoice's own id) with the subscription and
    // the period it paid, since a charge does not name its invoice in Stripe's current API; and
    // on the subscription, the end of a period whose payment was refunded or disputed (no access
    // through it). Not member_changes (the grants a refund changes are).
    R"sql(
CREATE TABLE stripe_payments (
  payment TEXT PRIMARY KEY,
  invoice TEXT NOT NULL,
  subscription TEXT NOT NULL DEFAULT '',
  period_end INTEGER NOT NULL DEFAULT 0,
  created INTEGER NOT NULL
);
ALTER TABLE stripe_subscriptions ADD COLUMN revoked_through INTEGER NOT NULL DEFAULT 0;
)sql",
    // The live shop's stock: a variant that sells out (or comes back) moves the content change
    // counter, so `serve` re-assembles and its product pages say "sold out" at once; other stock
    // changes do not (the pages show only whether a variant is in stock).
    R"sql(
CREATE TRIGGER shop_variants_sold_out AFTER UPDATE OF stock ON shop_variants
  WHEN (OLD.stock > 0) <> (NEW.stock > 0)
  BEGIN UPDATE content_changes SET n = n + 1; END;
)sql",
    // The APIs' integrations (src/store/sqlite_staff_store.cc, docs/API.md): a name, a role and
    // the hashes of its two keys. Not content (no change counter).
    R"sql(
CREATE TABLE integrations (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('contributor', 'author', 'editor')),
  content_key_hash BLOB NOT NULL UNIQUE,
  admin_key_hash BLOB NOT NULL UNIQUE,
  created INTEGER NOT NULL
);
)sql",
    // Webhooks' outbox (docs/API.md): one row per delivery, queued in the change's transaction,
    // kept after delivery (or giving up) as the delivery log. Not content (no change counter).
    R"sql(
CREATE TABLE webhook_deliveries (
  id INTEGER PRIMARY KEY,
  delivery_id TEXT NOT NULL UNIQUE,
  event TEXT NOT NULL,
  url TEXT NOT NULL,
  payload TEXT NOT NULL,
  created INTEGER NOT NULL,
  next_attempt INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
  last_error TEXT NOT NULL DEFAULT '',
  finished INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt);
)sql",
    // The newsroom's film records (FilmEdit: the facts it sets as JSON, and the record it was
    // merged into), by the slug of the record the articles make; content (the live site shows
    // them).
    R"sql(
CREATE TABLE film_records (slug TEXT PRIMARY KEY, data TEXT NOT NULL, updated INTEGER NOT NULL);
CREATE TRIGGER film_records_insert_counts AFTER INSERT ON film_records
  BEGIN UPDATE content_changes SET n = n + 1; END;
CREATE TRIGGER film_records_update_counts AFTER UPDATE ON film_records
  BEGIN UPDATE content_changes SET n = n + 1; END;
CREATE TRIGGER film_records_delete_counts AFTER DELETE ON film_records
  BEGIN UPDATE content_changes SET n = n + 1; END;
)sql",
    // The newsroom's person records (PersonEdit: sort name, bio, portrait, links as JSON),
    // by the slug of the person's page; content.
    R"sql(
CREATE TABLE person_records (slug TEXT PRIMARY KEY, data TEXT NOT NULL, updated INTEGER NOT NULL);
CREATE TRIGGER person_records_insert_counts AFTER INSERT ON person_records
  BEGIN UPDATE content_changes SET n = n + 1; END;
CREATE TRIGGER person_records_update_counts AFTER UPDATE ON person_records
  BEGIN UPDATE content_changes SET n = n + 1; END;
CREATE TRIGGER person_records_delete_counts AFTER DELETE ON person_records
  BEGIN UPDATE content_changes SET n = n + 1; END;
)sql",
    // Readers' comments written on the site (docs/NEWSROOM.md): who wrote one (0: imported), and
    // the moderation queue's and a member's first comment's look-ups.
    R"sql(
ALTER TABLE comments ADD COLUMN member_id INTEGER NOT NULL DEFAULT 0;
CREATE INDEX comments_by_status ON comments (status, date);
CREATE INDEX comments_by_member ON comments (member_id, status);
)sql",
    // A workshop's seats left are shown on its page and on /workshops/: a registration, an
    // expiry or a cancellation (each an UPDATE of `seats_left`) and an import are content
    // changes, so that `serve` assembles the site again and re-renders just those pages (their
    // fingerprints hold the seats left).
    R"sql(
CREATE TRIGGER workshops_insert_counts AFTER INSERT ON workshops
  BEGIN UPDATE content_changes SET n = n + 1; END;
CREATE TRIGGER workshops_update_counts AFTER UPDATE ON workshops
  BEGIN UPDATE content_changes SET n = n + 1; END;
CREATE TRIGGER workshops_delete_counts AFTER DELETE ON workshops
  BEGIN UPDATE content_changes SET n = n + 1; END;
)sql",
    // The full-text tables keep up to 64 MiB of new words in memory (FTS5's default: 1 MiB)
    // before writing them out as a segment of the index, so that an import of the whole archive
    // writes a few large segments instead of a hundred small ones merged again and again.
    // Transactions that write a few articles (the newsroom, `serve`) write at their commit as
    // before. Kept in each table's own configuration (FTS5's `%_config`).
    R"sql(
INSERT INTO article_search (article_search, rank) VALUES ('hashsize', 67108864);
INSERT INTO headline_search (headline_search, rank) VALUES ('hashsize', 67108864);
)sql",
    // An article's body goes last in its row. SQLite keeps what does not fit in a page in a
    // chain of overflow pages, and a column after the body (word_count, source_path,
    // source_hash) is read by walking that chain: loading every article without its body (an
    // import's comparison, a build) read every body too. The column is dropped (the rows are
    // rewritten in place: no row is deleted, so no ON DELETE CASCADE runs) and added again at
    // the end, its text put back from a table kept for the move.
    R"sql(
CREATE TABLE article_bodies_moving AS SELECT id, body_md FROM articles;
ALTER TABLE articles DROP COLUMN body_md;
ALTER TABLE articles ADD COLUMN body_md TEXT NOT NULL DEFAULT '';
UPDATE articles SET body_md = m.body_md FROM article_bodies_moving m WHERE m.id = articles.id;
DROP TABLE article_bodies_moving;
)sql",
};

// A prepared statement; reset on destruction so it can be reused.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) {
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s_, nullptr) != SQLITE_OK) {
      s_ = nullptr;
    }
  }
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  sqlite3_stmt* get() const { return s_; }

 private:
  sqlite3_stmt* s_ = nullptr;
};

class SqliteSearchIndex;

#define CINEPRESS_WEBHOOK_COLUMNS                                                              \
  "id, delivery_id, event, url, payload, created, next_attempt, attempts, status, last_error," \
  " finished"

class SqliteStore final : public SqliteMirrorStore {
 public:
  SqliteStore(sqlite3* db, std::function<std::string(std::string_view)> markdown_to_text,
              std::function<std::string(std::string_view)> html_to_text, bool search_index,
              bool keep_ids)
      : db_(db),
        markdown_to_text_(std::move(markdown_to_text)),
        html_to_text_(std::move(html_to_text)),
        search_index_(search_index),
        keep_ids_(keep_ids) {}
  ~SqliteStore() override {
    stmts_.clear();
    sqlite3_close_v2(db_);
  }

  Status Init() {
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);
    if (RegisterSearchTokenizer(db_) != SQLITE_OK) return Failure("registering the search words");
    for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL",
                               "PRAGMA foreign_keys=ON", "PRAGMA temp_store=MEMORY"}) {
      if (auto s = Exec(pragma); !s) return s;
    }
    int64_t version = 0;
    {
      Use q(Prepare("PRAGMA user_version"));
      if (q.Step() == SQLITE_ROW) version = q.Int(0);
    }
    const int64_t target = static_cast<int64_t>(std::size(kMigrations));
    if (version > target) {
      return Failure("the database was made by a newer cinepress (schema " +
                     std::to_string(version) + ")");
    }
    if (version < target) {
      if (auto s = Exec("BEGIN IMMEDIATE"); !s) return s;
      for (int64_t v = version; v < target; ++v) {
        if (auto s = Exec(kMigrations[v]); !s) {
          (void)Exec("ROLLBACK");
          return s;
        }
      }
      if (auto s = Exec("PRAGMA user_version=" + std::to_string(target)); !s) return s;
      if (auto s = Exec("COMMIT"); !s) return s;
      // A migration that rewrote a table (moving articles' bodies rewrote them all) leaves the
      // pages it freed in the file; when they are a quarter of it, the file is made again
      // without them, once, through a temporary file (not in memory: the copy is as large as
      // the store). A failure (a reader in the way, no room for the copy) only leaves the file
      // as large: SQLite reuses free pages.
      int64_t pages = 0, free_pages = 0;
      {
        Use q(
            Prepare("SELECT (SELECT page_count FROM pragma_page_count),"
                    " (SELECT freelist_count FROM pragma_freelist_count)"));
        if (q.Step() == SQLITE_ROW) {
          pages = q.Int(0);
          free_pages = q.Int(1);
        }
      }
      if (free_pages > 0 && free_pages * 4 >= pages) {
        (void)Exec("PRAGMA temp_store=FILE; VACUUM");
        if (auto s = Exec("PRAGMA temp_store=MEMORY"); !s) return s;
      }
    }
    return search_index_ ? RebuildSearchIndexIfAsked() : Status{};
  }

  Status BeginTransaction() override { return Exec("BEGIN IMMEDIATE"); }
  // SQLite's write-ahead log writes every page twice (into the log, then into the file at a
  // checkpoint, read back from the log) and suits small transactions; SQLite's own advice for
  // one of a hundred megabytes is a rollback journal, which keeps only the old content of the
  // pages it changes, nothing for pages added at the end of the file. Importing the corpus's
  // 10,000 articles wrote 1.37 GB and read 0.84 GB for a 310 MB store through the log. The
  // switch needs the store to itself (every connection in WAL mode holds a shared lock on the
  // file), so it is tried without waiting: with `serve` or a build reading, the transaction
  // goes through the log as any other. The log comes back at the transaction's end (or, if
  // that fails, when a connection next opens the store).
  Status BeginBulkTransaction() override {
    sqlite3_busy_timeout(db_, 0);
    {
      Use q(Prepare("PRAGMA journal_mode=DELETE"));
      bulk_journal_ = q.Step() == SQLITE_ROW && q.Text(0) == "delete";
    }
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);
    Status begun = BeginTransaction();
    if (!begun) (void)AfterBulkTransaction();
    return begun;
  }
  Status Commit() override {
    if (auto s = IndexDeferred(); !s) return s;
    if (auto s = Exec("COMMIT"); !s) return s;
    return AfterBulkTransaction();
  }
  Status Rollback() override {
    deferred_index_.clear();
    Status s = Exec("ROLLBACK");
    (void)AfterBulkTransaction();
    return s;
  }

  Result<std::vector<Article>> LoadArticles(bool with_bodies) override {
    std::vector<Article> out;
    const char* sql =
        with_bodies ? "SELECT id, kind, section, slug, title, dek, date, updated, draft, featured,"
                      " festival, meta, word_count, source_path, source_hash, body_md"
                      " FROM articles ORDER BY id"
                    : "SELECT id, kind, section, slug, title, dek, date, updated, draft, featured,"
                      " festival, meta, word_count, source_path, source_hash"
                      " FROM articles ORDER BY id";
    std::vector<std::string> metas;  // read on every core once all rows are in
    {
      Use count(Prepare("SELECT count(*) FROM articles"));
      if (count.Step() == SQLITE_ROW) {
        out.reserve(static_cast<size_t>(count.Int(0)));
        metas.reserve(out.capacity());
      }
    }
    Use q(Prepare(sql));
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) {
      // Made where it stays: an article is large, and a move would touch its memory twice.
      Article& a = out.emplace_back();
      a.id = q.Int(0);
      a.kind = q.Text(1) == "page" ? ArticleKind::kPage : ArticleKind::kArticle;
      a.section = q.Text(2);
      a.slug = q.Text(3);
      a.title = q.Text(4);
      a.dek = q.Text(5);
      a.date = q.Int(6);
      a.updated = q.Int(7);
      a.draft = q.Int(8) != 0;
      a.featured = q.Int(9) != 0;
      a.festival = q.Text(10);
      metas.push_back(q.Text(11));
      a.word_count = static_cast<size_t>(q.Int(12));
      a.source_path = q.Text(13);
      a.source_hash = q.Text(14);
      if (with_bodies) a.body_markdown = q.Text(15);
    }
    if (rc != SQLITE_DONE) return Failure("loading articles");
    if (auto failed = ReadMetas(out, metas)) return Failure(*failed);
    return out;
  }

  Result<std::string> LoadBody(int64_t id) override {
    Use q(Prepare("SELECT body_md FROM articles WHERE id = ?"));
    q.Bind(1, id);
    if (q.Step() != SQLITE_ROW) {
      return Error{ErrorCode::kNotFound, "no article " + std::to_string(id), {}, 0, {}};
    }
    return q.Text(0);
  }

  using ContentStore::SaveArticle;
  SearchText PrepareSearchText(const Article& a) const override {
    if (!search_index_) return {};
    SearchText t = MakeSearchText(a, markdown_to_text_, html_to_text_);
    t.body_words = AnalysedWords(t.body);
    t.dek_words = AnalysedWords(t.dek);
    return t;
  }
  Result<SearchText> LoadSearchText(int64_t id) override {
    SearchText t;
    if (!search_index_) return t;
    if (auto s = IndexDeferred(); !s) return s.error();
    // Read from FTS5's own content table (columns c0… in article_search's order: dek is c3,
    // body c4), not through the virtual table: a build reads every article's text twice, and
    // this way costs a third as much.
    Use q(Prepare("SELECT c4, c3 FROM article_search_content WHERE id = ?"));
    q.Bind(1, id);
    int rc = q.Step();
    if (rc == SQLITE_ROW) {
      t.body = q.Text(0);
      t.dek = q.Text(1);
    } else if (rc != SQLITE_DONE) {
      return Failure("reading an article's search text");
    }
    return t;
  }
  Result<int64_t> SaveArticle(const Article& a, const SearchText* prepared) override {
    const char* sql =
        a.id == 0 ? "INSERT INTO articles (kind, section, slug, title, dek, date, updated, draft,"
                    " featured, festival, meta, body_md, word_count, source_path, source_hash)"
                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"
        : keep_ids_
            ? "INSERT INTO articles (kind, section, slug, title, dek, date, updated, draft,"
              " featured, festival, meta, body_md, word_count, source_path, source_hash, id)"
              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
            : "UPDATE articles SET kind = ?1, section = ?2, slug = ?3, title = ?4, dek = ?5,"
              " date = ?6, updated = ?7, draft = ?8, featured = ?9, festival = ?10, meta = ?11,"
              " body_md = ?12, word_count = ?13, source_path = ?14, source_hash = ?15"
              " WHERE id = ?16";
    Use q(Prepare(sql));
    q.Bind(1, a.kind == ArticleKind::kPage ? "page" : "article")
        .Bind(2, a.section)
        .Bind(3, a.slug)
        .Bind(4, a.title)
        .Bind(5, a.dek)
        .Bind(6, a.date)
        .Bind(7, a.updated)
        .Bind(8, int64_t{a.draft})
        .Bind(9, int64_t{a.featured})
        .Bind(10, a.festival)
        .Bind(11, ToMeta(a).dump())
        .BindStatic(12, a.body_markdown)
        .Bind(13, static_cast<int64_t>(a.word_count))
        .Bind(14, a.source_path)
        .Bind(15, a.source_hash);
    if (a.id != 0) q.Bind(16, a.id);
    if (q.Step() != SQLITE_DONE) return Failure("saving article \"" + a.slug + "\"");
    int64_t id = a.id != 0 ? a.id : sqlite3_last_insert_rowid(db_);
    if (search_index_ && prepared != nullptr && !sqlite3_get_autocommit(db_)) {
      // Indexed with the next rows (IndexDeferred): SQLite opens a statement savepoint for each
      // write into the articles table (its triggers), and FTS5 writes the words it holds in
      // memory out as a new segment of the index at every savepoint, so that indexing each
      // article right after its row made one segment per article, merged again and again.
      Article saved = a;
      saved.id = id;
      deferred_index_.emplace_back(std::move(saved), *prepared);
      if (deferred_index_.size() < kDeferredIndexRows) return id;
      if (auto s = IndexDeferred(); !s) return s.error();
      return id;
    }
    if (auto s = search_index_ ? IndexArticle(id, a, prepared) : MarkSearchIndexStale(); !s) {
      return s.error();
    }
    return id;
  }

  Status DeleteArticle(int64_t id) override {
    Use q(Prepare("DELETE FROM articles WHERE id = ?"));
    q.Bind(1, id);
    if (q.Step() != SQLITE_DONE) return Failure("deleting article");
    return search_index_ ? UnindexArticle(id) : MarkSearchIndexStale();
  }

  Result<SearchResults> Search(const SearchQuery& query) override;

  Result<std::vector<ArticleAlias>> LoadAliases() override {
    std::vector<ArticleAlias> out;
    Use q(Prepare("SELECT article_id, kind, section, slug FROM article_aliases ORDER BY 2, 3, 4"));
    while (q.Step() == SQLITE_ROW) {
      out.push_back(ArticleAlias{q.Int(0),
                                 q.Text(1) == "page" ? ArticleKind::kPage : ArticleKind::kArticle,
                                 q.Text(2), q.Text(3)});
    }
    return out;
  }

  Status SaveAlias(const ArticleAlias& a) override {
    // The newest owner of an old address wins it.
    Use q(Prepare(
        "INSERT INTO article_aliases (article_id, kind, section, slug) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (kind, section, slug) DO UPDATE SET article_id = excluded.article_id"));
    q.Bind(1, a.article_id)
        .Bind(2, a.kind == ArticleKind::kPage ? "page" : "article")
        .Bind(3, a.section)
        .Bind(4, a.slug);
    if (q.Step() != SQLITE_DONE) return Failure("saving an old address of an article");
    return {};
  }

  Result<int64_t> DataVersion() override {
    Use q(Prepare("SELECT n FROM content_changes"));
    if (q.Step() != SQLITE_ROW) return Failure("reading the data version");
    return q.Int(0);
  }

  Result<bool> WaitForChange(std::chrono::milliseconds timeout) override {
    return changes_.Wait([this] { return DataVersion(); }, timeout);
  }

  Status Ping() override {
    Use q(Prepare("SELECT count(*) FROM sqlite_schema"));
    if (q.Step() != SQLITE_ROW) return Failure("reading the store");
    return {};
  }

  Result<int64_t> SaveRevision(const ArticleRevision& r) override {
    Use q(
        Prepare("INSERT INTO article_revisions (article_id, created, author, action, data)"
                " VALUES (?, ?, ?, ?, ?)"));
    q.Bind(1, r.article_id)
        .Bind(2, r.created)
        .Bind(3, r.author)
        .Bind(4, r.action)
        .Bind(5, ArticleToRevisionData(r.article));
    if (q.Step() != SQLITE_DONE)
      return Failure("saving a revision of article " + std::to_string(r.article_id));
    return sqlite3_last_insert_rowid(db_);
  }

  Result<std::vector<ArticleRevision>> LoadRevisions(int64_t article_id) override {
    std::vector<ArticleRevision> out;
    Use q(
        Prepare("SELECT id, created, author, action FROM article_revisions"
                " WHERE article_id = ? ORDER BY id DESC"));
    q.Bind(1, article_id);
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) {
      ArticleRevision r;
      r.id = q.Int(0);
      r.article_id = article_id;
      r.created = q.Int(1);
      r.author = q.Text(2);
      r.action = q.Text(3);
      out.push_back(std::move(r));
    }
    if (rc != SQLITE_DONE) return Failure("loading revisions");
    return out;
  }

  Result<int64_t> QueueWebhook(const WebhookDelivery& d) override {
    Use q(Prepare(
        "INSERT INTO webhook_deliveries (delivery_id, event, url, payload, created, next_attempt,"
        " attempts, status, last_error, finished) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    q.Bind(1, d.delivery_id)
        .Bind(2, d.event)
        .Bind(3, d.url)
        .Bind(4, d.payload)
        .Bind(5, d.created)
        .Bind(6, d.next_attempt)
        .Bind(7, d.attempts)
        .Bind(8, d.status)
        .Bind(9, d.last_error)
        .Bind(10, d.finished);
    if (q.Step() != SQLITE_DONE) return Failure("queueing a webhook delivery");
    return sqlite3_last_insert_rowid(db_);
  }

  Result<std::vector<WebhookDelivery>> ClaimWebhooks(int64_t now, int64_t lease_until,
                                                     size_t limit) override {
    Use q(
        Prepare("UPDATE webhook_deliveries SET next_attempt = ? WHERE id IN (SELECT id FROM"
                " webhook_deliveries WHERE status = 'pending' AND next_attempt <= ? ORDER BY id"
                " LIMIT ?) RETURNING " CINEPRESS_WEBHOOK_COLUMNS));
    q.Bind(1, lease_until).Bind(2, now).Bind(3, static_cast<int64_t>(limit));
    auto rows = WebhookRows(q, "claiming webhook deliveries");
    if (rows) {  // RETURNING promises no order
      std::sort(rows->begin(), rows->end(),
                [](const WebhookDelivery& a, const WebhookDelivery& b) { return a.id < b.id; });
    }
    return rows;
  }

  Status FinishWebhook(const WebhookDelivery& d) override {
    Use q(
        Prepare("UPDATE webhook_deliveries SET status = ?, attempts = ?, next_attempt = ?,"
                " last_error = ?, finished = ? WHERE id = ?"));
    q.Bind(1, d.status)
        .Bind(2, d.attempts)
        .Bind(3, d.next_attempt)
        .Bind(4, d.last_error)
        .Bind(5, d.finished)
        .Bind(6, d.id);
    if (q.Step() != SQLITE_DONE) return Failure("saving a webhook delivery");
    return {};
  }

  Result<std::vector<WebhookDelivery>> ListWebhookDeliveries(size_t limit) override {
    Use q(Prepare("SELECT " CINEPRESS_WEBHOOK_COLUMNS
                  " FROM webhook_deliveries ORDER BY id DESC LIMIT ?"));
    q.Bind(1, static_cast<int64_t>(limit));
    return WebhookRows(q, "reading webhook deliveries");
  }

  Result<int64_t> CancelWebhooks(const std::string& prefix) override {
    Use q(
        Prepare("DELETE FROM webhook_deliveries WHERE status = 'pending'"
                " AND substr(delivery_id, 1, ?) = ?"));
    q.Bind(1, static_cast<int64_t>(prefix.size())).Bind(2, prefix);
    if (q.Step() != SQLITE_DONE) return Failure("cancelling webhook deliveries");
    return static_cast<int64_t>(sqlite3_changes(db_));
  }

  Result<std::vector<WebhookDelivery>> WebhookRows(Use& q, const char* what) {
    std::vector<WebhookDelivery> out;
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) {
      out.push_back(WebhookDelivery{q.Int(0), q.Text(1), q.Text(2), q.Text(3), q.Text(4), q.Int(5),
                                    q.Int(6), q.Int(7), q.Text(8), q.Text(9), q.Int(10)});
    }
    if (rc != SQLITE_DONE) return Failure(what);
    return out;
  }

  Result<ArticleRevision> LoadRevision(int64_t id) override {
    Use q(
        Prepare("SELECT article_id, created, author, action, data FROM article_revisions"
                " WHERE id = ?"));
    q.Bind(1, id);
    if (q.Step() != SQLITE_ROW)
      return MakeError(ErrorCode::kNotFound, "no revision " + std::to_string(id));
    ArticleRevision r;
    r.id = id;
    r.article_id = q.Int(0);
    r.created = q.Int(1);
    r.author = q.Text(2);
    r.action = q.Text(3);
    auto a = ArticleFromRevisionData(q.Text(4), id);
    if (!a) return a.error();
    r.article = std::move(*a);
    return r;
  }

  Result<std::vector<Author>> LoadAuthors() override {
    std::vector<Author> out;
    Use q(Prepare("SELECT id, name, role, city, handle, bio FROM authors ORDER BY id"));
    while (q.Step() == SQLITE_ROW) {
      out.push_back(Author{q.Text(0), q.Text(1), q.Text(2), q.Text(3), q.Text(4), q.Text(5)});
    }
    return out;
  }

  Status SaveAuthor(const Author& a) override {
    std::string old_name;
    {
      Use q(Prepare("SELECT name FROM authors WHERE id = ?"));
      q.Bind(1, a.id);
      if (q.Step() == SQLITE_ROW) old_name = q.Text(0);
    }
    const bool renamed = !old_name.empty() && old_name != a.name;
    // A new name is searched at once: the writer's articles are indexed again with it, in the
    // same transaction (a savepoint makes one when there is none).
    if (renamed && search_index_) {
      return InSavepoint([&]() -> Status {
        if (auto s = SaveAuthorRow(a); !s) return s;
        return ReindexArticlesOf(*this, a.id, [this](const Article& x, const SearchText& t) {
          return IndexArticle(x.id, x, &t);
        });
      });
    }
    return SaveAuthorRow(a);
  }

  Status SaveAuthorRow(const Author& a) {
    Use q(
        Prepare("INSERT INTO authors (id, name, role, city, handle, bio) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role,"
                " city = excluded.city, handle = excluded.handle, bio = excluded.bio"));
    q.Bind(1, a.id)
        .Bind(2, a.name)
        .Bind(3, a.role)
        .Bind(4, a.city)
        .Bind(5, a.handle)
        .Bind(6, a.bio);
    if (q.Step() != SQLITE_DONE) return Failure("saving author \"" + a.id + "\"");
    return {};
  }

  Result<std::vector<PersonProfile>> LoadPeople() override {
    std::vector<PersonProfile> out;
    Use q(Prepare("SELECT slug, name, data FROM people ORDER BY slug"));
    while (q.Step() == SQLITE_ROW) {
      PersonProfile p;
      p.slug = q.Text(0);
      p.name = q.Text(1);
      json data = json::parse(q.Text(2), nullptr, false);
      if (!data.is_discarded()) ReadProfileJson(data, p.bio, p.portrait, p.links);
      out.push_back(std::move(p));
    }
    return out;
  }

  Status SavePerson(const PersonProfile& p) override {
    Use q(
        Prepare("INSERT INTO people (slug, name, data) VALUES (?, ?, ?) ON CONFLICT (slug)"
                " DO UPDATE SET name = excluded.name, data = excluded.data"));
    q.Bind(1, p.slug).Bind(2, p.name).Bind(3, ProfileJson(p.bio, p.portrait, p.links).dump());
    if (q.Step() != SQLITE_DONE) return Failure("saving the person \"" + p.slug + "\"");
    return {};
  }

  Status DeletePerson(const std::string& slug) override {
    Use q(Prepare("DELETE FROM people WHERE slug = ?"));
    q.Bind(1, slug);
    if (q.Step() != SQLITE_DONE) return Failure("removing the person \"" + slug + "\"");
    return {};
  }

  Result<std::vector<Section>> LoadSections() override {
    std::vector<Section> out;
    Use q(Prepare("SELECT key, title, description, access FROM sections ORDER BY key"));
    while (q.Step() == SQLITE_ROW) {
      out.push_back(Section{q.Text(0), q.Text(1), q.Text(2), q.Text(3)});
    }
    return out;
  }

  Status SaveSection(const Section& s) override {
    Use q(
        Prepare("INSERT INTO sections (key, title, description, access) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET title = excluded.title,"
                " description = excluded.description, access = excluded.access"));
    q.Bind(1, s.key).Bind(2, s.title).Bind(3, s.description).Bind(4, s.access);
    if (q.Step() != SQLITE_DONE) return Failure("saving section \"" + s.key + "\"");
    return {};
  }

  Result<std::vector<MediaFile>> LoadMediaList() override {
    std::vector<MediaFile> out;
    Use q(Prepare("SELECT path, hash, size, modified FROM media ORDER BY path"));
    while (q.Step() == SQLITE_ROW) {
      out.push_back(MediaFile{q.Text(0), q.Text(1), q.Int(2), q.Int(3)});
    }
    return out;
  }

  Result<MediaFile> LoadMediaFile(const std::string& path) override {
    Use q(Prepare("SELECT path, hash, size, modified FROM media WHERE path = ?"));
    q.Bind(1, path);
    if (q.Step() != SQLITE_ROW) return NoMediaFile(path);
    return MediaFile{q.Text(0), q.Text(1), q.Int(2), q.Int(3)};
  }

  Result<std::string> LoadMediaData(const std::string& path) override {
    auto file = LoadMediaFile(path);
    if (!file) return file.error();
    std::string data;
    data.reserve(static_cast<size_t>(file->size));
    Use q(Prepare("SELECT data FROM media_chunks WHERE hash = ? ORDER BY seq"));
    q.Bind(1, file->hash);
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) data += q.Blob(0);
    if (rc != SQLITE_DONE) return Failure("loading media \"" + path + "\"");
    return data;
  }

  Result<std::string> ReadMedia(const std::string& hash, int64_t offset, size_t max) override {
    if (offset < 0) return std::string();
    const int64_t chunk = static_cast<int64_t>(kMediaChunkBytes);
    Use q(Prepare("SELECT data FROM media_chunks WHERE hash = ? AND seq = ?"));
    q.Bind(1, hash).Bind(2, offset / chunk);
    if (q.Step() != SQLITE_ROW) {
      // Past the end (empty), or content that is gone.
      Use known(Prepare("SELECT 1 FROM media_blobs WHERE hash = ?"));
      known.Bind(1, hash);
      if (known.Step() != SQLITE_ROW) return NoMediaContent(hash);
      return std::string();
    }
    return SliceOfChunk(q.Blob(0), static_cast<size_t>(offset % chunk), max);
  }

  Status SaveMediaFrom(const std::string& path, std::istream& in) override {
    MediaStreamReader bytes(in, path);
    if (auto s = bytes.Measure(); !s) return s;
    return InSavepoint([&] { return SaveMediaRows(path, bytes); });
  }

  Status SaveMediaRows(const std::string& path, MediaStreamReader& bytes) {
    const std::string& hash = bytes.hash();
    {
      Use q(Prepare("INSERT INTO media_blobs (hash) VALUES (?) ON CONFLICT DO NOTHING"));
      q.Bind(1, hash);
      if (q.Step() != SQLITE_DONE) return Failure("saving media \"" + path + "\"");
    }
    const bool fresh = sqlite3_changes(db_) > 0;  // new content: its chunks
    for (int64_t seq = 0; fresh; ++seq) {
      auto chunk = bytes.Next();
      if (!chunk) return chunk.error();
      if (chunk->empty()) break;
      Use q(Prepare("INSERT INTO media_chunks (hash, seq, data) VALUES (?, ?, ?)"));
      q.Bind(1, hash).Bind(2, seq).BindBlob(3, *chunk);
      if (q.Step() != SQLITE_DONE) return Failure("saving media \"" + path + "\"");
    }
    std::string old_hash;
    {
      Use q(Prepare("SELECT hash FROM media WHERE path = ?"));
      q.Bind(1, path);
      if (q.Step() == SQLITE_ROW) old_hash = q.Text(0);
    }
    if (old_hash == hash) return {};  // the same bytes: not modified
    {
      Use q(
          Prepare("INSERT INTO media (path, hash, size, modified) VALUES (?, ?, ?, ?)"
                  " ON CONFLICT (path) DO UPDATE SET hash = excluded.hash,"
                  " size = excluded.size, modified = excluded.modified"));
      q.Bind(1, path).Bind(2, hash).Bind(3, bytes.size()).Bind(4, NowSeconds());
      if (q.Step() != SQLITE_DONE) return Failure("saving media \"" + path + "\"");
    }
    if (!old_hash.empty()) return DropBlobIfUnused(old_hash);
    return {};
  }

  Status DeleteMedia(const std::string& path) override {
    std::string hash;
    {
      Use q(Prepare("SELECT hash FROM media WHERE path = ?"));
      q.Bind(1, path);
      if (q.Step() == SQLITE_ROW) hash = q.Text(0);
    }
    if (hash.empty()) return {};
    {
      Use q(Prepare("DELETE FROM media WHERE path = ?"));
      q.Bind(1, path);
      if (q.Step() != SQLITE_DONE) return Failure("deleting media \"" + path + "\"");
    }
    return DropBlobIfUnused(hash);
  }

  Result<std::vector<MediaDetails>> LoadMediaDetails() override {
    std::vector<MediaDetails> out;
    Use q(
        Prepare("SELECT path, alt, caption, credit, uploader, type, width, height, uploaded"
                " FROM media_details ORDER BY uploaded DESC, path"));
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) {
      out.push_back(MediaDetails{q.Text(0), q.Text(1), q.Text(2), q.Text(3), q.Text(4), q.Text(5),
                                 q.Int(6), q.Int(7), q.Int(8)});
    }
    if (rc != SQLITE_DONE) return Failure("loading the media library");
    return out;
  }

  Status SaveMediaDetails(const MediaDetails& d) override {
    Use q(
        Prepare("INSERT INTO media_details (path, alt, caption, credit, uploader, type, width,"
                " height, uploaded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (path) DO"
                " UPDATE SET alt = excluded.alt, caption = excluded.caption, credit ="
                " excluded.credit, uploader = excluded.uploader, type = excluded.type, width ="
                " excluded.width, height = excluded.height, uploaded = excluded.uploaded"));
    q.Bind(1, d.path)
        .Bind(2, d.alt)
        .Bind(3, d.caption)
        .Bind(4, d.credit)
        .Bind(5, d.uploader)
        .Bind(6, d.type)
        .Bind(7, d.width)
        .Bind(8, d.height)
        .Bind(9, d.uploaded);
    if (q.Step() != SQLITE_DONE) return Failure("saving the details of \"" + d.path + "\"");
    return {};
  }

  Status DeleteMediaDetails(const std::string& path) override {
    Use q(Prepare("DELETE FROM media_details WHERE path = ?"));
    q.Bind(1, path);
    if (q.Step() != SQLITE_DONE) return Failure("deleting the details of \"" + path + "\"");
    return {};
  }

  Status SaveDownloads(const std::vector<MediaDownload>& downloads) override {
    return InSavepoint([&]() -> Status {
      for (const MediaDownload& d : downloads) {
        Use q(Prepare("INSERT INTO media_downloads (at, path, client, bytes) VALUES (?, ?, ?, ?)"));
        q.Bind(1, d.at).Bind(2, d.path).Bind(3, d.client).Bind(4, d.bytes);
        if (q.Step() != SQLITE_DONE) return Failure("saving downloads");
      }
      return {};
    });
  }

  Result<std::vector<MediaDownload>> LoadDownloads(const std::string& path_prefix) override {
    std::vector<MediaDownload> out;
    Use q(
        Prepare("SELECT at, path, client, bytes FROM media_downloads"
                " WHERE substr(path, 1, length(?1)) = ?1 ORDER BY at, id"));
    q.Bind(1, path_prefix);
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) {
      out.push_back(MediaDownload{q.Int(0), q.Text(1), q.Text(2), q.Int(3)});
    }
    if (rc != SQLITE_DONE) return Failure("loading downloads");
    return out;
  }

#define CINEPRESS_SELECT_COMMENTS                                                                 \
  "SELECT article_id, source_id, parent_source_id, author, author_email, author_url, date, body," \
  " status, type, member_id FROM comments "
  Result<std::vector<Comment>> LoadComments() override {
    return ReadComments(CINEPRESS_SELECT_COMMENTS "ORDER BY article_id, date, source_id", 0);
  }

  Result<std::vector<Comment>> LoadCommentsOf(int64_t article_id) override {
    return ReadComments(CINEPRESS_SELECT_COMMENTS "WHERE article_id = ?1 ORDER BY date, source_id",
                        article_id);
  }

  Result<std::vector<Comment>> LoadCommentsWithStatus(const std::string& status,
                                                      size_t limit) override {
    Use q(Prepare(CINEPRESS_SELECT_COMMENTS
                  "WHERE status = ?1 AND type = 'comment' ORDER BY date DESC, source_id LIMIT ?2"));
    q.Bind(1, status).Bind(2, static_cast<int64_t>(limit));
    return CommentRows(q, {});
  }

  Result<std::vector<Comment>> LoadCommentsOfMember(int64_t member_id, size_t limit) override {
    Use q(Prepare(CINEPRESS_SELECT_COMMENTS
                  "WHERE member_id = ?1 AND status <> 'spam' ORDER BY date DESC, source_id"
                  " LIMIT ?2"));
    q.Bind(1, member_id).Bind(2, static_cast<int64_t>(limit));
    return CommentRows(q, {});
  }

  Result<Comment> LoadComment(int64_t article_id, const std::string& source_id) override {
    Use q(Prepare(CINEPRESS_SELECT_COMMENTS "WHERE article_id = ?1 AND source_id = ?2"));
    q.Bind(1, article_id).Bind(2, source_id);
    auto rows = CommentRows(q, {});
    if (!rows) return rows.error();
    if (rows->empty()) return NoComment(source_id);
    return std::move(rows->front());
  }
#undef CINEPRESS_SELECT_COMMENTS

  Status SetCommentStatus(int64_t article_id, const std::string& source_id,
                          const std::string& status) override {
    Use q(Prepare("UPDATE comments SET status = ?1 WHERE article_id = ?2 AND source_id = ?3"));
    q.Bind(1, status).Bind(2, article_id).Bind(3, source_id);
    if (q.Step() != SQLITE_DONE) return Failure("saving comment \"" + source_id + "\"");
    if (sqlite3_changes(db_) == 0) return NoComment(source_id);
    return {};
  }

  Status DeleteComment(int64_t article_id, const std::string& source_id) override {
    Use q(Prepare("DELETE FROM comments WHERE article_id = ?1 AND source_id = ?2"));
    q.Bind(1, article_id).Bind(2, source_id);
    if (q.Step() != SQLITE_DONE) return Failure("deleting comment \"" + source_id + "\"");
    if (sqlite3_changes(db_) == 0) return NoComment(source_id);
    return {};
  }

  Result<int64_t> CountComments(const std::string& status, int64_t member_id) override {
    Use q(
        Prepare("SELECT count(*) FROM comments WHERE status = ?1 AND type = 'comment'"
                " AND (?2 = 0 OR member_id = ?2)"));
    q.Bind(1, status).Bind(2, member_id);
    if (q.Step() != SQLITE_ROW) return Failure("counting comments");
    return q.Int(0);
  }

  Result<std::vector<std::pair<int64_t, std::string>>> CommentStamps() override {
    std::vector<std::pair<int64_t, std::string>> out;
    Use q(Prepare(
        "SELECT article_id, count(*) || ':' || sum(date) || ':' || sum(length(body)) || ':' ||"
        " max(source_id) || ':' || min(source_id) FROM comments"
        " WHERE status = 'approved' AND type = 'comment' GROUP BY article_id ORDER BY article_id"));
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) out.emplace_back(q.Int(0), q.Text(1));
    if (rc != SQLITE_DONE) return Failure("reading comments");
    return out;
  }

  Result<int64_t> QueueMail(const std::string& message, int64_t now) override {
    Use q(
        Prepare("INSERT INTO mail_outbox (created, next_attempt, attempts, message)"
                " VALUES (?1, ?1, 0, ?2)"));
    q.Bind(1, now).Bind(2, message);
    if (q.Step() != SQLITE_DONE) return Failure("queueing a message");
    return sqlite3_last_insert_rowid(db_);
  }

  Status SaveComment(const Comment& c) override {
    Use q(Prepare(
        "INSERT INTO comments (article_id, source_id, parent_source_id, author, author_email,"
        " author_url, date, body, status, type, member_id)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
        " ON CONFLICT (article_id, source_id) DO UPDATE SET parent_source_id = ?3, author = ?4,"
        " author_email = ?5, author_url = ?6, date = ?7, body = ?8, status = ?9, type = ?10,"
        " member_id = ?11"));
    q.Bind(1, c.article_id)
        .Bind(2, c.source_id)
        .Bind(3, c.parent_source_id)
        .Bind(4, c.author)
        .Bind(5, c.author_email)
        .Bind(6, c.author_url)
        .Bind(7, c.date)
        .Bind(8, c.body)
        .Bind(9, c.status)
        .Bind(10, c.type)
        .Bind(11, c.member_id);
    if (q.Step() != SQLITE_DONE) return Failure("saving comment \"" + c.source_id + "\"");
    return {};
  }

  Result<std::vector<Term>> LoadTerms() override {
    std::vector<Term> out;
    Use q(Prepare("SELECT taxonomy, slug, name, parent, description FROM terms ORDER BY 1, 2"));
    while (q.Step() == SQLITE_ROW) {
      out.push_back(Term{q.Text(0), q.Text(1), q.Text(2), q.Text(3), q.Text(4)});
    }
    return out;
  }

  Status SaveTerm(const Term& t) override {
    Use q(Prepare(
        "INSERT INTO terms (taxonomy, slug, name, parent, description) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (taxonomy, slug) DO UPDATE SET name = excluded.name,"
        " parent = excluded.parent, description = excluded.description"));
    q.Bind(1, t.taxonomy).Bind(2, t.slug).Bind(3, t.name).Bind(4, t.parent).Bind(5, t.description);
    if (q.Step() != SQLITE_DONE) return Failure("saving term \"" + t.slug + "\"");
    return {};
  }

  Result<std::vector<UrlRedirect>> LoadRedirects() override {
    std::vector<UrlRedirect> out;
    Use q(Prepare("SELECT from_url, coalesce(article_id, 0), to_url FROM redirects ORDER BY 1"));
    while (q.Step() == SQLITE_ROW) out.push_back(UrlRedirect{q.Text(0), q.Int(1), q.Text(2)});
    return out;
  }

  Status SaveRedirect(const UrlRedirect& r) override {
    Use q(
        Prepare("INSERT INTO redirects (from_url, article_id, to_url) VALUES (?, ?, ?)"
                " ON CONFLICT (from_url) DO UPDATE SET article_id = excluded.article_id,"
                " to_url = excluded.to_url"));
    q.Bind(1, r.from);
    if (r.article_id != 0) q.Bind(2, r.article_id);
    q.Bind(3, r.to);
    if (q.Step() != SQLITE_DONE) return Failure("saving redirect \"" + r.from + "\"");
    return {};
  }

  Result<std::vector<StoredMenu>> LoadMenus() override {
    std::vector<StoredMenu> out;
    Use q(Prepare("SELECT slug, name, role, items FROM menus ORDER BY slug"));
    while (q.Step() == SQLITE_ROW) {
      auto items = json::parse(q.Text(3), nullptr, /*allow_exceptions=*/false);
      out.push_back(StoredMenu{q.Text(0), q.Text(1), q.Text(2), MenuFromJson(items)});
    }
    return out;
  }

  Status SaveMenu(const StoredMenu& m) override {
    Use q(
        Prepare("INSERT INTO menus (slug, name, role, items) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (slug) DO UPDATE SET name = excluded.name, role = excluded.role,"
                " items = excluded.items"));
    q.Bind(1, m.slug).Bind(2, m.name).Bind(3, m.role).Bind(4, MenuToJson(m.items).dump());
    if (q.Step() != SQLITE_DONE) return Failure("saving menu \"" + m.slug + "\"");
    return {};
  }

  Result<std::vector<PodcastShow>> LoadPodcastShows() override {
    std::vector<PodcastShow> out;
    Use q(Prepare("SELECT key, data FROM podcast_shows ORDER BY key"));
    while (q.Step() == SQLITE_ROW) {
      auto show = ReadPodcastShowData(q.Text(1));
      if (!show) return Failure("podcast show \"" + q.Text(0) + "\": bad data");
      out.push_back(std::move(*show));
    }
    return out;
  }

  Status SavePodcastShow(const PodcastShow& show) override {
    Use q(
        Prepare("INSERT INTO podcast_shows (key, data) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET data = excluded.data"));
    return InSavepoint([&]() -> Status {
      q.Bind(1, show.key).Bind(2, PodcastShowData(show));
      if (q.Step() != SQLITE_DONE) return Failure("saving the podcast \"" + show.key + "\"");
      // Its title and who may hear it are part of every episode's search row.
      return search_index_ ? IndexEpisodesOf(show.key) : MarkSearchIndexStale();
    });
  }

  Status DeletePodcastShow(const std::string& key) override {
    return InSavepoint([&]() -> Status {
      for (const char* sql : {"DELETE FROM podcast_episodes WHERE show = ?",
                              "DELETE FROM podcast_shows WHERE key = ?"}) {
        Use q(Prepare(sql));
        q.Bind(1, key);
        if (q.Step() != SQLITE_DONE) return Failure("removing the podcast \"" + key + "\"");
      }
      return search_index_ ? UnindexEpisodes(key, "") : MarkSearchIndexStale();
    });
  }

  Result<std::vector<PodcastEpisode>> LoadPodcastEpisodes() override {
    std::vector<PodcastEpisode> out;
    Use q(
        Prepare("SELECT show, source, guid, data FROM podcast_episodes"
                " ORDER BY show, date, source"));
    while (q.Step() == SQLITE_ROW) {
      auto e = ReadPodcastEpisodeData(q.Text(3));
      if (!e) return Failure("podcast episode \"" + q.Text(0) + "/" + q.Text(1) + "\": bad data");
      e->show = q.Text(0);
      e->source = q.Text(1);
      e->guid = q.Text(2);
      out.push_back(std::move(*e));
    }
    return out;
  }

  Result<std::string> SavePodcastEpisode(const PodcastEpisode& e) override {
    const std::string what = "saving the podcast episode \"" + e.show + "/" + e.source + "\"";
    if (e.guid.empty()) return Failure(what + ": no GUID");
    Use q(
        Prepare("INSERT INTO podcast_episodes (show, source, guid, date, data)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (show, source) DO UPDATE SET"
                " date = excluded.date, data = excluded.data RETURNING guid"));
    q.Bind(1, e.show).Bind(2, e.source).Bind(3, e.guid).Bind(4, e.date);
    q.Bind(5, PodcastEpisodeData(e));
    std::string guid;
    auto s = InSavepoint([&]() -> Status {
      if (q.Step() != SQLITE_ROW) return Failure(what);
      guid = q.Text(0);
      if (q.Step() != SQLITE_DONE) return Failure(what);
      return search_index_ ? IndexEpisode(e) : MarkSearchIndexStale();
    });
    if (!s) return s.error();
    return guid;
  }

  Status SaveEpisodeUnder(const PodcastEpisode& e, int64_t search_id) override {
    episode_search_id_ = search_id;
    auto saved = SavePodcastEpisode(e);
    episode_search_id_ = 0;
    if (!saved) return saved.error();
    return {};
  }

  Status DeletePodcastEpisode(const std::string& show, const std::string& source) override {
    return InSavepoint([&]() -> Status {
      Use q(Prepare("DELETE FROM podcast_episodes WHERE show = ? AND source = ?"));
      q.Bind(1, show).Bind(2, source);
      if (q.Step() != SQLITE_DONE)
        return Failure("removing the podcast episode " + show + "/" + source);
      return search_index_ ? UnindexEpisodes(show, source) : MarkSearchIndexStale();
    });
  }

 private:
  friend class SqliteSearchIndex;
  Status IndexArticle(int64_t id, const Article& a, const SearchText* prepared = nullptr);
  // A document's rows in the three search tables (an article's or an episode's), after its old.
  struct SearchDocRow {
    int64_t id = 0;
    std::string_view kind, section = "";  // "" (not a null view): a text, not NULL
    int64_t date = 0;
    bool hidden = false;
    std::string authors = "[]", show, source;
  };
  Status InsertSearchDoc(const SearchDocRow& doc, const std::array<std::string, 6>& cols,
                         const std::string& facets, const std::string& what);
  Status UnindexArticle(int64_t id);
  // Indexes the articles SaveArticle saved with their search text in this transaction and left
  // for later (all together: FTS5 keeps their words in memory and writes one segment of the
  // index). Called before anything else reads or writes the search tables, and at Commit.
  Status IndexDeferred();
  static constexpr size_t kDeferredIndexRows = 256;
  std::vector<std::pair<Article, SearchText>> deferred_index_;
  // An episode's search rows (store/podcast_rows.h), with its show as stored now.
  Status IndexEpisode(const PodcastEpisode& e);
  Status IndexEpisodesOf(const std::string& show);  // "": every show's
  // Removes a show's episodes (`source` empty: all of them) from the search index.
  Status UnindexEpisodes(const std::string& show, const std::string& source);
  Status RebuildSearchIndexIfAsked();
  // With search turned off, the first write says so: a later store with search indexes again.
  Status MarkSearchIndexStale() {
    if (search_index_stale_) return {};
    if (auto s = Exec("UPDATE search_state SET rebuild = 1"); !s) return s;
    search_index_stale_ = true;
    return {};
  }

  // Comments by one of the two statements above (statements are cached by their text's address,
  // so each is one literal); ?1, when `article_id` is not 0, is bound to it.
  Result<std::vector<Comment>> ReadComments(const char* sql, int64_t article_id) {
    Use q(Prepare(sql));
    if (article_id != 0) q.Bind(1, article_id);
    return CommentRows(q, {});
  }

  // The rows of CINEPRESS_SELECT_COMMENTS, after `out`.
  Result<std::vector<Comment>> CommentRows(Use& q, std::vector<Comment> out) {
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) {
      out.push_back(Comment{q.Int(0), q.Text(1), q.Text(2), q.Text(3), q.Text(4), q.Text(5),
                            q.Int(6), q.Text(7), q.Text(8), q.Text(9), q.Int(10)});
    }
    if (rc != SQLITE_DONE) return Failure("loading comments");
    return out;
  }

  static Error NoComment(const std::string& source_id) {
    return MakeError(ErrorCode::kNotFound, "no comment \"" + source_id + "\"");
  }

  Status DropBlobIfUnused(const std::string& hash) {
    for (const char* sql : {"DELETE FROM media_chunks WHERE hash = ?1"
                            " AND NOT EXISTS (SELECT 1 FROM media WHERE hash = ?1)",
                            "DELETE FROM media_blobs WHERE hash = ?1"
                            " AND NOT EXISTS (SELECT 1 FROM media WHERE hash = ?1)"}) {
      Use q(Prepare(sql));
      q.Bind(1, hash);
      if (q.Step() != SQLITE_DONE) return Failure("deleting media data");
    }
    return {};
  }

  // Runs `work` all or nothing: in the caller's transaction when there is one, else in one of
  // its own (a savepoint makes one when there is none).
  Status InSavepoint(const std::function<Status()>& work) {
    if (auto s = IndexDeferred(); !s) return s;
    if (auto s = Exec("SAVEPOINT work"); !s) return s;
    Status s = work();
    if (!s) {
      (void)Exec("ROLLBACK TO work; RELEASE work");
      return s;
    }
    return Exec("RELEASE work");
  }

  sqlite3_stmt* Prepare(const char* sql) {
    for (auto& [text, stmt] : stmts_) {
      if (text == sql) return stmt->get();
    }
    stmts_.emplace_back(sql, std::make_unique<Stmt>(db_, sql));
    return stmts_.back().second->get();
  }

  Status Exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      return Error{ErrorCode::kStore, msg, {}, 0, {}};
    }
    return {};
  }

  Error Failure(const std::string& what) const {
    return Error{ErrorCode::kStore, what + ": " + sqlite3_errmsg(db_), {}, 0, {}};
  }

  // Back to the write-ahead log after a BeginBulkTransaction's transaction.
  Status AfterBulkTransaction() {
    if (!bulk_journal_) return {};
    bulk_journal_ = false;
    return Exec("PRAGMA journal_mode=WAL");
  }

  static constexpr int kBusyTimeoutMs = 10000;
  sqlite3* db_;
  bool bulk_journal_ = false;  // this transaction goes through a rollback journal
  std::function<std::string(std::string_view)> markdown_to_text_;
  std::function<std::string(std::string_view)> html_to_text_;
  bool search_index_ = true;
  bool search_index_stale_ = false;  // marked by this connection (search turned off)
  bool keep_ids_ = false;  // an article saved with an id is inserted under it (the search mirror)
  int64_t episode_search_id_ = 0;  // SaveEpisodeUnder's, while it saves (0: numbered here)
  CounterPoll changes_;
  // Statements are keyed by the address of their SQL literal (each call site has its own).
  std::vector<std::pair<const char*, std::unique_ptr<Stmt>>> stmts_;
};

Status SqliteStore::IndexArticle(int64_t id, const Article& a, const SearchText* prepared) {
  std::vector<std::string> author_names;
  for (const std::string& author : a.author_ids) {
    Use q(Prepare("SELECT name FROM authors WHERE id = ?"));
    q.Bind(1, author);
    author_names.push_back(q.Step() == SQLITE_ROW ? q.Text(0) : author);
  }
  const SearchText made = prepared ? SearchText{} : PrepareSearchText(a);
  const SearchText& t = prepared ? *prepared : made;
  auto cols = SearchColumns(a, t.body, t.dek, author_names);
  // Words analysed ahead (PrepareSearchText, on the import's every core) are not analysed again.
  UseAnalysedWords analysed{t.body_words, t.dek_words};
  std::string facets = a.kind == ArticleKind::kPage ? FacetWord(kFacetPage, "page")
                                                    : FacetWord(kFacetSection, a.section);
  facets += ' ' + FacetWord(kFacetYear, std::to_string(UtcYear(a.date)));
  for (const std::string& author : a.author_ids) facets += ' ' + FacetWord(kFacetAuthor, author);
  SearchDocRow doc;
  doc.id = id;
  doc.kind = a.kind == ArticleKind::kPage ? "page" : "article";
  doc.section = a.section;
  doc.date = a.date;
  // A password-protected post is never readable, so never found: it counts as a draft.
  doc.hidden = a.draft || a.password_protected;
  doc.authors = json(a.author_ids).dump();
  return InsertSearchDoc(doc, cols, facets, "article \"" + a.slug + "\"");
}

Status SqliteStore::IndexDeferred() {
  std::vector<std::pair<Article, SearchText>> rows;
  rows.swap(deferred_index_);  // indexing them below comes back here: nothing left then
  for (const auto& [a, t] : rows) {
    if (auto s = IndexArticle(a.id, a, &t); !s) return s;
  }
  return {};
}

Status SqliteStore::InsertSearchDoc(const SearchDocRow& doc, const std::array<std::string, 6>& cols,
                                    const std::string& facets, const std::string& what) {
  if (auto s = UnindexArticle(doc.id); !s) return s;
  Use q(
      Prepare("INSERT INTO article_search (rowid, title, films, people, dek, body, meta, facets)"
              " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
  q.Bind(1, doc.id);
  for (int c = 0; c < 6; ++c) q.BindStatic(c + 2, cols[static_cast<size_t>(c)]);
  q.BindStatic(8, facets);
  if (q.Step() != SQLITE_DONE) return Failure("indexing " + what + " for search");
  Use h(Prepare("INSERT INTO headline_search (rowid, title, films, people) VALUES (?, ?, ?, ?)"));
  h.Bind(1, doc.id);
  for (int c = 0; c < 3; ++c) h.BindStatic(c + 2, cols[static_cast<size_t>(c)]);
  if (h.Step() != SQLITE_DONE) return Failure("indexing " + what + " for search");
  Use d(
      Prepare("INSERT INTO search_docs (id, kind, section, date, draft, authors, show, source)"
              " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
  d.Bind(1, doc.id)
      .Bind(2, doc.kind)
      .Bind(3, doc.section)
      .Bind(4, doc.date)
      .Bind(5, int64_t{doc.hidden})
      .BindStatic(6, doc.authors)
      .BindStatic(7, doc.show)
      .BindStatic(8, doc.source);
  if (d.Step() != SQLITE_DONE) return Failure("indexing " + what + " for search");
  return {};
}

Status SqliteStore::IndexEpisode(const PodcastEpisode& e) {
  std::optional<PodcastShow> show;
  {
    Use q(Prepare("SELECT data FROM podcast_shows WHERE key = ?"));
    q.Bind(1, e.show);
    if (q.Step() == SQLITE_ROW) show = ReadPodcastShowData(q.Text(0));
  }
  const EpisodeSearchDoc made = MakeEpisodeSearchDoc(e, show ? &*show : nullptr, markdown_to_text_);
  SearchDocRow doc;
  {
    // Its id while it is indexed; else the next after every episode's.
    Use q(
        Prepare("SELECT coalesce((SELECT id FROM search_docs WHERE kind = 'episode' AND show = ?1"
                " AND source = ?2), (SELECT max(id) + 1 FROM search_docs WHERE id >= ?3), ?3)"));
    q.Bind(1, e.show).Bind(2, e.source).Bind(3, kFirstEpisodeSearchId);
    if (q.Step() != SQLITE_ROW) return Failure("indexing an episode for search");
    doc.id = episode_search_id_ != 0 ? episode_search_id_ : q.Int(0);
  }
  doc.kind = kEpisodeSearchKind;
  doc.date = e.date;
  doc.hidden = made.hidden;
  doc.show = e.show;
  doc.source = e.source;
  const std::string facets = FacetWord(kFacetPage, kPodcastsKind) + ' ' +
                             FacetWord(kFacetYear, std::to_string(UtcYear(e.date)));
  return InsertSearchDoc(doc, made.columns, facets,
                         "the episode \"" + e.show + "/" + e.source + "\"");
}

Status SqliteStore::IndexEpisodesOf(const std::string& show) {
  return ReindexEpisodesOf(*this, show,
                           [this](const PodcastEpisode& e) { return IndexEpisode(e); });
}

Status SqliteStore::UnindexEpisodes(const std::string& show, const std::string& source) {
  std::vector<int64_t> ids;
  {
    Use q(
        Prepare("SELECT id FROM search_docs WHERE kind = 'episode' AND show = ?1"
                " AND (?2 = '' OR source = ?2)"));
    q.Bind(1, show).Bind(2, source);
    while (q.Step() == SQLITE_ROW) ids.push_back(q.Int(0));
  }
  for (int64_t id : ids) {
    if (auto s = UnindexArticle(id); !s) return s;
  }
  return {};
}

Status SqliteStore::UnindexArticle(int64_t id) {
  if (auto s = IndexDeferred(); !s) return s;
  Use q(Prepare("DELETE FROM article_search WHERE rowid = ?"));
  q.Bind(1, id);
  if (q.Step() != SQLITE_DONE) return Failure("removing an article from the search index");
  Use h(Prepare("DELETE FROM headline_search WHERE rowid = ?"));
  h.Bind(1, id);
  if (h.Step() != SQLITE_DONE) return Failure("removing an article from the search index");
  Use d(Prepare("DELETE FROM search_docs WHERE id = ?"));
  d.Bind(1, id);
  if (d.Step() != SQLITE_DONE) return Failure("removing an article from the search index");
  return {};
}

Status SqliteStore::RebuildSearchIndexIfAsked() {
  auto asked = [&] {
    Use q(Prepare("SELECT rebuild FROM search_state"));
    return q.Step() == SQLITE_ROW && q.Int(0) != 0;
  };
  if (!asked()) return {};
  if (auto s = Exec("BEGIN IMMEDIATE"); !s) return s;
  auto fail = [&](Status s) {
    (void)Exec("ROLLBACK");
    return s;
  };
  if (!asked()) return Exec("COMMIT");  // another connection did it meanwhile
  if (auto s =
          Exec("DELETE FROM article_search; DELETE FROM headline_search; DELETE FROM search_docs");
      !s)
    return fail(s);
  auto articles = LoadArticles(true);
  if (!articles) return fail(articles.error());
  for (const Article& a : *articles) {
    if (auto s = IndexArticle(a.id, a); !s) return fail(s);
  }
  if (auto s = IndexEpisodesOf(""); !s) return fail(s);
  if (auto s = Exec("UPDATE search_state SET rebuild = 0"); !s) return fail(s);
  return Exec("COMMIT");
}

// The filters of every search question, on the FTS5 table TABLE.
#define CINEPRESS_SEARCH_FILTERS(TABLE)                                            \
  " FROM " TABLE " JOIN search_docs d ON d.id = " TABLE                            \
  ".rowid"                                                                         \
  " WHERE " TABLE                                                                  \
  " MATCH ?1 AND d.draft = 0 AND d.date <= ?2"                                     \
  " AND (?3 = '' OR (?3 = 'page' AND d.kind = 'page')"                             \
  "      OR (?3 = 'podcasts' AND d.kind = 'episode')"                              \
  "      OR (d.kind = 'article' AND d.section = ?3))"                              \
  " AND (?4 = '[]' OR d.section NOT IN (SELECT value FROM json_each(?4)))"         \
  " AND (?5 = '' OR EXISTS (SELECT 1 FROM json_each(d.authors) WHERE value = ?5))" \
  " AND (?6 = 0 OR d.date >= ?6) AND (?7 = 0 OR d.date < ?7)"                      \
  " AND (?8 = 0 OR d.id IN (SELECT value FROM json_each(?9)))"
// The search index's questions (store/search_plan.h) answered by FTS5.
class SqliteSearchIndex final : public SearchIndex {
 public:
  explicit SqliteSearchIndex(SqliteStore& store) : store_(store) {}

  Result<std::vector<int64_t>> Headline(const std::vector<QueryGroup>& groups,
                                        const SearchQuery& query) override {
    Use q(
        store_.Prepare("SELECT id FROM (SELECT headline_search.rowid AS id,"
                       " bm25(headline_search, 12.0, 10.0, 4.0) AS score" CINEPRESS_SEARCH_FILTERS(
                           "headline_search") " ORDER BY headline_search.rowid DESC LIMIT ?10)"
                                              " ORDER BY score"));
    const std::string expression = ToFts5Expression(groups);  // bound without a copy
    Bind(q, query, expression).Bind(10, kRankedMatches);
    std::vector<int64_t> out;
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) out.push_back(q.Int(0));
    if (rc != SQLITE_DONE) return store_.Failure("searching");
    return out;
  }

  // Counted and ranked in one pass. Each group's document frequency, which weighs rare words
  // above common ones, is estimated from its rarest word's count (counting stops at 1,000).
  Status Anywhere(const std::vector<QueryGroup>& groups, const SearchQuery& query, size_t limit,
                  size_t* matched, std::vector<int64_t>* ranked) override {
    const size_t n = std::min(groups.size(), kMaxQueryTerms);
    std::vector<int64_t> dfs(n, 1000);
    for (size_t g = 0; g < n && n > 1; ++g) {
      for (size_t k = 0; k < groups[g].words.size(); ++k) {
        if (groups[g].prefix && k + 1 == groups[g].words.size()) continue;
        Use c(
            store_.Prepare("SELECT count(*) FROM (SELECT 1 FROM article_search"
                           " WHERE article_search MATCH ?1 LIMIT 1000)"));
        c.Bind(1, ToFts5Expression({QueryGroup{{groups[g].words[k]}, false, false}}));
        if (c.Step() == SQLITE_ROW) dfs[g] = std::min(dfs[g], c.Int(0));
      }
    }
    // The statement's text depends on the number of groups: one prepared statement for each
    // (statements are kept by the address of their text, which here is static).
    static const std::array<std::string, kMaxQueryTerms + 1> sql = [] {
      std::array<std::string, kMaxQueryTerms + 1> a;
      for (size_t k = 0; k < a.size(); ++k) {
        std::string args;
        for (size_t j = 0; j < k; ++j) args += ", ?" + std::to_string(21 + j);
        a[k] = "SELECT article_search.rowid, cinepress_rank(article_search, ?10" + args +
               ")" CINEPRESS_SEARCH_FILTERS("article_search") " ORDER BY article_search.rowid"
                                                              " DESC LIMIT ?11";
      }
      return a;
    }();
    Use q(store_.Prepare(sql[n].c_str()));
    const std::string expression = ToFts5Expression(groups) + Facets(query);
    Bind(q, query, expression).Bind(10, kRankedMatches).Bind(11, static_cast<int64_t>(limit));
    for (size_t g = 0; g < n; ++g) q.Bind(static_cast<int>(21 + g), dfs[g]);
    std::vector<std::pair<double, int64_t>> scored;
    *matched = 0;
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) {
      ++*matched;
      if (q.IsNull(1)) continue;
      scored.emplace_back(q.Double(1), q.Int(0));
    }
    if (rc != SQLITE_DONE) return store_.Failure("searching");
    std::stable_sort(scored.begin(), scored.end(),
                     [](const auto& x, const auto& y) { return x.first > y.first; });
    for (const auto& [score, id] : scored) ranked->push_back(id);
    return {};
  }

  Result<SearchHit> Hit(int64_t id) override {
    if (id >= kFirstEpisodeSearchId) return EpisodeHit(id);
    Use q(store_.Prepare(
        "SELECT id, kind, section, slug, title, date, meta FROM articles WHERE id = ?"));
    q.Bind(1, id);
    if (q.Step() != SQLITE_ROW) return store_.Failure("searching");
    SearchHit h;
    h.article_id = q.Int(0);
    h.is_page = q.Text(1) == "page";
    h.section = q.Text(2);
    h.slug = q.Text(3);
    h.title = q.Text(4);
    h.date = q.Int(5);
    h.film_title = FilmTitleOfMeta(q.Text(6));
    return h;
  }

  Result<SearchHit> EpisodeHit(int64_t id) {
    Use q(
        store_.Prepare("SELECT d.show, e.data, coalesce(s.data, '') FROM search_docs d"
                       " JOIN podcast_episodes e ON e.show = d.show AND e.source = d.source"
                       " LEFT JOIN podcast_shows s ON s.key = d.show WHERE d.id = ?"));
    q.Bind(1, id);
    if (q.Step() != SQLITE_ROW) return store_.Failure("searching");
    auto hit = EpisodeSearchHit(id, q.Text(0), q.Text(1), q.Text(2));
    if (!hit) return store_.Failure("searching: an episode's data cannot be read");
    return std::move(*hit);
  }

  Result<SearchText> Text(int64_t id) override {
    Use q(store_.Prepare("SELECT body, dek FROM article_search WHERE rowid = ?"));
    q.Bind(1, id);
    SearchText t;
    if (q.Step() == SQLITE_ROW) t = SearchText{q.Text(0), q.Text(1)};
    return t;
  }

 private:
  // The filters every question shares. What a reader may read is decided here: published (not
  // a draft, not dated after now).
  Use& Bind(Use& q, const SearchQuery& query, const std::string& expression) {
    excluded_ = json(query.exclude_sections).dump();
    ids_ = json(query.ids).dump();
    return q.BindStatic(1, expression)
        .Bind(2, query.now)
        .BindStatic(3, query.section)
        .BindStatic(4, excluded_)
        .BindStatic(5, query.author)
        .Bind(6, query.date_from)
        .Bind(7, query.date_to)
        .Bind(8, int64_t{query.restrict_ids})
        .BindStatic(9, ids_);
  }

  // The filters as facet words, ANDed to the words (the SQL still checks them exactly). FTS5
  // wants AND written out before a parenthesis.
  static std::string Facets(const SearchQuery& query) {
    std::string facets;
    auto facet = [&](char kind, std::string_view value) {
      facets += " AND \"" + FacetWord(kind, value) + "\"";
    };
    if (query.section == "page" || query.section == kPodcastsKind) {
      facet(kFacetPage, query.section);
    } else if (!query.section.empty()) {
      facet(kFacetSection, query.section);
    }
    if (!query.author.empty()) facet(kFacetAuthor, query.author);
    if (query.date_from > 0 && query.date_to > query.date_from) {
      // The UTC years the range touches (a year in the site's time zone touches two).
      const int64_t first = UtcYear(query.date_from), last = UtcYear(query.date_to - 1);
      if (last - first < 4) {
        facets += " AND (";
        for (int64_t y = first; y <= last; ++y) {
          if (y > first) facets += " OR ";
          facets += "\"" + FacetWord(kFacetYear, std::to_string(y)) + "\"";
        }
        facets += ")";
      }
    }
    return facets;
  }

  SqliteStore& store_;
  std::string excluded_, ids_;  // bound without a copy
};

Result<SearchResults> SqliteStore::Search(const SearchQuery& query) {
  if (auto s = IndexDeferred(); !s) return s.error();
  SqliteSearchIndex index(*this);
  return RunSearch(query, index);
}

#undef CINEPRESS_SEARCH_FILTERS

}  // namespace

int64_t SqliteSchemaVersion() { return static_cast<int64_t>(std::size(kMigrations)); }

const char* SqliteMigration(int64_t version) { return kMigrations[version]; }

namespace {

Result<std::unique_ptr<SqliteStore>> OpenSqlite(const std::filesystem::path& file,
                                                const StoreOptions& options, bool keep_ids) {
  const bool create = options.create;
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(
      file.c_str(), &db,
      SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close_v2(db);
    return Error{ErrorCode::kStore, "cannot open the store: " + msg, file.string(), 0, {}};
  }
  auto store = std::make_unique<SqliteStore>(db, options.markdown_to_text, options.html_to_text,
                                             options.search_index, keep_ids);
  if (auto s = store->Init(); !s) {
    Error e = s.error();
    e.file = file.string();
    return e;
  }
  return store;
}

}  // namespace

Result<std::unique_ptr<ContentStore>> OpenSqliteContentStore(const std::filesystem::path& file,
                                                             const StoreOptions& options) {
  auto store = OpenSqlite(file, options, false);
  if (!store) return store.error();
  return std::unique_ptr<ContentStore>(std::move(*store));
}

Result<std::unique_ptr<SqliteMirrorStore>> OpenSqliteMirrorStore(const std::filesystem::path& file,
                                                                 const StoreOptions& options) {
  auto store = OpenSqlite(file, options, true);
  if (!store) return store.error();
  return std::unique_ptr<SqliteMirrorStore>(std::move(*store));
}

}  // namespace cinepress
