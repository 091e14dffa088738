# Generates git_revision.cpp on every build (only rewritten when the revision changes), so
# --version reports the revision of the tree that was actually built.
set(NETSURF_GITREV_CPP ${CMAKE_BINARY_DIR}/generated/git_revision.cpp)
add_custom_target(netsurf_gitrev
  COMMAND ${CMAKE_COMMAND} -DSRC=${CMAKE_SOURCE_DIR} -DOUT=${NETSURF_GITREV_CPP}
          -P ${CMAKE_SOURCE_DIR}/cmake/WriteGitRevision.cmake
  BYPRODUCTS ${NETSURF_GITREV_CPP}
  COMMENT "Recording git revision")
