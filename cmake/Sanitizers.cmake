# Sanitizer builds, for the tests (tools/sanitize.sh configures, builds and runs them):
#
#   -DCLEARCUT_SANITIZE=address   AddressSanitizer + UndefinedBehaviorSanitizer (and LeakSanitizer,
#                                 which comes with ASan on Linux)
#   -DCLEARCUT_SANITIZE=thread    ThreadSanitizer
#
# Empty (the default) changes nothing. The flags go on every target of this project, executables
# and clearcut_inference alike; LibTorch, OpenCV, Qt and libgomp are Debian's uninstrumented
# builds, so their own memory accesses are not checked (ASan still sees their malloc/free and the
# libc calls it intercepts). The run-time options and the suppressions for findings inside those
# libraries are in tests/sanitizers/, read by tools/sanitize.sh.
#
# Included from the top-level CMakeLists.txt before any target and before the CLEARCUT_TCMALLOC
# and CLEARCUT_HARDENING options, which it turns off in a sanitizer build.

set(CLEARCUT_SANITIZE "" CACHE STRING
    "Build with sanitizers: empty (none), address (ASan+UBSan) or thread (TSan)")
set_property(CACHE CLEARCUT_SANITIZE PROPERTY STRINGS "" address thread)

if(NOT CLEARCUT_SANITIZE STREQUAL "")
    if(NOT CLEARCUT_SANITIZE MATCHES "^(address|thread)$")
        message(FATAL_ERROR "CLEARCUT_SANITIZE=${CLEARCUT_SANITIZE}: use address (ASan+UBSan), "
                            "thread (TSan) or leave it empty")
    endif()
    if(NOT CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang" OR MSVC)
        message(FATAL_ERROR "CLEARCUT_SANITIZE needs GCC or Clang "
                            "(this is ${CMAKE_CXX_COMPILER_ID})")
    endif()

    if(CLEARCUT_SANITIZE STREQUAL "address")
        # -fno-sanitize-recover=undefined: a UBSan finding aborts the test instead of printing a
        # line and going on, so ctest reports it as a failure (ASan always stops at the first).
        # Every check of -fsanitize=undefined stays on and fatal, vptr included: the headers of
        # LibTorch, OpenCV and Qt that our code instantiates trip none of them in the suite. (A
        # check they did trip would have to become recoverable, -fsanitize-recover=CHECK, for a
        # suppression in tests/sanitizers/ubsan.supp to take: a fatal check aborts even when
        # suppressed.)
        set(clearcut_sanitize_flags
            -fsanitize=address,undefined -fno-sanitize-recover=undefined)
    else()
        set(clearcut_sanitize_flags -fsanitize=thread)
    endif()
    # Whole stacks in the reports (frame pointers, line numbers), whatever the build type.
    add_compile_options(${clearcut_sanitize_flags} -fno-omit-frame-pointer -g)
    add_link_options(${clearcut_sanitize_flags})

    # The sanitizer's run-time owns malloc: tcmalloc's would take the allocations from under it.
    set(CLEARCUT_TCMALLOC OFF CACHE BOOL "Link the executables with tcmalloc (minimal)" FORCE)
    # _FORTIFY_SOURCE turns memcpy, strcpy, ... into glibc's checked __*_chk functions, which the
    # sanitizers do not all intercept: an overflow through one can end in glibc's abort without
    # the sanitizer's report, and TSan misses the access (the sanitizers' own advice is not to
    # combine them). The hardening is for the packages; a sanitizer build is not packaged.
    set(CLEARCUT_HARDENING OFF CACHE BOOL
        "Stack protector, _FORTIFY_SOURCE and full RELRO (GCC/Clang on ELF)" FORCE)
    list(JOIN clearcut_sanitize_flags " " clearcut_sanitize_flags_text)
    message(STATUS "Sanitizers: ${CLEARCUT_SANITIZE} (${clearcut_sanitize_flags_text}); "
                   "tcmalloc and hardening off")
endif()
