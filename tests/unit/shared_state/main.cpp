#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>

#include "redis_server.h"

int main(int argc, char** argv) {
  if (!test::RedisServer::installed()) {
    std::fprintf(stderr, "SKIPPED: redis-server is not installed (scripts/setup.sh --with-test-tools installs it)\n");
    return 77;
  }
  doctest::Context context(argc, argv);
  return context.run();
}
