# The portable Linux binary (-DHALOPSA_PORTABLE=ON; docs/install.md). Included by the top-level CMakeLists.txt
# before it looks for the dependencies; toolchain.cmake has already pointed the build at the glibc 2.31 sysroot.
# Everything but the C library is linked in: libstdc++ and libgcc, the static archives of OpenSSL, SQLite, zlib
# and brotli, and spdlog, fmt and cpp-httplib compiled from their headers. `ldd` then lists libc, libm,
# libpthread, libdl (OpenSSL's dlopen of engines; in libc itself from glibc 2.34) and the loader only.
if(NOT CMAKE_SYSROOT)
  message(FATAL_ERROR "HALOPSA_PORTABLE needs the toolchain cmake/portable/toolchain.cmake (set when HALOPSA_PORTABLE "
                      "is given on the first configure of a fresh build folder, e.g. build-portable)")
endif()
set(HALOPSA_BUILD_TESTS OFF)  # the tests run on the regular build; tests/portable runs this binary
set(CMAKE_FIND_LIBRARY_SUFFIXES .a)
set(OPENSSL_USE_STATIC_LIBS TRUE)
set(spdlog_DIR "${CMAKE_CURRENT_LIST_DIR}/spdlog")
set(ENV{PKG_CONFIG_LIBDIR} "${CMAKE_SYSROOT}/usr/local/lib/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")
add_compile_definitions(HALOPSA_PORTABLE_GLIBC="2.31")
add_link_options(-static-libstdc++ -static-libgcc)
# The three symbols Debian 12's libstdc++.a and libgcc_eh.a take from glibc 2.32+ (glibc_compat.cpp), linked into
# the server once the top-level file has defined it (a deferred call's arguments are expanded when it runs).
set(HALOPSA_PORTABLE_COMPAT "${CMAKE_CURRENT_LIST_DIR}/glibc_compat.cpp")
cmake_language(DEFER CALL target_sources halopsa-mcp PRIVATE "${HALOPSA_PORTABLE_COMPAT}")
