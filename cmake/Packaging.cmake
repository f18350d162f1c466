# Debian packages (CPack DEB), one per component:
#
#   hailong-common  hailongctl, the documentation
#   hailong-edge    hailong-edge, hailong-devsim, the edge's web pages, the
#                   units hailong-edge.service and hailong-mosquitto@.service,
#                   make-office-broker, an example edge.json
#   hailong-hub     hailong-hub, the dashboard (with the vendored Chart.js),
#                   hailong-hub.service, an example hub.json
#
# Build them from a Release build directory:
#   cmake --build build/release && (cd build/release && cpack -G DEB)
# The edge and hub packages create the system user "hailong" (postinst) and
# depend on hailong-common; nothing is enabled or started (a configuration
# is needed first: ops/doc/install-edge.md, ops/doc/install-hub.md).
#
# Installed layout (prefix /usr):
#   bin/                         the programs
#   lib/systemd/system/          the units
#   lib/hailong/                 make-office-broker, hailong-mosquitto-conf
#   share/hailong/edge/web/      the edge's kiosk and survey pages
#   share/hailong/hub/web/       the dashboard and the hub's survey copy
#   share/hailong/examples/      edge.json, hub.json, mosquitto-office.txt
#   share/doc/hailong/           install, runbook and hailongctl documents

set(HAILONG_PKG_SHARE share/hailong)
set(HAILONG_PKG_LIBEXEC lib/hailong)
set(HAILONG_PKG_UNITS lib/systemd/system)
set(HAILONG_PKG_DOC share/doc/hailong)

# ---- common: hailongctl (its install rule is in ops/CMakeLists.txt) --------
install(FILES
    ops/doc/hailongctl.md ops/doc/export_format.md
    ops/doc/install-edge.md ops/doc/install-hub.md ops/doc/runbooks.md
  DESTINATION ${HAILONG_PKG_DOC} COMPONENT common OPTIONAL)

# ---- edge ---------------------------------------------------------------------
if(TARGET hailong-edge)
  install(TARGETS hailong-edge RUNTIME DESTINATION bin COMPONENT edge)
endif()
if(TARGET hailong-devsim)
  install(TARGETS hailong-devsim RUNTIME DESTINATION bin COMPONENT edge)
endif()
install(DIRECTORY edge/web/ DESTINATION ${HAILONG_PKG_SHARE}/edge/web COMPONENT edge
  PATTERN node_modules EXCLUDE
  PATTERN "package*.json" EXCLUDE
  PATTERN "*.md" EXCLUDE)
install(FILES ops/systemd/hailong-edge.service ops/systemd/hailong-mosquitto@.service
  DESTINATION ${HAILONG_PKG_UNITS} COMPONENT edge)
install(PROGRAMS ops/mosquitto/make-office-broker ops/systemd/hailong-mosquitto-conf
  DESTINATION ${HAILONG_PKG_LIBEXEC} COMPONENT edge)
install(FILES ops/examples/edge.json ops/examples/mosquitto-office.txt
  DESTINATION ${HAILONG_PKG_SHARE}/examples COMPONENT edge)

# ---- hub ----------------------------------------------------------------------
if(TARGET hailong-hub)
  install(TARGETS hailong-hub RUNTIME DESTINATION bin COMPONENT hub)
endif()
# The dashboard's files without npm's tree. assets/vendor/chart.umd.min.js is
# a symlink into node_modules (hub/web/README.md): the package carries the
# file itself, when ops/install-web-deps has fetched it (without it the
# dashboard shows the trend as a table).
install(DIRECTORY hub/web/ DESTINATION ${HAILONG_PKG_SHARE}/hub/web COMPONENT hub
  PATTERN node_modules EXCLUDE
  PATTERN vendor EXCLUDE
  PATTERN "package*.json" EXCLUDE
  PATTERN "*.md" EXCLUDE)
set(HAILONG_CHART_JS ${PROJECT_SOURCE_DIR}/hub/web/node_modules/chart.js/dist/chart.umd.min.js)
if(NOT EXISTS ${HAILONG_CHART_JS})
  message(STATUS "hub/web/node_modules has no Chart.js (run ops/install-web-deps): "
                 "the hub package's dashboard will show trends as tables")
endif()
install(FILES ${HAILONG_CHART_JS}
  DESTINATION ${HAILONG_PKG_SHARE}/hub/web/assets/vendor COMPONENT hub OPTIONAL)
install(FILES ${PROJECT_SOURCE_DIR}/hub/web/node_modules/chart.js/LICENSE.md
  DESTINATION ${HAILONG_PKG_DOC}/chart.js RENAME LICENSE.md COMPONENT hub OPTIONAL)
# The phone survey at the hub uses the edge's survey pages (edge/web); the
# source tree's hub serves them from there, the package carries copies.
install(FILES edge/web/i18n.js edge/web/survey.js edge/web/survey.css edge/web/outbox.js
              edge/web/faces.js
  DESTINATION ${HAILONG_PKG_SHARE}/hub/web/assets COMPONENT hub)
install(FILES edge/web/survey.html DESTINATION ${HAILONG_PKG_SHARE}/hub/web COMPONENT hub)
install(FILES ops/systemd/hailong-hub.service DESTINATION ${HAILONG_PKG_UNITS} COMPONENT hub)
install(FILES ops/examples/hub.json ops/examples/province-hub.json
  DESTINATION ${HAILONG_PKG_SHARE}/examples COMPONENT hub)

# ---- maintainer scripts -------------------------------------------------------
function(hailong_maintainer_scripts role extra_units)
  set(PACKAGE hailong-${role})
  set(ROLE ${role})
  set(EXTRA_UNITS "${extra_units}")
  set(dir ${PROJECT_BINARY_DIR}/packaging/${role})
  foreach(script postinst prerm postrm)
    configure_file(${PROJECT_SOURCE_DIR}/ops/packaging/${script}.in ${dir}/${script} @ONLY
      FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                       WORLD_READ WORLD_EXECUTE)
  endforeach()
  string(TOUPPER ${role} ROLE_UPPER)
  set(CPACK_DEBIAN_${ROLE_UPPER}_PACKAGE_CONTROL_EXTRA
      "${dir}/postinst;${dir}/prerm;${dir}/postrm" PARENT_SCOPE)
endfunction()
hailong_maintainer_scripts(edge "hailong-mosquitto@*.service")
hailong_maintainer_scripts(hub "")

# ---- CPack ----------------------------------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME hailong)
set(CPACK_PACKAGE_VENDOR "Hài Lòng")
set(CPACK_PACKAGE_CONTACT "Hài Lòng operators <hailong@localhost>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# CPack DEB puts a summary it is given above each package's own description;
# CPack's default summary (this text) is left out, so each package's first
# line (CPACK_DEBIAN_<COMPONENT>_DESCRIPTION) is its synopsis.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${CMAKE_PROJECT_NAME} built using CMake")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL common edge hub)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(HAILONG_DEB_VERSION "${PROJECT_VERSION}-${CPACK_DEBIAN_PACKAGE_RELEASE}")

set(CPACK_DEBIAN_COMMON_PACKAGE_NAME hailong-common)
# First line: the synopsis. (One string: several would make a CMake list.)
set(CPACK_DEBIAN_COMMON_DESCRIPTION "Hài Lòng: hailongctl, the operators' and technicians' tool
Log export, verify and import, backups, node status, device lists, QR codes,
node tokens and password hashes for the Hài Lòng citizen satisfaction system.")

set(CPACK_DEBIAN_EDGE_PACKAGE_NAME hailong-edge)
set(CPACK_DEBIAN_EDGE_PACKAGE_DEPENDS "hailong-common (= ${HAILONG_DEB_VERSION}), adduser")
set(CPACK_DEBIAN_EDGE_PACKAGE_RECOMMENDS "mosquitto")
set(CPACK_DEBIAN_EDGE_DESCRIPTION "Hài Lòng office edge (ward one-stop office)
Takes citizens' ratings from button boxes (MQTT), counter kiosks and the phone
survey, stores them durably in the office's event log and ships it to the
district hub. Includes the office MQTT broker unit and the device simulator
hailong-devsim.")

set(CPACK_DEBIAN_HUB_PACKAGE_NAME hailong-hub)
# The periodic report's PDF is set in a Times-like serif with every Vietnamese
# diacritic (hub/src/periodic_pdf.cc); Pango and cairo come from shlibdeps.
set(CPACK_DEBIAN_HUB_PACKAGE_DEPENDS
    "hailong-common (= ${HAILONG_DEB_VERSION}), adduser, fonts-liberation2, fonts-dejavu-core")
set(CPACK_DEBIAN_HUB_DESCRIPTION "Hài Lòng district hub
Receives every office's event log, keeps the reports, serves the dashboard,
the follow-up of unhappy citizens and the public phone survey.")

include(CPack)
