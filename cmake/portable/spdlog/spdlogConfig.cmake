# spdlog for the portable build: header-only, with fmt header-only too (Debian ships neither as a static archive).
# Debian's spdlog headers are configured for an external fmt (SPDLOG_FMT_EXTERNAL in tweakme.h).
if(NOT TARGET spdlog::spdlog)
  add_library(spdlog::spdlog INTERFACE IMPORTED)
  set_target_properties(spdlog::spdlog PROPERTIES
    INTERFACE_COMPILE_DEFINITIONS "SPDLOG_FMT_EXTERNAL;FMT_HEADER_ONLY"
    INTERFACE_LINK_LIBRARIES Threads::Threads)
endif()
