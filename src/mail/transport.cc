#include "mail/transport.h"

#include <algorithm>

namespace cinepress {

int64_t RetryPolicy::PauseAfter(int tries) const {
  int64_t pause = std::max(1, first_pause_s);
  for (int i = 1; i < tries && pause < longest_pause_s; ++i) pause *= 2;
  return std::min<int64_t>(pause, std::max(first_pause_s, longest_pause_s));
}
namespace {

class RecordingTransport final : public MailTransport {
 public:
  explicit RecordingTransport(MailRecorder* recorder) : recorder_(recorder) {}
  SendResult Send(const MailMessage& message) override { return recorder_->Deliver(message); }

 private:
  MailRecorder* recorder_;
};

}  // namespace

void MailRecorder::FailTemporarily(const std::string& email, int times) {
  std::lock_guard lock(mu_);
  temporary_[email] = times;
}

void MailRecorder::FailPermanently(const std::string& email) {
  std::lock_guard lock(mu_);
  permanent_[email] = true;
}

void MailRecorder::RefuseEverything(bool refuse) {
  std::lock_guard lock(mu_);
  refuse_ = refuse;
}

std::vector<MailMessage> MailRecorder::Messages() const {
  std::lock_guard lock(mu_);
  return messages_;
}

size_t MailRecorder::Count() const {
  std::lock_guard lock(mu_);
  return messages_.size();
}

int MailRecorder::Attempts(const std::string& email) const {
  std::lock_guard lock(mu_);
  auto it = attempts_.find(email);
  return it == attempts_.end() ? 0 : it->second;
}

SendResult MailRecorder::Deliver(const MailMessage& message) {
  std::lock_guard lock(mu_);
  const std::string& to = message.to.email;
  ++attempts_[to];
  if (refuse_) return {SendOutcome::kRelayRefused, 535, "535 authentication failed"};
  if (permanent_.count(to)) return {SendOutcome::kPermanent, 550, "550 no such user"};
  if (auto it = temporary_.find(to); it != temporary_.end() && it->second > 0) {
    --it->second;
    return {SendOutcome::kTemporary, 451, "451 try again later"};
  }
  messages_.push_back(message);
  return {SendOutcome::kAccepted, 250, "250 OK"};
}

TransportFactory MailRecorder::Factory() {
  return [this]() -> Result<std::unique_ptr<MailTransport>> {
    return std::unique_ptr<MailTransport>(std::make_unique<RecordingTransport>(this));
  };
}

}  // namespace cinepress
