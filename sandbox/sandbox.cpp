#include "sandbox/sandbox.h"

#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <spdlog/spdlog.h>

#include "net/hardened_server.h"
#include "net/listen_socket.h"
#include "sandbox/service.h"

namespace sandbox {

std::string default_db_path() {
  namespace fs = std::filesystem;
  fs::path base;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg == '/') {
    base = xdg;
  } else {
    const char* home = std::getenv("HOME");
    if (!home || !*home) {
      if (const passwd* pw = getpwuid(getuid()); pw && pw->pw_dir) home = pw->pw_dir;
    }
    if (!home || !*home)
      throw std::runtime_error("sandbox: no home folder (HOME is unset): set HALOPSA_SANDBOX_DB to a database file");
    base = fs::path(home) / ".local" / "share";
  }
  const fs::path dir = base / "halopsa-mcp";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    throw std::runtime_error("sandbox: cannot create " + dir.string() + ": " + ec.message() +
                             " (set HALOPSA_SANDBOX_DB to another database file)");
  return (dir / "sandbox.db").string();
}

struct Sandbox::Impl {
  explicit Impl(Options options) : svc(std::move(options)) {
    // Each keep-alive connection holds a worker while open: size for a busy client with pooled connections.
    server.new_task_queue = [] { return new httplib::ThreadPool(32); };
    server.set_keep_alive_timeout(2);  // bounds how long stop() waits on idle keep-alive connections
    server.set_tcp_nodelay(true);
    server.set_payload_max_length(16 * 1024 * 1024);
    auto handler = [this](const httplib::Request& req, httplib::Response& res) { svc.handle(req, res); };
    server.Get(".*", handler);
    server.Post(".*", handler);
    server.Put(".*", handler);
    server.Patch(".*", handler);
    server.Delete(".*", handler);
    server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
      std::string what = "unknown error";
      try {
        if (ep) std::rethrow_exception(ep);
      } catch (const std::exception& e) {
        what = e.what();
      } catch (...) {}
      spdlog::error("sandbox: unhandled error: {}", what);
      send_json(res, 500, {{"Message", "An error has occurred."}});
    });
  }

  Service svc;
  // The same head, body and time limits as the MCP transport; no per-client cap: it serves loopback only, where
  // every client (the MCP server's own connections included) shares one address.
  net::HardenedServer server{
      {.max_body_bytes = 16 * 1024 * 1024}, [](int, std::string_view message) {
        return std::pair{std::string("application/json; charset=utf-8"), nlohmann::json{{"error", message}}.dump()};
      }};
  net::ListenSocket listen_socket{server};
  std::thread thread;
  std::mutex mu;
  std::condition_variable stopped_cv;
  std::atomic<bool> serving{false};
};

Sandbox::Sandbox(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {}

Sandbox::~Sandbox() { stop(); }

void Sandbox::start() {
  std::unique_lock lock(impl_->mu);
  if (impl_->serving) return;
  const Options& o = impl_->svc.options;
  errno = 0;
  const int port =
      o.port == 0 ? impl_->server.bind_to_any_port(o.host) : (impl_->server.bind_to_port(o.host, o.port) ? o.port : -1);
  if (port <= 0) {
    const std::string why = errno ? std::strerror(errno) : "the address is not available";
    throw std::runtime_error("sandbox: cannot listen on " + o.host + ":" + std::to_string(o.port) + ": " + why +
                             (o.port ? " (is the port already in use? pick another with --port, or 0 for any)" : ""));
  }
  impl_->listen_socket.on_bound();
  impl_->svc.port = port;
  impl_->serving = true;
  impl_->thread = std::thread([impl = impl_.get()] {
    impl->server.listen_after_bind();
    std::lock_guard done(impl->mu);
    impl->serving = false;
    impl->stopped_cv.notify_all();
  });
  lock.unlock();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!impl_->server.is_running()) {
    if (!impl_->serving) {
      stop();
      throw std::runtime_error("sandbox: the HTTP server stopped while starting on " + base_url());
    }
    if (std::chrono::steady_clock::now() > deadline) {
      stop();
      throw std::runtime_error("sandbox: the HTTP server did not start within 10 s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  spdlog::info("sandbox: serving HaloPSA API on {}", base_url());
}

void Sandbox::stop() {
  std::thread worker;
  {
    std::lock_guard lock(impl_->mu);
    if (!impl_->thread.joinable()) return;
    worker = std::move(impl_->thread);
  }
  // listen_after_bind may not have reached its accept loop yet; stop() is a no-op until it has.
  while (impl_->serving && !impl_->server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  impl_->server.stop();
  impl_->listen_socket.end_connections();
  worker.join();
}

void Sandbox::wait() {
  std::unique_lock lock(impl_->mu);
  impl_->stopped_cv.wait(lock, [&] { return !impl_->serving; });
}

int Sandbox::port() const { return impl_->svc.port.load(); }

std::string Sandbox::base_url() const { return impl_->svc.base_url(); }

const Options& Sandbox::options() const { return impl_->svc.options; }

Faults& Sandbox::faults() { return impl_->svc.faults; }

QuirkSwitches& Sandbox::quirks() { return impl_->svc.quirks; }

std::vector<LoggedRequest> Sandbox::requests(std::uint64_t since) const { return impl_->svc.log.since(since); }

void Sandbox::reset() { impl_->svc.reset(); }

std::size_t Sandbox::add_bulk_clients(std::size_t n, unsigned seed) {
  return impl_->svc.store.add_bulk_clients(n, seed);
}

namespace {

// Lock-free atomics are async-signal-safe, and the signal may land on any thread (not the one polling it).
std::atomic<bool> g_stop_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void on_stop_signal(int) { g_stop_requested.store(true); }

}  // namespace

int run_standalone(Options options) {
  try {
    Sandbox sandbox(std::move(options));
    sandbox.start();
    const Options& o = sandbox.options();
    std::fprintf(stderr,
                 "halopsa-mcp sandbox: HaloPSA API on %s (auth %s/auth, tenant %s, client_id %s, client_secret %s, "
                 "database %s; agent sign-in: client_id %s at %s/auth/authorize, demo logins on its page). "
                 "Ctrl-C to stop.\n",
                 sandbox.base_url().c_str(), sandbox.base_url().c_str(), o.tenant.c_str(), o.client_id.c_str(),
                 o.client_secret.c_str(), o.db_path.c_str(), o.agent_app_client_id.c_str(), sandbox.base_url().c_str());
    std::fflush(stderr);

    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    struct sigaction old_int {
    }, old_term{};
    g_stop_requested.store(false);
    sigaction(SIGINT, &action, &old_int);
    sigaction(SIGTERM, &action, &old_term);
    while (!g_stop_requested.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    sigaction(SIGINT, &old_int, nullptr);
    sigaction(SIGTERM, &old_term, nullptr);

    spdlog::info("sandbox: stopping");
    sandbox.stop();
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "halopsa-mcp sandbox: %s\n", e.what());
    return 1;
  }
}

}  // namespace sandbox
