// The composition root: command line and environment → HaloPSA client (or sandbox) → tools → transport.
#pragma once

namespace app {

int run(int argc, char** argv);

}  // namespace app
