# Toolchain of the portable Linux build (-DHALOPSA_PORTABLE=ON selects it): the host's GCC and C++ library
# against the C library of the sysroot packaging/portable/prepare.sh makes (Debian 11, glibc 2.31), so the
# binary starts on any x86-64 Linux with glibc >= 2.31. Everything else is linked statically (Portable.cmake).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR "${CMAKE_HOST_SYSTEM_PROCESSOR}")
if(NOT HALOPSA_PORTABLE_SYSROOT)
  if(DEFINED ENV{HALOPSA_CACHE_DIR})
    set(cache "$ENV{HALOPSA_CACHE_DIR}")
  elseif(DEFINED ENV{XDG_CACHE_HOME})
    set(cache "$ENV{XDG_CACHE_HOME}/halopsa-mcp")
  else()
    set(cache "$ENV{HOME}/.cache/halopsa-mcp")
  endif()
  set(HALOPSA_PORTABLE_SYSROOT "${cache}/sysroot/bullseye-libc6-dev" CACHE PATH
      "Sysroot of the portable build (made by packaging/portable/prepare.sh)")
endif()
if(NOT EXISTS "${HALOPSA_PORTABLE_SYSROOT}/usr/local/include/httplib.h")
  message(FATAL_ERROR "The portable build's sysroot ${HALOPSA_PORTABLE_SYSROOT} is missing or incomplete.\n"
                      "Make it once (as root):  packaging/portable/prepare.sh   (scripts/setup.sh --portable does it)")
endif()
set(CMAKE_SYSROOT "${HALOPSA_PORTABLE_SYSROOT}")
# A native GCC given --sysroot still searches the host's /usr/lib/<multiarch> (relative to its own install) for
# start files and libraries, ahead of the sysroot's: -B and -L put the sysroot's C library first.
execute_process(COMMAND gcc -print-multiarch OUTPUT_VARIABLE multiarch OUTPUT_STRIP_TRAILING_WHITESPACE)
set(CMAKE_EXE_LINKER_FLAGS_INIT "-B${CMAKE_SYSROOT}/usr/lib/${multiarch} -L${CMAKE_SYSROOT}/usr/lib/${multiarch}")
# Headers, libraries and packages only from the sysroot (its usr/local links to the Debian 12 ones to use);
# programs (pkg-config, strip) from the host.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
