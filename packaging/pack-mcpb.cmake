# Stages and packs the Claude Desktop bundle. Run by the `mcpb` target:
#   cmake -DSOURCE_DIR= -DSTAGE_DIR= -DBINARY= -DMCPB= -DOUTPUT= [-DSTRIP=] [-DPORTABLE=ON] -P pack-mcpb.cmake
# PORTABLE: BINARY is the portable Linux build (build-portable), which runs on any x86-64 Linux with glibc 2.31+.
# The stage holds exactly what the bundle needs, so nothing from the source tree leaks into it.
foreach(var SOURCE_DIR STAGE_DIR BINARY MCPB OUTPUT)
  if(NOT ${var})
    message(FATAL_ERROR "pack-mcpb.cmake: -D${var}= is required")
  endif()
endforeach()
if(NOT EXISTS "${MCPB}")
  message(FATAL_ERROR "The mcpb CLI is not installed at ${MCPB}.\n"
                      "Install the pinned packaging tools first:  npm ci --prefix ${SOURCE_DIR}/tests/packaging")
endif()

file(REMOVE_RECURSE "${STAGE_DIR}")
file(MAKE_DIRECTORY "${STAGE_DIR}/server")
# The bundle holds a native binary, so it declares the one platform it was built for.
if(CMAKE_HOST_SYSTEM_NAME STREQUAL "Darwin")
  set(platform darwin)
elseif(CMAKE_HOST_WIN32)
  set(platform win32)
else()
  set(platform linux)
  if(NOT PORTABLE)
    message(WARNING "This bundle holds a binary linked to this machine's shared libraries: it starts only where "
                    "the same Debian 12 packages are installed. Build the mcpb target in the portable build folder "
                    "(docs/install.md) for a bundle that runs on any x86-64 Linux with glibc 2.31 or later.")
  endif()
endif()
file(READ "${SOURCE_DIR}/manifest.json" manifest)
string(JSON manifest SET "${manifest}" compatibility "{\"platforms\": [\"${platform}\"]}")
file(WRITE "${STAGE_DIR}/manifest.json" "${manifest}\n")
# The manifest names the icon by its path in the source tree, so it keeps that path in the bundle.
foreach(optional README.md LICENSE .claude-plugin/icon.png)
  if(EXISTS "${SOURCE_DIR}/${optional}")
    get_filename_component(subdir "${optional}" DIRECTORY)
    file(COPY "${SOURCE_DIR}/${optional}" DESTINATION "${STAGE_DIR}/${subdir}")
  endif()
endforeach()
file(COPY "${BINARY}" DESTINATION "${STAGE_DIR}/server"
     FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
get_filename_component(binary_name "${BINARY}" NAME)
if(NOT binary_name STREQUAL "halopsa-mcp")
  file(RENAME "${STAGE_DIR}/server/${binary_name}" "${STAGE_DIR}/server/halopsa-mcp")
endif()
# Debug information is most of a debug build's size and of no use inside a desktop bundle.
if(STRIP)
  execute_process(COMMAND "${STRIP}" --strip-debug "${STAGE_DIR}/server/halopsa-mcp" RESULT_VARIABLE strip_rc)
  if(NOT strip_rc EQUAL 0)
    message(WARNING "strip failed (${strip_rc}); the bundle keeps the debug information")
  endif()
endif()

file(REMOVE "${OUTPUT}")
execute_process(COMMAND "${MCPB}" pack "${STAGE_DIR}" "${OUTPUT}" RESULT_VARIABLE pack_rc INPUT_FILE /dev/null)
if(NOT pack_rc EQUAL 0 OR NOT EXISTS "${OUTPUT}")
  message(FATAL_ERROR "mcpb pack failed (exit ${pack_rc})")
endif()
message(STATUS "Claude Desktop bundle: ${OUTPUT}")
