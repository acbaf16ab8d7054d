// cinepress: the command line. Parses arguments and calls one function of the app module.
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <utility>
#include <vector>

#include "app/app.h"
#include "app/download_commands.h"
#include "app/export_commands.h"
#include "app/inbox_commands.h"
#include "app/maintenance_commands.h"
#include "app/members_commands.h"
#include "app/newsletter_commands.h"
#include "app/payments_commands.h"
#include "app/shop_commands.h"
#include "app/staff_commands.h"
#include "app/webhook_commands.h"
#include "app/workshop_commands.h"
#include "core/parallel.h"
#include "core/process.h"

#ifdef CINEPRESS_MIMALLOC
#include <mimalloc.h>
#endif

namespace {

using cinepress::Error;

int Fail(const Error& e) {
  std::cerr << "cinepress: " << e.ToString() << "\n";
  return 1;
}

// The commands that read or write the whole archive at once (import, build) take memory from the
// system in 2 MiB pages where it gives them (transparent huge pages), not 4 KiB ones, from their
// first segments on (mimalloc otherwise commits a thread's first segments lazily, in small
// pages): each first touch of a page costs a fault, and on a virtual machine a fault is dear.
// Measured on the 10,000-article corpus: a build after one changed article makes 8,700 faults,
// not 33,000, and takes 0.61 s, not 1.1 s; a whole build 6.0 s, not 7.2 s, with a peak of 475
// MiB, not 416 MiB; a first import 3.4 s, not 4.0 s. `serve` keeps 4 KiB pages (a long-lived
// process gives memory back in them). MIMALLOC_LARGE_OS_PAGES and MIMALLOC_EAGER_COMMIT_DELAY,
// when set, decide instead.
void TakeLargePages() {
#ifdef CINEPRESS_MIMALLOC
  if (std::getenv("MIMALLOC_LARGE_OS_PAGES") == nullptr) {
    mi_option_enable(mi_option_large_os_pages);
  }
  if (std::getenv("MIMALLOC_EAGER_COMMIT_DELAY") == nullptr) {
    mi_option_set(mi_option_eager_commit_delay, 0);
  }
#endif
}

// 0: the command did what was asked; 1: it failed (and says why).
int Done(const cinepress::Status& s) { return s ? 0 : Fail(s.error()); }

// An import of rows that reports how many were bad: refused (1) when there were some, unless
// --skip-invalid took the good ones (0).
int Imported(const cinepress::Result<size_t>& bad, bool skip_invalid) {
  if (!bad) return Fail(bad.error());
  return *bad == 0 || skip_invalid ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"cinepress: runs an independent film magazine — content in, a website out."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "cinepress 0.1.0");
  std::string site_dir = ".";
  unsigned threads = cinepress::DefaultThreads();
  auto add_site = [&](CLI::App* cmd) {
    cmd->add_option("--site", site_dir, "the site folder (default: the current folder)");
  };

  CLI::App* init = app.add_subcommand("init", "make a new site folder");
  std::string init_dir;
  init->add_option("DIR", init_dir, "where to make it (default: --site)");
  add_site(init);

  CLI::App* demo = app.add_subcommand("demo", "make a site folder with the demo magazine");
  std::string demo_dir;
  demo->add_option("DIR", demo_dir, "where to make it (default: --site)");
  add_site(demo);

  CLI::App* import = app.add_subcommand("import", "import a content folder into the store");
  std::string folder;
  bool prune = false, skip_invalid = false, force = false;
  import->add_option("FOLDER", folder,
                     "a Hugo-style folder: content/, data/authors.yaml, static/ (default: --site)");
  import->add_flag("--prune", prune, "remove stored articles and media whose files are gone");
  import->add_flag("--skip-invalid", skip_invalid,
                   "import the valid files even when others have problems");
  import->add_flag("--force", force,
                   "overwrite articles edited in the newsroom since they were imported");
  import->add_option("--threads", threads, "threads to read files with (default: all cores)");
  add_site(import);

  CLI::App* import_wp =
      app.add_subcommand("import-wordpress", "import a WordPress export (WXR) into the store");
  std::string wxr_file, uploads_dir;
  cinepress::WordPressOptions wp_options;
  bool wp_json = false, wp_no_fetch = false;
  import_wp->add_option("EXPORT", wxr_file, "the export file (Tools → Export in WordPress)")
      ->required();
  import_wp->add_option("--uploads", uploads_dir,
                        "a copy of the old site's wp-content/uploads folder");
  import_wp->add_flag("--no-fetch", wp_no_fetch,
                      "do not fetch files missing from --uploads from the old site");
  import_wp->add_option("--fetch-timeout", wp_options.fetch_timeout_s,
                        "seconds per fetched file (default: 10)");
  import_wp->add_option("--section", wp_options.section,
                        "the section posts go into (default: articles)");
  import_wp->add_option("--main-menu", wp_options.main_menu,
                        "the WordPress menu (its slug) that becomes the site's main menu");
  import_wp->add_flag("--keep-permalinks", wp_options.keep_permalinks,
                      "posts keep their old addresses (writes [permalinks] in cinepress.toml)");
  import_wp->add_option("--source", wp_options.source,
                        "a name for this WordPress site, for an export that names no address");
  import_wp->add_flag("--json", wp_json, "print the report as JSON");
  add_site(import_wp);

  CLI::App* build = app.add_subcommand("build", "render the whole site into a folder");
  std::string out_dir;
  build->add_option("--out", out_dir, "where to write it (default: SITE/public)");
  build->add_option("--threads", threads, "threads to render with (default: all cores)");
  bool build_full = false;
  build->add_flag("--full", build_full,
                  "render every page again (default: only what changed since the last build)");
  add_site(build);

  CLI::App* serve = app.add_subcommand("serve", "serve the site from its store over HTTP");
  cinepress::ServeOptions serve_options;
  serve_options.threads = threads;
  serve_options.listen.clear();
  serve->add_option("--listen", serve_options.listen,
                    "ADDRESS:PORT to listen on, several allowed (default: 127.0.0.1:8080)");
  serve->add_option("--threads", serve_options.threads, "threads (default: all cores)");
  serve->add_option("--max-connections", serve_options.max_connections,
                    "open connections at most (default: 50000)");
  serve->add_option("--access-log", serve_options.access_log,
                    "FILE, - for standard output (the default), or off");
  serve->add_option("--header-timeout", serve_options.header_timeout_s,
                    "seconds a client has to send a whole request (default: 10)");
  serve->add_option("--idle-timeout", serve_options.idle_timeout_s,
                    "seconds a kept-alive connection may wait for its next request (default: 30)");
  serve->add_option("--cache-mb", serve_options.cache_mb,
                    "memory for rendered pages, in MiB (default: 1024)");
  bool no_pin = false;
  serve->add_flag("--no-pin", no_pin,
                  "do not give each thread a core of its own (when other work shares the cores)");
  serve->add_option("--trusted-proxy", serve_options.trusted_proxies,
                    "the proxy in front (an address, or a network as 10.0.0.0/8; repeatable): "
                    "its requests come from the address its X-Forwarded-For gives");
  serve->add_option("--max-connections-per-ip", serve_options.max_connections_per_ip,
                    "open connections from one address (an IPv6 /64) at most; 0: no cap "
                    "(default: 256)");
  serve->add_option("--metrics-listen", serve_options.metrics_listen,
                    "ADDRESS:PORT of a listener that serves /metrics to anyone who can reach it");
  std::vector<std::string> metrics_allow;
  serve->add_option("--metrics-allow", metrics_allow,
                    "who may read /metrics on the main listeners (an address, or a network as "
                    "10.0.0.0/8; repeatable; default: loopback only; none: nobody)");
  bool no_batch = false;
  serve->add_flag("--no-batch", no_batch,
                  "schedule the threads as ordinary ones, not as batch work that lets the "
                  "processes beside it (a proxy) run first");
  add_site(serve);

  CLI::App* newsletter = app.add_subcommand("newsletter", "send and preview newsletter issues");
  newsletter->require_subcommand(1);
  cinepress::NewsletterSendOptions send_options;
  CLI::App* nl_send = newsletter->add_subcommand(
      "send", "send the newsletter's due issue (or resume the one being sent)");
  nl_send->add_option("SLUG", send_options.slug, "the newsletter, as in [[newsletters]]")
      ->required();
  nl_send->add_option("--test-to", send_options.test_to,
                      "send the would-be issue to this address only; nothing is stored");
  nl_send->add_option("--connections", send_options.connections,
                      "SMTP connections in parallel (default: [smtp] connections)");
  add_site(nl_send);
  std::string preview_slug;
  bool preview_text = false;
  CLI::App* nl_preview =
      newsletter->add_subcommand("preview", "write the HTML of the issue that would go out now");
  nl_preview->add_option("SLUG", preview_slug, "the newsletter")->required();
  nl_preview->add_flag("--text", preview_text, "the plain-text part instead");
  add_site(nl_preview);

  CLI::App* nl_status = newsletter->add_subcommand(
      "status", "subscribers of each newsletter and its latest issue's deliveries");
  add_site(nl_status);
  std::vector<std::string> bounce_files;
  CLI::App* nl_bounces = newsletter->add_subcommand(
      "bounces", "read bounce messages (DSN): suppress hard bounces, count soft ones");
  nl_bounces->add_option("FILE", bounce_files, "messages or mbox files")->required();
  add_site(nl_bounces);

  CLI::App* subscribers = app.add_subcommand("subscribers", "import and export readers (CSV)");
  subscribers->require_subcommand(1);
  std::string csv_file;
  bool csv_skip_invalid = false;
  CLI::App* sub_import = subscribers->add_subcommand(
      "import", "add readers from CSV: email,name,lists,consent_date (lists: slugs, spaced)");
  sub_import->add_option("FILE", csv_file, "the CSV file")->required();
  sub_import->add_flag("--skip-invalid", csv_skip_invalid,
                       "import the valid rows even when others are bad");
  add_site(sub_import);
  CLI::App* sub_export = subscribers->add_subcommand(
      "export", "write the confirmed readers as CSV to standard output");
  add_site(sub_export);

  CLI::App* export_cmd = app.add_subcommand(
      "export", "write the store as a content folder (DIR), or as a WordPress export (--wxr FILE)");
  std::string export_dir, export_wxr;
  bool export_force = false;
  auto* export_dir_opt = export_cmd->add_option(
      "DIR", export_dir, "the content folder to write (`cinepress import DIR` reads it back)");
  auto* export_wxr_opt =
      export_cmd->add_option("--wxr", export_wxr, "write a WordPress export (WXR 1.2) to FILE");
  export_dir_opt->excludes(export_wxr_opt);
  export_cmd->add_flag("--force", export_force,
                       "write into a folder that is not empty (only the export's own files are "
                       "replaced; nothing is deleted)");
  export_cmd->callback([&] {
    if (export_dir.empty() && export_wxr.empty()) {
      throw CLI::ValidationError("export", "give a folder DIR or --wxr FILE");
    }
  });
  add_site(export_cmd);

  CLI::App* backup =
      app.add_subcommand("backup", "copy the store into FILE, consistently, even while serving");
  std::string backup_file;
  backup->add_option("FILE", backup_file, "where to write the copy (replaced whole if it exists)")
      ->required();
  add_site(backup);
  CLI::App* restore = app.add_subcommand(
      "restore", "put a backup in the place of the store (the old one is kept beside it)");
  std::string restore_file;
  restore->add_option("FILE", restore_file, "a file made by `cinepress backup`")->required();
  add_site(restore);
  CLI::App* check = app.add_subcommand(
      "check", "check the store's integrity and its media; exit 1 when problems are found");
  add_site(check);

  CLI::App* store = app.add_subcommand("store", "move the magazine between stores");
  store->require_subcommand(1);
  CLI::App* store_copy = store->add_subcommand(
      "copy", "copy every table from one store to another (SQLite file or PostgreSQL URL)");
  std::string copy_from, copy_to;
  store_copy->add_option("--from", copy_from, "a SQLite file or a postgresql:// URL")->required();
  store_copy->add_option("--to", copy_to, "a SQLite file or a postgresql:// URL (replaced whole)")
      ->required();

  CLI::App* podcasts = app.add_subcommand("podcasts", "podcast shows and their listeners");
  podcasts->require_subcommand(1);
  CLI::App* p_stats = podcasts->add_subcommand(
      "stats", "downloads per episode and day (IAB: one per listener per episode per 24 hours)");
  std::string stats_show;
  bool stats_csv = false;
  p_stats->add_option("--show", stats_show, "only this show's episodes (its slug)");
  p_stats->add_flag("--csv", stats_csv, "CSV: day,show,path,downloads, then the totals");
  add_site(p_stats);

  CLI::App* members = app.add_subcommand("members", "readers' accounts and the tiers they hold");
  members->require_subcommand(1);
  cinepress::MembersAddOptions member_add;
  CLI::App* m_add = members->add_subcommand("add", "add a member (or update one), with a tier");
  m_add->add_option("EMAIL", member_add.email, "their address")->required();
  m_add->add_option("--name", member_add.name, "their name");
  m_add->add_option("--tier", member_add.tier, "a tier slug of [[tiers]] to grant (a comp)");
  m_add->add_option("--until", member_add.until, "the tier ends after this day (2027-01-31)");
  m_add->add_option("--note", member_add.note, "a note for the editors");
  add_site(m_add);
  std::string member_tier, member_email, member_csv;
  bool member_skip_invalid = false;
  CLI::App* m_list = members->add_subcommand("list", "list members, or those holding a tier");
  m_list->add_option("--tier", member_tier, "only members holding this tier now");
  add_site(m_list);
  CLI::App* m_show = members->add_subcommand("show", "a member's account, tiers and sessions");
  m_show->add_option("EMAIL", member_email, "their address")->required();
  add_site(m_show);
  CLI::App* m_remove = members->add_subcommand(
      "remove", "erase a member (personal data gone; newsletter consent records kept)");
  m_remove->add_option("EMAIL", member_email, "their address")->required();
  add_site(m_remove);
  CLI::App* m_import = members->add_subcommand("import", "add members from Ghost's members CSV");
  m_import->add_option("FILE", member_csv, "the CSV file")->required();
  m_import->add_flag("--skip-invalid", member_skip_invalid,
                     "import the valid rows even when others are bad");
  add_site(m_import);
  CLI::App* m_export =
      members->add_subcommand("export", "write the members as Ghost's CSV to standard output");
  add_site(m_export);

  CLI::App* payments = app.add_subcommand("payments", "paid memberships through Stripe");
  payments->require_subcommand(1);
  CLI::App* p_sync = payments->add_subcommand(
      "sync", "make the Stripe products and prices of the paid tiers (idempotent)");
  add_site(p_sync);
  bool reconcile_apply = false;
  CLI::App* p_reconcile =
      payments->add_subcommand("reconcile", "compare every subscription in Stripe with the store");
  p_reconcile->add_flag("--apply", reconcile_apply, "fix what differs, as Stripe has it");
  add_site(p_reconcile);
  CLI::App* p_report = payments->add_subcommand(
      "report", "members per tier, MRR, subscriptions new and cancelled this month");
  add_site(p_report);
  bool donations_csv = false;
  CLI::App* p_donations = payments->add_subcommand(
      "donations", "list the donations (date, name, email, amount, one-off or monthly)");
  p_donations->add_flag("--csv", donations_csv, "as CSV on standard output");
  add_site(p_donations);
  bool gifts_csv = false;
  CLI::App* p_gifts = payments->add_subcommand(
      "gifts", "list the gift memberships bought (buyer, recipient, delivery day, redeemed)");
  p_gifts->add_flag("--csv", gifts_csv, "as CSV on standard output");
  add_site(p_gifts);
  CLI::App* staff = app.add_subcommand(
      "staff", "the newsroom's staff (/admin/): contributors, authors, editors, admins");
  staff->require_subcommand(1);
  std::string staff_email, staff_role;
  CLI::App* s_add = staff->add_subcommand(
      "add", "add a staff member and print their invitation link (valid 7 days, once)");
  s_add->add_option("EMAIL", staff_email, "their address")->required();
  s_add->add_option("--role", staff_role, "contributor, author, editor or admin")->required();
  add_site(s_add);
  CLI::App* s_list = staff->add_subcommand("list", "list the staff with their roles");
  add_site(s_list);
  CLI::App* s_remove =
      staff->add_subcommand("remove", "remove a staff member (signed out everywhere)");
  s_remove->add_option("EMAIL", staff_email, "their address")->required();
  add_site(s_remove);
  CLI::App* s_role = staff->add_subcommand("role", "change a staff member's role");
  s_role->add_option("EMAIL", staff_email, "their address")->required();
  s_role->add_option("ROLE", staff_role, "contributor, author, editor or admin")->required();
  add_site(s_role);
  CLI::App* integrations = app.add_subcommand(
      "integrations", "programs that use the Content and Admin APIs, each with its keys");
  integrations->require_subcommand(1);
  std::string integration_name, integration_role = "editor";
  CLI::App* n_add = integrations->add_subcommand(
      "add", "add an integration and print its Content API and Admin API keys (shown once)");
  n_add->add_option("NAME", integration_name, "a-z, 0-9, '-', '_', '.'")->required();
  n_add->add_option("--role", integration_role, "editor (default), author or contributor");
  add_site(n_add);
  CLI::App* n_list = integrations->add_subcommand("list", "list the integrations and their roles");
  add_site(n_list);
  CLI::App* n_remove =
      integrations->add_subcommand("remove", "remove an integration (its keys stop working)");
  n_remove->add_option("NAME", integration_name, "its name")->required();
  add_site(n_remove);
  CLI::App* n_rotate = integrations->add_subcommand(
      "rotate", "give an integration new keys (the old ones stop working) and print them");
  n_rotate->add_option("NAME", integration_name, "its name")->required();
  add_site(n_rotate);
  CLI::App* webhooks = app.add_subcommand(
      "webhooks", "events told to the URLs of cinepress.toml's [[webhooks]] (docs/API.md)");
  webhooks->require_subcommand(1);
  size_t deliveries_limit = 50;
  CLI::App* w_deliveries = webhooks->add_subcommand(
      "deliveries", "the delivery log, newest first: status, tries, error");
  w_deliveries->add_option("--limit", deliveries_limit, "how many (default 50)");
  add_site(w_deliveries);
  cinepress::WebhooksAddOptions hook_add;
  CLI::App* w_add = webhooks->add_subcommand(
      "add", "tell EVENT to URL, signed with --secret (default: a random one, printed once)");
  w_add->add_option("EVENT", hook_add.event, "article.published, member.added… (docs/API.md)")
      ->required();
  w_add->add_option("URL", hook_add.url, "http(s)")->required();
  w_add->add_option("--secret", hook_add.secret, "the signature's key: 16 characters or more");
  add_site(w_add);
  CLI::App* w_list = webhooks->add_subcommand("list", "the webhooks, numbered (not their secrets)");
  add_site(w_list);
  size_t hook_number = 0;
  CLI::App* w_remove = webhooks->add_subcommand("remove", "remove webhook NUMBER (as list shows)");
  w_remove->add_option("NUMBER", hook_number, "its number")->required();
  add_site(w_remove);

  CLI::App* institutions = app.add_subcommand(
      "institutions", "libraries and schools whose readers hold a tier by IP or email domain");
  institutions->require_subcommand(1);
  cinepress::InstitutionsAddOptions inst_add;
  CLI::App* i_add = institutions->add_subcommand("add", "add an institution");
  i_add->add_option("NAME", inst_add.name, "its name")->required();
  i_add->add_option("--ip", inst_add.networks, "IP networks (192.0.2.0/24, 2001:db8::/32)");
  i_add->add_option("--domain", inst_add.domains, "email domains whose members may join");
  i_add->add_option("--tier", inst_add.tier, "the tier its readers hold")->required();
  i_add->add_option("--seats", inst_add.seats, "members who may join by email domain");
  i_add->add_option("--until", inst_add.until, "access ends after this day (2027-08-31)");
  add_site(i_add);
  std::string inst_name, inst_month;
  bool inst_csv = false;
  CLI::App* i_list = institutions->add_subcommand("list", "list institutions");
  add_site(i_list);
  CLI::App* i_show = institutions->add_subcommand("show", "an institution's access and seats");
  i_show->add_option("NAME", inst_name, "its name or slug")->required();
  add_site(i_show);
  CLI::App* i_remove = institutions->add_subcommand("remove", "remove an institution");
  i_remove->add_option("NAME", inst_name, "its name or slug")->required();
  add_site(i_remove);
  CLI::App* i_report = institutions->add_subcommand(
      "report", "per institution: views of restricted articles, distinct articles, refusals");
  i_report->add_option("--month", inst_month, "the month (2026-11)")->required();
  i_report->add_flag("--csv", inst_csv, "write CSV");
  add_site(i_report);

  CLI::App* inbox =
      app.add_subcommand("inbox", "what readers sent through /contact/ and /contribute/");
  inbox->require_subcommand(1);
  std::string inbox_status, inbox_kind, inbox_file_out, inbox_message_file;
  int64_t inbox_id = 0;
  CLI::App* ib_list = inbox->add_subcommand("list", "the submissions, newest first");
  ib_list->add_option("--status", inbox_status, "open or closed")
      ->check(CLI::IsMember({"open", "closed"}));
  ib_list->add_option("--kind", inbox_kind, "contact or pitch")
      ->check(CLI::IsMember({"contact", "pitch"}));
  add_site(ib_list);
  CLI::App* ib_show = inbox->add_subcommand("show", "a submission and its replies");
  ib_show->add_option("ID", inbox_id, "its number")->required();
  ib_show->add_option("--file", inbox_file_out, "write its attached file here");
  add_site(ib_show);
  CLI::App* ib_reply =
      inbox->add_subcommand("reply", "email a reply to the sender and keep it in the thread");
  ib_reply->add_option("ID", inbox_id, "its number")->required();
  ib_reply->add_option("--message-file", inbox_message_file,
                       "the reply's text (UTF-8); standard input when not given");
  add_site(ib_reply);
  CLI::App* ib_close = inbox->add_subcommand("close", "mark a submission closed");
  ib_close->add_option("ID", inbox_id, "its number")->required();
  add_site(ib_close);
  CLI::App* ib_reopen = inbox->add_subcommand("reopen", "mark a closed submission open again");
  ib_reopen->add_option("ID", inbox_id, "its number")->required();
  add_site(ib_reopen);

  CLI::App* orders = app.add_subcommand("orders", "the shop's orders, for fulfilment");
  orders->require_subcommand(1);
  std::string order_status, order_tracking;
  int64_t order_id = 0;
  bool order_csv = false;
  const std::vector<std::string> order_statuses = {"pending", "paid", "shipped", "expired",
                                                   "refunded"};
  CLI::App* o_list = orders->add_subcommand("list", "the orders, oldest first");
  o_list->add_option("--status", order_status, "pending, paid, shipped, expired or refunded")
      ->check(CLI::IsMember(order_statuses));
  add_site(o_list);
  CLI::App* o_export =
      orders->add_subcommand("export", "the orders with their addresses (JSON, or CSV)");
  o_export->add_option("--status", order_status, "pending, paid, shipped, expired or refunded")
      ->check(CLI::IsMember(order_statuses));
  o_export->add_flag("--csv", order_csv, "write CSV");
  add_site(o_export);
  CLI::App* o_ship =
      orders->add_subcommand("ship", "mark a paid order shipped and email its buyer");
  o_ship->add_option("ID", order_id, "its number")->required();
  o_ship->add_option("--tracking", order_tracking, "the parcel's tracking number")->required();
  add_site(o_ship);

  CLI::App* workshops =
      app.add_subcommand("workshops", "workshops and masterclasses: registrants, cancelling");
  workshops->require_subcommand(1);
  std::string workshop_slug;
  bool workshop_csv = false;
  CLI::App* w_registrants =
      workshops->add_subcommand("registrants", "a workshop's registrations, oldest first");
  w_registrants->add_option("SLUG", workshop_slug, "the workshop (its file's name)")->required();
  w_registrants->add_flag("--csv", workshop_csv, "write CSV");
  add_site(w_registrants);
  CLI::App* w_cancel = workshops->add_subcommand(
      "cancel", "cancel a workshop: refund every payment through Stripe, email every registrant");
  w_cancel->add_option("SLUG", workshop_slug, "the workshop (its file's name)")->required();
  add_site(w_cancel);

  // Exit codes, the same for every command (README.md, "Exit codes"): 0 it did what was asked
  // (warnings, and rows or files skipped with --skip-invalid, are printed); 1 it did not: the
  // input was refused or something failed (for `check`: the store is not sound, or could not be
  // checked); 2 the command line is wrong (CLI11's usage errors; --help and --version exit 0).
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (threads == 0) threads = 1;

  cinepress::SiteFolder site{site_dir};
  // Each command and what it runs; the one given on the command line is run.
  const std::vector<std::pair<CLI::App*, std::function<int()>>> commands = {
      {init,
       [&] {
         cinepress::SiteFolder dir{init_dir.empty() ? site_dir : init_dir};
         if (auto s = cinepress::InitSite(dir, std::cout); !s) return Fail(s.error());
         std::cout << "Next: write in content/, then `cinepress import --site " << dir.root.string()
                   << "` and `cinepress build --site " << dir.root.string() << "`.\n";
         return 0;
       }},
      {demo,
       [&] {
         cinepress::SiteFolder dir{demo_dir.empty() ? site_dir : demo_dir};
         if (auto s = cinepress::CreateDemoSite(dir, threads, std::cout, std::cerr); !s) {
           return Fail(s.error());
         }
         std::cout << "Next: `cinepress build --site " << dir.root.string() << "`.\n";
         return 0;
       }},
      {import,
       [&] {
         cinepress::ImportOptions options;
         options.prune = prune;
         options.skip_invalid = skip_invalid;
         options.force = force;
         options.threads = threads;
         auto report = cinepress::ImportIntoSite(site, folder.empty() ? site_dir : folder, options,
                                                 std::cout, std::cerr);
         if (!report) return Fail(report.error());
         // Problems stop the write unless --skip-invalid; then the valid files went in.
         return report->problems.empty() || report->written ? 0 : 1;
       }},
      {import_wp,
       [&] {
         wp_options.uploads = uploads_dir;
         wp_options.fetch = !wp_no_fetch;
         if (!wp_options.section.empty() && wp_options.section != "articles") {
           wp_options.section_title = wp_options.section;
           wp_options.section_title[0] =
               static_cast<char>(std::toupper(wp_options.section_title[0]));
         }
         auto report = cinepress::ImportWordPressIntoSite(site, wxr_file, wp_options, wp_json,
                                                          std::cout, std::cerr);
         return report ? 0 : Fail(report.error());
       }},
      {build,
       [&] {
         cinepress::BuildOptions build_options;
         if (!out_dir.empty()) build_options.out_dir = out_dir;
         build_options.threads = threads;
         build_options.full = build_full;
         build_options.leave_to_exit = true;
         auto report = cinepress::BuildSite(site, build_options, std::cout);
         if (!report) return Fail(report.error());
         cinepress::LeaveToExit(std::make_shared<cinepress::PublishReport>(std::move(*report)));
         return 0;
       }},
      {serve,
       [&] {
         if (serve_options.listen.empty()) serve_options.listen = {"127.0.0.1:8080"};
         if (serve_options.threads == 0) serve_options.threads = 1;
         serve_options.pin_threads = !no_pin;
         serve_options.batch_scheduling = !no_batch;
         if (!metrics_allow.empty()) serve_options.metrics_allow = metrics_allow;
         if (metrics_allow == std::vector<std::string>{"none"}) serve_options.metrics_allow.clear();
         return Done(cinepress::ServeSite(site, serve_options, std::cout, std::cerr));
       }},
      {export_cmd,
       [&] {
         return Done(export_wxr.empty()
                         ? cinepress::ExportSiteFolder(site, export_dir, export_force, std::cout)
                         : cinepress::ExportSiteWxr(site, export_wxr, std::cout));
       }},
      {backup, [&] { return Done(cinepress::BackupSite(site, backup_file, std::cout)); }},
      {store_copy, [&] { return Done(cinepress::CopyStores(copy_from, copy_to, std::cout)); }},
      {restore, [&] { return Done(cinepress::RestoreSite(site, restore_file, std::cout)); }},
      {check,
       [&] {
         // 0: sound; 1: problems found (each printed), or the check could not run (said why).
         auto problems = cinepress::CheckSite(site, std::cout);
         if (!problems) return Fail(problems.error());
         return *problems == 0 ? 0 : 1;
       }},
      {p_stats,
       [&] { return Done(cinepress::PodcastStats(site, stats_show, stats_csv, std::cout)); }},
      {nl_send,
       [&] { return Done(cinepress::SendNewsletter(site, send_options, std::cout, std::cerr)); }},
      {nl_preview,
       [&] {
         return Done(
             cinepress::PreviewNewsletter(site, preview_slug, preview_text, std::cout, std::cerr));
       }},
      {nl_status, [&] { return Done(cinepress::NewsletterStatus(site, std::cout)); }},
      {nl_bounces,
       [&] {
         std::vector<std::filesystem::path> files(bounce_files.begin(), bounce_files.end());
         return Done(cinepress::ProcessBounces(site, files, std::cout, std::cerr));
       }},
      {sub_import,
       [&] {
         return Imported(
             cinepress::ImportSubscribers(site, csv_file, csv_skip_invalid, std::cout, std::cerr),
             csv_skip_invalid);
       }},
      {sub_export, [&] { return Done(cinepress::ExportSubscribers(site, std::cout)); }},
      {m_add, [&] { return Done(cinepress::MembersAdd(site, member_add, std::cout, std::cerr)); }},
      {m_list, [&] { return Done(cinepress::MembersList(site, member_tier, std::cout)); }},
      {m_show, [&] { return Done(cinepress::MembersShow(site, member_email, std::cout)); }},
      {m_remove, [&] { return Done(cinepress::MembersRemove(site, member_email, std::cout)); }},
      {m_import,
       [&] {
         return Imported(
             cinepress::MembersImport(site, member_csv, member_skip_invalid, std::cout, std::cerr),
             member_skip_invalid);
       }},
      {m_export, [&] { return Done(cinepress::MembersExport(site, std::cout)); }},
      {p_sync, [&] { return Done(cinepress::SyncPayments(site, std::cout)); }},
      {p_reconcile,
       [&] { return Done(cinepress::ReconcilePayments(site, reconcile_apply, std::cout)); }},
      {p_report, [&] { return Done(cinepress::ShowPaymentsReport(site, std::cout)); }},
      {p_donations, [&] { return Done(cinepress::ListDonations(site, donations_csv, std::cout)); }},
      {p_gifts, [&] { return Done(cinepress::ListGifts(site, gifts_csv, std::cout)); }},
      {s_add, [&] { return Done(cinepress::StaffAdd(site, staff_email, staff_role, std::cout)); }},
      {s_list, [&] { return Done(cinepress::StaffList(site, std::cout)); }},
      {s_remove, [&] { return Done(cinepress::StaffRemove(site, staff_email, std::cout)); }},
      {s_role,
       [&] { return Done(cinepress::StaffSetRole(site, staff_email, staff_role, std::cout)); }},
      {n_add,
       [&] {
         return Done(
             cinepress::IntegrationsAdd(site, integration_name, integration_role, std::cout));
       }},
      {n_list, [&] { return Done(cinepress::IntegrationsList(site, std::cout)); }},
      {w_deliveries,
       [&] { return Done(cinepress::WebhookDeliveries(site, deliveries_limit, std::cout)); }},
      {w_add, [&] { return Done(cinepress::WebhooksAdd(site, hook_add, std::cout)); }},
      {w_list, [&] { return Done(cinepress::WebhooksList(site, std::cout)); }},
      {w_remove, [&] { return Done(cinepress::WebhooksRemove(site, hook_number, std::cout)); }},
      {n_remove,
       [&] { return Done(cinepress::IntegrationsRemove(site, integration_name, std::cout)); }},
      {n_rotate,
       [&] { return Done(cinepress::IntegrationsRotate(site, integration_name, std::cout)); }},
      {i_add, [&] { return Done(cinepress::InstitutionsAdd(site, inst_add, std::cout)); }},
      {i_list, [&] { return Done(cinepress::InstitutionsList(site, std::cout)); }},
      {i_show, [&] { return Done(cinepress::InstitutionsShow(site, inst_name, std::cout)); }},
      {i_remove, [&] { return Done(cinepress::InstitutionsRemove(site, inst_name, std::cout)); }},
      {i_report,
       [&] { return Done(cinepress::InstitutionsReport(site, inst_month, inst_csv, std::cout)); }},
      {ib_list,
       [&] {
         return Done(cinepress::InboxListCommand(site, inbox_status, inbox_kind, std::cout));
       }},
      {ib_show,
       [&] {
         return Done(cinepress::InboxShowCommand(site, inbox_id, inbox_file_out, std::cout));
       }},
      {ib_reply,
       [&] {
         std::ifstream file;
         if (!inbox_message_file.empty()) {
           file.open(inbox_message_file, std::ios::binary);
           if (!file) {
             return Fail(cinepress::Error{
                 cinepress::ErrorCode::kIo, "cannot read the reply", inbox_message_file, 0, {}});
           }
         }
         std::istream& in = inbox_message_file.empty() ? std::cin : file;
         std::string message((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
         return Done(cinepress::InboxReplyCommand(site, inbox_id, message, std::cout));
       }},
      {ib_close, [&] { return Done(cinepress::InboxCloseCommand(site, inbox_id, std::cout)); }},
      {ib_reopen, [&] { return Done(cinepress::InboxReopenCommand(site, inbox_id, std::cout)); }},
      {o_list, [&] { return Done(cinepress::OrdersListCommand(site, order_status, std::cout)); }},
      {o_export,
       [&] {
         return Done(cinepress::OrdersExportCommand(site, order_status, order_csv, std::cout));
       }},
      {o_ship,
       [&] {
         return Done(cinepress::OrdersShipCommand(site, order_id, order_tracking, std::cout));
       }},
      {w_registrants,
       [&] {
         return Done(
             cinepress::WorkshopRegistrantsCommand(site, workshop_slug, workshop_csv, std::cout));
       }},
      {w_cancel,
       [&] { return Done(cinepress::WorkshopCancelCommand(site, workshop_slug, std::cout)); }},
  };
  for (const auto& [command, run] : commands) {
    if (!command->parsed()) continue;
    if (command == import || command == import_wp || command == build) TakeLargePages();
    return run();
  }
  return 2;  // CLI11 requires a command: not reached
}
