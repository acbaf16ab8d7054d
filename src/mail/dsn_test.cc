#include "mail/dsn.h"

#include <gtest/gtest.h>

namespace cinepress {
namespace {

// A bounce as Postfix writes one (RFC 3464), for two recipients: one gone, one full.
const char* kBounce =
    "From: MAILER-DAEMON@relay.example (Mail Delivery System)\r\n"
    "To: news@changeover.example\r\n"
    "Subject: Undelivered Mail Returned to Sender\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/report; report-type=delivery-status;\r\n"
    "\tboundary=\"BOUND\"\r\n"
    "\r\n"
    "--BOUND\r\n"
    "Content-Type: text/plain; charset=us-ascii\r\n"
    "\r\n"
    "I'm sorry to have to inform you that your message could not be delivered.\r\n"
    "--BOUND\r\n"
    "Content-Type: message/delivery-status\r\n"
    "\r\n"
    "Reporting-MTA: dns; relay.example\r\n"
    "Arrival-Date: Wed, 25 Nov 2026 10:00:00 +0000\r\n"
    "\r\n"
    "Final-Recipient: rfc822; gone@readers.example\r\n"
    "Original-Recipient: rfc822;gone@readers.example\r\n"
    "Action: failed\r\n"
    "Status: 5.1.1\r\n"
    "Diagnostic-Code: smtp; 550 5.1.1 <gone@readers.example>: user unknown\r\n"
    "\r\n"
    "Final-Recipient: rfc822; full@readers.example\r\n"
    "Action: delayed\r\n"
    "Status: 4.2.2\r\n"
    "Diagnostic-Code: smtp; 452 4.2.2 mailbox full\r\n"
    "\r\n"
    "--BOUND\r\n"
    "Content-Type: text/rfc822-headers\r\n"
    "\r\n"
    "Message-ID: <cinepress.1.2@changeover.example>\r\n"
    "--BOUND--\r\n";

TEST(Dsn, EachRecipientWithActionAndStatus) {
  auto r = ParseDeliveryReports(kBounce);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->messages, 1);
  ASSERT_EQ(r->recipients.size(), 2u);
  const DsnRecipient& gone = r->recipients[0];
  EXPECT_EQ(gone.email, "gone@readers.example");
  EXPECT_EQ(gone.action, "failed");
  EXPECT_EQ(gone.status, "5.1.1");
  EXPECT_NE(gone.diagnostic.find("user unknown"), std::string::npos);
  EXPECT_TRUE(gone.hard());
  EXPECT_FALSE(gone.soft());
  const DsnRecipient& full = r->recipients[1];
  EXPECT_EQ(full.email, "full@readers.example");
  EXPECT_TRUE(full.soft());
  EXPECT_FALSE(full.hard());
}

TEST(Dsn, AnMboxOfSeveralMessages) {
  std::string mbox = std::string("From MAILER-DAEMON Wed Nov 25 10:00:00 2026\n") + kBounce +
                     "\nFrom someone Wed Nov 25 10:01:00 2026\n"
                     "From: a@b.example\nSubject: not a bounce\n\nhello\n";
  auto r = ParseDeliveryReports(mbox);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->messages, 2);
  EXPECT_EQ(r->not_dsn, 1);
  EXPECT_EQ(r->recipients.size(), 2u);
}

// A complaint (ARF, RFC 5965) as a mailbox provider's feedback loop sends one.
std::string Complaint(bool with_rcpt_field) {
  return std::string(
             "From: fbl@provider.example\r\n"
             "Subject: FW: complaint\r\n"
             "MIME-Version: 1.0\r\n"
             "Content-Type: multipart/report; report-type=feedback-report; boundary=\"F\"\r\n"
             "\r\n"
             "--F\r\n"
             "Content-Type: text/plain\r\n"
             "\r\n"
             "This is an abuse report.\r\n"
             "--F\r\n"
             "Content-Type: message/feedback-report\r\n"
             "\r\n"
             "Feedback-Type: abuse\r\n"
             "User-Agent: provider-fbl/1.0\r\n"
             "Version: 1\r\n") +
         (with_rcpt_field ? "Original-Rcpt-To: <angry@readers.example>\r\n" : "") +
         "\r\n"
         "--F\r\n"
         "Content-Type: message/rfc822\r\n"
         "\r\n"
         "From: Changeover <news@changeover.example>\r\n"
         "To: Angry Reader <angry@readers.example>\r\n"
         "Subject: The Weekly\r\n"
         "\r\n"
         "The issue.\r\n"
         "--F--\r\n";
}

TEST(Dsn, ComplaintsNameTheReader) {
  for (bool field : {true, false}) {
    auto r = ParseDeliveryReports(Complaint(field));
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->complaints.size(), 1u) << field;
    EXPECT_EQ(r->complaints[0], "angry@readers.example");
    EXPECT_EQ(r->not_dsn, 0);
    EXPECT_TRUE(r->recipients.empty());
  }
}

TEST(Dsn, AMessageWithoutAReportHasNoRecipients) {
  auto r = ParseDeliveryReports("From: a@b.example\r\nSubject: hi\r\n\r\nJust words.\r\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->not_dsn, 1);
  EXPECT_TRUE(r->recipients.empty());
}

}  // namespace
}  // namespace cinepress
