// The self-check (halo/doctor.h) against an in-process sandbox: findings the e2e test cannot force (a page cap,
// a scope without customers, a failing read), and that it never writes and stays within kMaxRequests.
#include <algorithm>

#include "halo/doctor.h"
#include "sandbox_fixture.h"

namespace {

const halo::doctor::Finding& finding(const halo::doctor::Report& r, const std::string& check) {
  auto it = std::find_if(r.findings.begin(), r.findings.end(), [&](const auto& f) { return f.check == check; });
  REQUIRE_MESSAGE(it != r.findings.end(), "no finding " << check);
  return *it;
}

}  // namespace

TEST_CASE("doctor: a server page cap below 200 is found and named; reads only, within the stated request count") {
  auto options = test::sandbox_options();
  options.max_page_size = 15;
  test::SandboxFixture fx(options);
  const auto seq = fx.mark();
  const auto report = halo::doctor::run(fx.config(), "tenant");
  const auto& cap = finding(report, "page cap");
  CHECK(cap.level == halo::doctor::Level::note);
  CHECK(cap.data["capped_at"] == 15);
  CHECK(cap.finding.find("capped at 15") != std::string::npos);
  const auto log = fx.requests(seq);
  CHECK(log.size() == static_cast<std::size_t>(report.requests));
  CHECK(report.requests <= halo::doctor::kMaxRequests);
  for (const auto& r : log) CHECK((r["method"] == "GET" || r["path"] == "/auth/token"));
  CHECK_FALSE(report.has_problem());
}

TEST_CASE("doctor: a token without a customers scope is a problem; a read that fails is named with its status") {
  test::SandboxFixture fx;
  auto config = fx.config();
  config.scope = "read:tickets";
  auto report = halo::doctor::run(config, "tenant");
  CHECK(finding(report, "token and scopes").level == halo::doctor::Level::problem);
  CHECK(finding(report, "paging").level == halo::doctor::Level::problem);  // 403 on GET Client
  CHECK(finding(report, "paging").data["status"] == 403);
  CHECK(report.has_problem());
  CHECK(report.to_json()["ok"] == false);
  CHECK(report.table().find("[problem] token and scopes") != std::string::npos);

  config.client_secret = "wrong";
  report = halo::doctor::run(config, "tenant");
  REQUIRE(report.findings.size() == 1);
  CHECK(report.findings[0].check == "token");
  CHECK(report.to_json().dump().find("wrong") == std::string::npos);
}
