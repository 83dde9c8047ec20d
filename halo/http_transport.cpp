#include "halo/http_transport.h"

#include <cctype>
#include <cstdlib>
#include <filesystem>

#include <httplib.h>
#include <spdlog/spdlog.h>

#include "halo/errors.h"
#include "halo/url.h"

namespace halo {
namespace {

constexpr std::size_t kMaxIdlePerOrigin = 16;

std::string describe(httplib::Error error, const std::string& origin) {
  switch (error) {
    case httplib::Error::Connection:
      return "could not connect to " + origin + " (connection refused or host unreachable)";
    case httplib::Error::ConnectionTimeout: return "timed out connecting to " + origin;
    case httplib::Error::Read:
      return "no complete answer from " + origin + " (read timed out or the connection was dropped)";
    case httplib::Error::Write: return "the connection to " + origin + " broke while sending the request";
    case httplib::Error::SSLConnection: return "the TLS handshake with " + origin + " failed";
    case httplib::Error::SSLLoadingCerts: return "could not load the CA certificates (check HALOPSA_CA_FILE)";
    case httplib::Error::SSLServerVerification:
      return "the TLS certificate of " + origin +
             " could not be verified (for a private CA, point HALOPSA_CA_FILE at its PEM bundle)";
    case httplib::Error::Canceled: return "the request to " + origin + " was cancelled";
    default: return "the request to " + origin + " failed (" + httplib::to_string(error) + ")";
  }
}

// The CA bundle to verify servers against when HALOPSA_CA_FILE is not set. OpenSSL's own default is the folder it
// was configured with (Debian's /usr/lib/ssl), which other distributions lack; the portable binary carries
// Debian's OpenSSL, so it looks where each distribution keeps its bundle (the list Go's crypto/x509 uses).
// SSL_CERT_FILE / SSL_CERT_DIR, when set, keep OpenSSL's own meaning and win. "" leaves OpenSSL's default.
std::string system_ca_file() {
  if (std::getenv("SSL_CERT_FILE") || std::getenv("SSL_CERT_DIR")) return {};
  static constexpr const char* kBundles[] = {
      "/etc/ssl/certs/ca-certificates.crt",                 // Debian, Ubuntu, Arch, Gentoo
      "/etc/pki/tls/certs/ca-bundle.crt",                   // Fedora, RHEL 6-8
      "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",  // RHEL 9, CentOS Stream
      "/etc/ssl/ca-bundle.pem",                             // openSUSE, SLES
      "/etc/pki/tls/cacert.pem",                            // OpenELEC
      "/etc/ssl/cert.pem",                                  // Alpine, Void
  };
  std::error_code ec;
  for (const char* path : kBundles)
    if (std::filesystem::is_regular_file(path, ec)) return path;
  return {};
}

void set_timeout(httplib::Client& c, void (httplib::Client::*setter)(time_t, time_t), int ms) {
  (c.*setter)(static_cast<time_t>(ms / 1000), static_cast<time_t>((ms % 1000) * 1000));
}

}  // namespace

struct HttpTransport::Connection {
  explicit Connection(const std::string& origin) : client(origin) {}
  httplib::Client client;
};

HttpTransport::HttpTransport(Options options) : options_(std::move(options)) {
  if (options_.ca_file.empty()) {
    options_.ca_file = system_ca_file();
    spdlog::debug("TLS: CA certificates from {}", options_.ca_file.empty()
                                                      ? "OpenSSL's defaults (SSL_CERT_FILE / SSL_CERT_DIR when set)"
                                                      : options_.ca_file);
  }
}

HttpTransport::~HttpTransport() = default;

std::unique_ptr<HttpTransport::Connection> HttpTransport::checkout(const std::string& origin) {
  {
    std::lock_guard lock(mu_);
    auto& pool = idle_[origin];
    if (!pool.empty()) {
      auto connection = std::move(pool.back());
      pool.pop_back();
      return connection;
    }
  }
  auto connection = std::make_unique<Connection>(origin);
  auto& c = connection->client;
  set_timeout(c, &httplib::Client::set_connection_timeout, options_.connect_timeout_ms);
  set_timeout(c, &httplib::Client::set_read_timeout, options_.read_timeout_ms);
  set_timeout(c, &httplib::Client::set_write_timeout, options_.read_timeout_ms);
  c.set_keep_alive(true);
  c.set_tcp_nodelay(true);       // small JSON requests: no Nagle delay waiting for a delayed ACK
  c.set_follow_location(false);  // a redirect must never carry the bearer token elsewhere
  c.set_url_encode(false);       // paths and queries arrive percent-encoded
  c.enable_server_certificate_verification(true);
  if (!options_.ca_file.empty()) c.set_ca_cert_path(options_.ca_file);
  return connection;
}

void HttpTransport::checkin(const std::string& origin, std::unique_ptr<Connection> connection) {
  std::lock_guard lock(mu_);
  auto& pool = idle_[origin];
  if (pool.size() < kMaxIdlePerOrigin) pool.push_back(std::move(connection));
}

void HttpTransport::close_idle() {
  std::map<std::string, std::vector<std::unique_ptr<Connection>>> closing;
  {
    std::lock_guard lock(mu_);
    closing.swap(idle_);
  }
}  // closed here, outside the lock

HttpResponse HttpTransport::send(std::string_view method, const std::string& url, const Headers& headers,
                                 std::string_view body, std::string_view content_type, NetworkFailure* failure) {
  std::string why;
  auto parsed = parse_url(url.substr(0, url.find('?')), &why);
  if (!parsed) throw Error(ErrorKind::config, "bad request URL '" + url + "': " + why);
  const std::string origin = parsed->origin();
  const auto query = url.find('?');
  std::string target = parsed->path.empty() ? "/" : parsed->path;
  if (query != std::string::npos) target += url.substr(query);

  httplib::Headers request_headers;
  for (const auto& [name, value] : headers) request_headers.emplace(name, value);

  auto connection = checkout(origin);
  auto& c = connection->client;
  httplib::Result result = [&] {
    const std::string type(content_type);
    if (method == "GET") return c.Get(target, request_headers);
    if (method == "POST") return c.Post(target, request_headers, body.data(), body.size(), type);
    if (method == "PUT") return c.Put(target, request_headers, body.data(), body.size(), type);
    if (method == "DELETE") return c.Delete(target, request_headers);
    throw Error(ErrorKind::config, "unsupported HTTP method " + std::string(method));
  }();

  if (!result) {
    const auto error = result.error();
    if (failure) {
      failure->not_sent = error == httplib::Error::Connection || error == httplib::Error::ConnectionTimeout ||
                          error == httplib::Error::SSLConnection || error == httplib::Error::SSLLoadingCerts ||
                          error == httplib::Error::SSLServerVerification;
    }
    throw Error(ErrorKind::network, describe(error, origin));  // the connection is dropped, not pooled
  }
  HttpResponse response;
  response.status = result->status;
  response.body = std::move(result->body);
  response.content_type = result->get_header_value("Content-Type");
  response.retry_after = result->get_header_value("Retry-After");
  for (const auto& [name, value] : result->headers) {
    std::string lower = name;
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (lower.rfind("x-ratelimit", 0) == 0 || lower.rfind("ratelimit", 0) == 0)
      response.rate_headers.emplace_back(lower, value);
  }
  const bool closing = result->get_header_value("Connection") == "close";
  if (!closing) checkin(origin, std::move(connection));
  return response;
}

}  // namespace halo
