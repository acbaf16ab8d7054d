#include "mail/smtp_transport.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

namespace cinepress {
namespace {

// A scripted SMTP relay on loopback: RCPT to perm…@ gets 550, to temp…@ gets 451, anything
// else is accepted; it records each message's data and counts connections.
class FakeRelay {
 public:
  FakeRelay() {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    socklen_t len = sizeof addr;
    getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    listen(listener_, 8);
    thread_ = std::thread([this] { Run(); });
  }
  ~FakeRelay() {
    shutdown(listener_, SHUT_RDWR);
    close(listener_);
    thread_.join();
  }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  int connections() const { return connections_; }
  std::vector<std::string> messages;

 private:
  void Run() {
    for (;;) {
      int c = accept(listener_, nullptr, nullptr);
      if (c < 0) return;
      ++connections_;
      Serve(c);
      close(c);
    }
  }
  static void Say(int c, const std::string& s) { (void)!write(c, s.data(), s.size()); }
  void Serve(int c) {
    Say(c, "220 fake ESMTP\r\n");
    std::string buf;
    bool in_data = false;
    char chunk[4096];
    for (;;) {
      ssize_t n = read(c, chunk, sizeof chunk);
      if (n <= 0) return;
      buf.append(chunk, static_cast<size_t>(n));
      for (;;) {
        if (in_data) {
          size_t end = buf.find("\r\n.\r\n");
          if (end == std::string::npos) break;
          messages.push_back(buf.substr(0, end + 2));
          buf.erase(0, end + 5);
          in_data = false;
          Say(c, "250 queued\r\n");
          continue;
        }
        size_t eol = buf.find("\r\n");
        if (eol == std::string::npos) break;
        std::string line = buf.substr(0, eol);
        buf.erase(0, eol + 2);
        std::string verb = line.substr(0, 4);
        if (verb == "EHLO" || verb == "HELO") {
          Say(c, "250 fake\r\n");
        } else if (verb == "MAIL" && line.find("<blocked") != std::string::npos) {
          Say(c, "553 sender not allowed\r\n");
        } else if (verb == "RCPT") {
          if (line.find("<perm") != std::string::npos) {
            Say(c, "550 no such user\r\n");
          } else if (line.find("<temp") != std::string::npos) {
            Say(c, "451 try later\r\n");
          } else {
            Say(c, "250 ok\r\n");
          }
        } else if (verb == "DATA") {
          in_data = true;
          Say(c, "354 go on\r\n");
        } else if (verb == "QUIT") {
          Say(c, "221 bye\r\n");
          return;
        } else {
          Say(c, "250 ok\r\n");
        }
      }
    }
  }
  int listener_ = -1;
  int port_ = 0;
  std::atomic<int> connections_{0};
  std::thread thread_;
};

// A transport to the fake relay, in clear (loopback).
std::unique_ptr<MailTransport> OpenOn(const FakeRelay& relay) {
  SmtpOptions o;
  o.url = relay.url();
  o.starttls = "none";
  auto t = OpenSmtpTransport(o);
  EXPECT_TRUE(t.ok()) << t.error().ToString();
  return t.ok() ? std::move(*t) : nullptr;
}

MailMessage Sample(const std::string& to) {
  MailMessage m;
  m.from = {"Changeover", "news@c.example"};
  m.to = {"Zoë Ménard", to};
  m.subject = "Día 3 — the dispatch";
  m.date = 1633496434;
  m.message_id = "issue-1.7.abc@c.example";
  m.headers = {{"List-Unsubscribe", "<https://c.example/u/1>"},
               {"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"}};
  m.text = "Plain words, café.\n";
  m.html = "<p>HTML words, café.</p>\n";
  return m;
}

TEST(SmtpTransport, SendsMimeMessagesOverOneConnection) {
  FakeRelay relay;
  auto t = OpenOn(relay);
  ASSERT_TRUE(t);
  for (int i = 0; i < 3; ++i) {
    SendResult r = t->Send(Sample("reader" + std::to_string(i) + "@r.example"));
    EXPECT_EQ(r.outcome, SendOutcome::kAccepted) << r.detail;
    EXPECT_EQ(r.code, 250);
  }
  EXPECT_EQ(relay.connections(), 1);  // kept open across messages
  ASSERT_EQ(relay.messages.size(), 3u);
  const std::string& data = relay.messages[0];
  EXPECT_NE(data.find("Message-ID: <issue-1.7.abc@c.example>\r\n"), std::string::npos);
  EXPECT_NE(data.find("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"), std::string::npos);
  EXPECT_NE(data.find("Content-Type: multipart/alternative"), std::string::npos);
  EXPECT_NE(data.find("text/plain; charset=utf-8"), std::string::npos);
  EXPECT_NE(data.find("text/html; charset=utf-8"), std::string::npos);
  EXPECT_NE(data.find("quoted-printable"), std::string::npos);
  EXPECT_NE(data.find("caf=C3=A9"), std::string::npos);
  EXPECT_EQ(data.find("=0A"), std::string::npos);  // line ends stay line ends
  EXPECT_NE(data.find("Plain words, caf=C3=A9.\r\n"), std::string::npos);
  EXPECT_NE(data.find("Subject: =?UTF-8?"), std::string::npos);
}

TEST(SmtpTransport, RefusalsAreTemporaryOrPermanentByReplyCode) {
  FakeRelay relay;
  auto t = OpenOn(relay);
  ASSERT_TRUE(t);
  SendResult perm = t->Send(Sample("perm@r.example"));
  EXPECT_EQ(perm.outcome, SendOutcome::kPermanent);
  EXPECT_EQ(perm.code, 550);
  SendResult temp = t->Send(Sample("temp@r.example"));
  EXPECT_EQ(temp.outcome, SendOutcome::kTemporary);
  EXPECT_EQ(temp.code, 451);
  SendResult ok = t->Send(Sample("fine@r.example"));
  EXPECT_EQ(ok.outcome, SendOutcome::kAccepted) << ok.detail;
  EXPECT_EQ(relay.messages.size(), 1u);
}

TEST(SmtpTransport, ARefusedSenderIsTheRelayRefusingUsNotTheRecipient) {
  FakeRelay relay;
  auto t = OpenOn(relay);
  ASSERT_TRUE(t);
  MailMessage m = Sample("fine@r.example");
  m.from.email = "blocked@c.example";
  SendResult r = t->Send(m);
  EXPECT_EQ(r.outcome, SendOutcome::kRelayRefused) << r.detail;
  EXPECT_EQ(r.code, 553);
}

TEST(SmtpTransport, NoRelayIsATemporaryFailure) {
  SmtpOptions o;
  o.url = "smtp://127.0.0.1:1";
  o.starttls = "none";
  auto t = OpenSmtpTransport(o);
  ASSERT_TRUE(t.ok());
  SendResult r = (*t)->Send(Sample("a@r.example"));
  EXPECT_EQ(r.outcome, SendOutcome::kTemporary);
}

TEST(SmtpTransport, BadOptionsAreRefused) {
  SmtpOptions o;
  o.url = "http://relay.example";
  EXPECT_FALSE(OpenSmtpTransport(o).ok());
  o.url = "smtp://relay.example";
  o.starttls = "maybe";
  auto t = OpenSmtpTransport(o);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().field, "smtp.starttls");
}

}  // namespace
}  // namespace cinepress
