// HTTPS: certificates are verified (an unknown CA is refused) and HALOPSA_CA_FILE admits a private CA.
#include <doctest/doctest.h>
#include <httplib.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <thread>

#include "halo/client.h"

namespace {

// A self-signed certificate for 127.0.0.1 (IP SAN), made in memory for this test run.
struct SelfSigned {
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  SelfSigned() {
    key = EVP_EC_gen("P-256");
    cert = X509_new();
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1,
                               0);
    X509_set_issuer_name(cert, name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    for (auto [nid, value] :
         {std::pair{NID_subject_alt_name, "IP:127.0.0.1"}, std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
      X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
      X509_add_ext(cert, ext, -1);
      X509_EXTENSION_free(ext);
    }
    X509_sign(cert, key, EVP_sha256());
  }
  ~SelfSigned() {
    X509_free(cert);
    EVP_PKEY_free(key);
  }
  void write_pem(const std::string& path) const {
    FILE* f = std::fopen(path.c_str(), "w");
    REQUIRE(f);
    PEM_write_X509(f, cert);
    std::fclose(f);
  }
};

}  // namespace

TEST_CASE("tls: the server certificate is verified; a custom CA file makes a private CA trusted") {
  SelfSigned identity;
  REQUIRE(identity.key);
  httplib::SSLServer server(identity.cert, identity.key);
  REQUIRE(server.is_valid());
  server.Post("/auth/token", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"access_token":"tls-token-123456","expires_in":3600})", "application/json");
  });
  server.Get("/api/Client/1", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"id":1,"name":"Over TLS"})", "application/json");
  });
  const int port = server.bind_to_any_port("127.0.0.1");
  std::thread thread([&] { server.listen_after_bind(); });
  for (int i = 0; i < 500 && !server.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));

  halo::Config config;
  config.base_url = "https://127.0.0.1:" + std::to_string(port);
  config.auth_url = config.base_url + "/auth";
  config.client_id = "cid";
  config.client_secret = "tls-secret-value";
  config.backoff_base_ms = 1;
  {
    halo::Client untrusting(config);
    try {
      untrusting.get("Client/1");
      FAIL("an unknown CA must be refused");
    } catch (const halo::Error& e) {
      CHECK(e.kind() == halo::ErrorKind::network);
      CHECK(std::string(e.what()).find("could not be verified") != std::string::npos);
      CHECK(std::string(e.what()).find("HALOPSA_CA_FILE") != std::string::npos);
    }
  }
  const std::string ca =
      (std::filesystem::temp_directory_path() / ("halo-test-ca-" + std::to_string(getpid()) + ".pem")).string();
  identity.write_pem(ca);
  config.ca_file = ca;
  {
    halo::Client trusting(config);
    CHECK(trusting.get("Client/1")["name"] == "Over TLS");
  }
  std::filesystem::remove(ca);
  server.stop();
  thread.join();
}
