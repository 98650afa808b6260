# Run by `cmake --install` (see the top-level CMakeLists.txt): writes the
# systemd unit and the default settings with the paths of the prefix being
# installed to, which `cmake --install --prefix P` may change after
# configuring. Expects SOURCE_DIR, BUILD_DIR, BINDIR_REL, SYSCONFDIR_REL.
set(prefix "${CMAKE_INSTALL_PREFIX}")
if(IS_ABSOLUTE "${SYSCONFDIR_REL}")
  set(conf_root "${SYSCONFDIR_REL}")
elseif(prefix STREQUAL "/usr")
  set(conf_root "/etc")          # as GNUInstallDirs has it for /usr
else()
  set(conf_root "${prefix}/${SYSCONFDIR_REL}")
endif()
set(BINDIR "${prefix}/${BINDIR_REL}")
set(CONF_DIR "${conf_root}/driftless")
set(SPECS_DIR "${CONF_DIR}/specs")
set(ENV_FILE "${CONF_DIR}/driftless.env")
set(unit_dir "${prefix}/lib/systemd/system")

set(staged "${BUILD_DIR}/dist")   # the files as written, before they are installed
configure_file("${SOURCE_DIR}/dist/systemd/driftless.service.in" "${staged}/driftless.service" @ONLY)
configure_file("${SOURCE_DIR}/dist/systemd/driftless.env.in" "${staged}/driftless.env" @ONLY)
file(INSTALL "${staged}/driftless.service" DESTINATION "${unit_dir}" FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
# Settings an administrator edited are theirs: never overwritten.
if(EXISTS "$ENV{DESTDIR}${ENV_FILE}")
  message(STATUS "Kept: $ENV{DESTDIR}${ENV_FILE}")
else()
  file(INSTALL "${staged}/driftless.env" DESTINATION "${CONF_DIR}" FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ)
endif()
file(MAKE_DIRECTORY "$ENV{DESTDIR}${SPECS_DIR}")
