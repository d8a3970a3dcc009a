# SPDX-License-Identifier: MIT
# Shared warning flags for every RunLens target.
function(runlens_set_warnings target)
    target_compile_options(${target} PRIVATE -Wall -Wextra -pedantic -Wshadow -Wnon-virtual-dtor
                                             -Wold-style-cast -Wcast-align -Woverloaded-virtual)
    if(RUNLENS_WERROR)
        target_compile_options(${target} PRIVATE -Werror)
    endif()
endfunction()

# runlens_add_test(NAME SOURCES... LIBS ... [LABELS ...])
# Adds a Qt Test executable linked to the library under test plus the shared test helpers.
function(runlens_add_test name)
    cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
    add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE runlens_testsupport ${ARG_LIBS} Qt6::Test)
    runlens_set_warnings(${name})
    add_test(NAME ${name} COMMAND ${name})
    if(NOT ARG_TIMEOUT)
        set(ARG_TIMEOUT 300)
    endif()
    set_tests_properties(${name} PROPERTIES TIMEOUT ${ARG_TIMEOUT}
        ENVIRONMENT "QT_QPA_PLATFORM=offscreen;RUNLENS_SOURCE_DIR=${PROJECT_SOURCE_DIR};RUNLENS_BINARY_DIR=${PROJECT_BINARY_DIR}")
    if(ARG_LABELS)
        set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}")
    endif()
endfunction()
