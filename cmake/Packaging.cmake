# Packaging: `cmake --install` layout, the Claude Desktop bundle (target `mcpb`) and the generated tool
# reference (target `tools-doc`). Included at the end of the top-level CMakeLists.txt.
#
# Installed layout under the prefix:
#   bin/halopsa-mcp                              the server
#   share/man/man1/halopsa-mcp.1                 the man page
#   share/halopsa-mcp/plugin/                    the Claude Code plugin, and a marketplace holding it:
#     .claude-plugin/{plugin,marketplace}.json, plugin.json, .mcp.json, skills/, commands/, README.md
#     bin/halopsa-mcp                            a copy of the server, so the plugin folder stands alone
#                                                when Claude Code copies it into its plugin cache
#   share/doc/halopsa-mcp/                       install, HaloPSA set-up, troubleshooting, tool reference
include(GNUInstallDirs)

set(HALOPSA_PLUGIN_INSTALL_DIR "${CMAKE_INSTALL_DATADIR}/halopsa-mcp/plugin")

install(TARGETS halopsa-mcp RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
install(FILES "${CMAKE_SOURCE_DIR}/packaging/halopsa-mcp.1" DESTINATION "${CMAKE_INSTALL_MANDIR}/man1")

install(FILES "${CMAKE_SOURCE_DIR}/.claude-plugin/plugin.json" "${CMAKE_SOURCE_DIR}/.claude-plugin/marketplace.json"
        DESTINATION "${HALOPSA_PLUGIN_INSTALL_DIR}/.claude-plugin")
install(FILES "${CMAKE_SOURCE_DIR}/plugin.json" "${CMAKE_SOURCE_DIR}/.mcp.json" "${CMAKE_SOURCE_DIR}/README.md"
        DESTINATION "${HALOPSA_PLUGIN_INSTALL_DIR}")
foreach(optional_asset IN ITEMS "${CMAKE_SOURCE_DIR}/.claude-plugin/icon.png")
  if(EXISTS "${optional_asset}")
    install(FILES "${optional_asset}" DESTINATION "${HALOPSA_PLUGIN_INSTALL_DIR}/.claude-plugin")
  endif()
endforeach()
install(DIRECTORY "${CMAKE_SOURCE_DIR}/skills" "${CMAKE_SOURCE_DIR}/commands"
        DESTINATION "${HALOPSA_PLUGIN_INSTALL_DIR}")
# In the source tree plugin/bin/halopsa-mcp is a launcher that finds build/halopsa-mcp; installed, it
# is the server itself.
install(TARGETS halopsa-mcp RUNTIME DESTINATION "${HALOPSA_PLUGIN_INSTALL_DIR}/bin")

file(GLOB halopsa_user_docs "${CMAKE_SOURCE_DIR}/docs/*.md")
install(FILES ${halopsa_user_docs} DESTINATION "${CMAKE_INSTALL_DOCDIR}")

# The test tools (pinned in tests/packaging/package.json; `npm ci --prefix tests/packaging` installs them).
set(HALOPSA_PACKAGING_TOOLS "${CMAKE_SOURCE_DIR}/tests/packaging/node_modules/.bin"
    CACHE PATH "Folder holding the mcpb and claude CLIs")

# Claude Desktop bundle: build/halopsa-mcp.mcpb with manifest.json and server/halopsa-mcp.
add_custom_target(mcpb
  COMMAND "${CMAKE_COMMAND}"
          -DSOURCE_DIR=${CMAKE_SOURCE_DIR}
          -DSTAGE_DIR=${CMAKE_BINARY_DIR}/mcpb-stage
          -DBINARY=$<TARGET_FILE:halopsa-mcp>
          -DSTRIP=${CMAKE_STRIP}
          -DMCPB=${HALOPSA_PACKAGING_TOOLS}/mcpb
          -DOUTPUT=${CMAKE_BINARY_DIR}/halopsa-mcp.mcpb
          -DPORTABLE=${HALOPSA_PORTABLE}
          -P "${CMAKE_SOURCE_DIR}/packaging/pack-mcpb.cmake"
  DEPENDS halopsa-mcp
  BYPRODUCTS "${CMAKE_BINARY_DIR}/halopsa-mcp.mcpb"
  COMMENT "Packing the Claude Desktop bundle halopsa-mcp.mcpb"
  VERBATIM)

# npm packages (portable build only): build/npm/halopsa-mcp-<version>.tgz, the launcher `npx -y halopsa-mcp` runs,
# and halopsa-mcp-linux-x64-<version>.tgz, the platform package holding this binary (npm/stage.mjs).
find_program(HALOPSA_NODE node)
if(HALOPSA_PORTABLE AND HALOPSA_NODE)
  add_custom_target(npm-packages
    COMMAND "${HALOPSA_NODE}" "${CMAKE_SOURCE_DIR}/npm/stage.mjs" --binary "$<TARGET_FILE:halopsa-mcp>"
            --version "${PROJECT_VERSION}" --out "${CMAKE_BINARY_DIR}/npm"
    DEPENDS halopsa-mcp
    COMMENT "Packing the npm packages into ${CMAKE_BINARY_DIR}/npm"
    VERBATIM)
endif()

# docs/tools.md from schemas/*.json and the built server's tools/list.
if(HALOPSA_NODE)
  add_custom_target(tools-doc
    COMMAND "${HALOPSA_NODE}" "${CMAKE_SOURCE_DIR}/packaging/gen-tools-doc.mjs"
            --bin "$<TARGET_FILE:halopsa-mcp>" --out "${CMAKE_SOURCE_DIR}/docs/tools.md"
    DEPENDS halopsa-mcp
    COMMENT "Regenerating docs/tools.md"
    VERBATIM)
endif()
