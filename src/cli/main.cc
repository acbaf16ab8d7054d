// cinepress: the command line. Parses arguments and calls one function of the app module.
#include <CLI/CLI.hpp>
#include <iostream>

#include "app/app.h"
#include "app/maintenance_commands.h"
#include "app/newsletter_commands.h"
#include "core/parallel.h"

namespace {

using cinepress::Error;

int Fail(const Error& e) {
  std::cerr << "cinepress: " << e.ToString() << "\n";
  return 1;
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
  bool prune = false, skip_invalid = false;
  import->add_option("FOLDER", folder, "a Hugo-style folder: content/, data/authors.yaml, static/")
      ->required();
  import->add_flag("--prune", prune, "remove stored articles and media whose files are gone");
  import->add_flag("--skip-invalid", skip_invalid,
                   "import the valid files even when others have problems");
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

  CLI11_PARSE(app, argc, argv);
  if (threads == 0) threads = 1;

  if (init->parsed()) {
    cinepress::SiteFolder site{init_dir.empty() ? site_dir : init_dir};
    if (auto s = cinepress::InitSite(site, std::cout); !s) return Fail(s.error());
    std::cout << "Next: write in content/, then `cinepress import " << site.root.string()
              << " --site " << site.root.string() << "` and `cinepress build --site "
              << site.root.string() << "`.\n";
    return 0;
  }
  if (demo->parsed()) {
    cinepress::SiteFolder site{demo_dir.empty() ? site_dir : demo_dir};
    if (auto s = cinepress::CreateDemoSite(site, threads, std::cout, std::cerr); !s) {
      return Fail(s.error());
    }
    std::cout << "Next: `cinepress build --site " << site.root.string() << "`.\n";
    return 0;
  }
  cinepress::SiteFolder site{site_dir};
  if (import->parsed()) {
    cinepress::ImportOptions options;
    options.prune = prune;
    options.skip_invalid = skip_invalid;
    options.threads = threads;
    auto report = cinepress::ImportIntoSite(site, folder, options, std::cout, std::cerr);
    if (!report) return Fail(report.error());
    return report->problems.empty() ? 0 : 1;
  }
  if (import_wp->parsed()) {
    wp_options.uploads = uploads_dir;
    wp_options.fetch = !wp_no_fetch;
    if (!wp_options.section.empty() && wp_options.section != "articles") {
      wp_options.section_title = wp_options.section;
      wp_options.section_title[0] = static_cast<char>(std::toupper(wp_options.section_title[0]));
    }
    auto report = cinepress::ImportWordPressIntoSite(site, wxr_file, wp_options, wp_json, std::cout,
                                                     std::cerr);
    if (!report) return Fail(report.error());
    return 0;
  }
  if (build->parsed()) {
    auto report = cinepress::BuildSite(
        site, out_dir.empty() ? std::nullopt : std::optional<std::filesystem::path>(out_dir),
        threads, std::cout);
    if (!report) return Fail(report.error());
    return 0;
  }
  if (serve->parsed()) {
    if (serve_options.listen.empty()) serve_options.listen = {"127.0.0.1:8080"};
    if (serve_options.threads == 0) serve_options.threads = 1;
    serve_options.pin_threads = !no_pin;
    serve_options.batch_scheduling = !no_batch;
    if (!metrics_allow.empty()) serve_options.metrics_allow = metrics_allow;
    if (metrics_allow == std::vector<std::string>{"none"}) serve_options.metrics_allow.clear();
    if (auto s = cinepress::ServeSite(site, serve_options, std::cout, std::cerr); !s) {
      return Fail(s.error());
    }
    return 0;
  }
  if (backup->parsed()) {
    if (auto s = cinepress::BackupSite(site, backup_file, std::cout); !s) return Fail(s.error());
    return 0;
  }
  if (restore->parsed()) {
    if (auto s = cinepress::RestoreSite(site, restore_file, std::cout); !s) return Fail(s.error());
    return 0;
  }
  if (check->parsed()) {
    // 0: clean; 1: problems found (each printed); 2: the check could not run.
    auto problems = cinepress::CheckSite(site, std::cout);
    if (!problems) {
      Fail(problems.error());
      return 2;
    }
    return *problems == 0 ? 0 : 1;
  }
  if (nl_send->parsed()) {
    if (auto s = cinepress::SendNewsletter(site, send_options, std::cout, std::cerr); !s) {
      return Fail(s.error());
    }
    return 0;
  }
  if (nl_preview->parsed()) {
    if (auto s =
            cinepress::PreviewNewsletter(site, preview_slug, preview_text, std::cout, std::cerr);
        !s) {
      return Fail(s.error());
    }
    return 0;
  }
  if (nl_status->parsed()) {
    if (auto s = cinepress::NewsletterStatus(site, std::cout); !s) return Fail(s.error());
    return 0;
  }
  if (nl_bounces->parsed()) {
    std::vector<std::filesystem::path> files(bounce_files.begin(), bounce_files.end());
    if (auto s = cinepress::ProcessBounces(site, files, std::cout, std::cerr); !s) {
      return Fail(s.error());
    }
    return 0;
  }
  if (sub_import->parsed()) {
    auto bad = cinepress::ImportSubscribers(site, csv_file, csv_skip_invalid, std::cout, std::cerr);
    if (!bad) return Fail(bad.error());
    return *bad == 0 ? 0 : 1;
  }
  if (sub_export->parsed()) {
    if (auto s = cinepress::ExportSubscribers(site, std::cout); !s) return Fail(s.error());
    return 0;
  }
  return 2;
}
