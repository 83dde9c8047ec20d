#pragma once
// One HTTP exchange with HaloPSA (or its auth server), over pooled keep-alive connections.
// Certificates are verified against the system CA store, or against ca_file when given.
// Failures to get any answer become Error(network); every answer, whatever its status, is returned.
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace halo {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
  int status = 0;
  std::string body;
  std::string content_type;
  std::string retry_after;  // raw Retry-After header, "" when absent
  Headers rate_headers;     // X-RateLimit-* / RateLimit-* headers as sent (names lower-cased), for the self-check
};

// Why no answer came back. `not_sent` means the request certainly never reached the server
// (connect or TLS handshake failed), so even a create may be repeated.
struct NetworkFailure {
  bool not_sent = false;
};

class HttpTransport {
 public:
  struct Options {
    int connect_timeout_ms = 10000;
    int read_timeout_ms = 30000;
    std::string ca_file;
  };

  explicit HttpTransport(Options options);
  ~HttpTransport();
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  // `url` is absolute: scheme://host[:port]/path[?query], already percent-encoded.
  // Throws Error(network); `failure`, when given, says whether the request may have been sent.
  HttpResponse send(std::string_view method, const std::string& url, const Headers& headers, std::string_view body = {},
                    std::string_view content_type = {}, NetworkFailure* failure = nullptr);

  // Closes the pooled keep-alive connections (requests in flight keep theirs). A server waiting for idle
  // connections to end, like the embedded sandbox stopping, then need not wait for its keep-alive timeout.
  void close_idle();

 private:
  struct Connection;
  std::unique_ptr<Connection> checkout(const std::string& origin);
  void checkin(const std::string& origin, std::unique_ptr<Connection> connection);

  Options options_;
  std::mutex mu_;
  std::map<std::string, std::vector<std::unique_ptr<Connection>>> idle_;  // by origin
};

}  // namespace halo
