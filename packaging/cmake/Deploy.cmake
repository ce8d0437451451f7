# Windows and macOS deployment: what makes the installed tree run on a machine that has neither
# Qt, LibTorch nor OpenCV. On Linux every function here returns at once and nothing is set on a
# target: Debian's packages bring the libraries there.
#
# Use from packaging/CMakeLists.txt, in this order:
#
#   include(cmake/Deploy.cmake)        # BEFORE install(TARGETS clearcut ...): on macOS it turns
#                                      # `clearcut` into an app bundle, and install() reads that
#                                      # when it is called
#   install(TARGETS ... DESTINATION ${CLEARCUT_INSTALL_BINDIR} ...)   # see the variables below
#   ...the other install() rules...
#   clearcut_setup_deployment()        # AFTER them: Qt's deploy tools run on the installed tree
#
# Variables set by include() (plain variables, all platforms):
#   CLEARCUT_PLATFORM_DEPLOY        TRUE on Windows and macOS, where clearcut_setup_deployment()
#                                   adds install rules; FALSE elsewhere
#   CLEARCUT_INSTALL_BINDIR         where clearcut-cli (and, outside macOS, clearcut) goes:
#                                   bin, or ClearCut.app/Contents/MacOS on macOS
#   CLEARCUT_INSTALL_INFERENCEDIR   LIBRARY destination of clearcut_inference: the top-level
#                                   CLEARCUT_INFERENCE_INSTALL_DIR (lib/clearcut) on Linux, bin
#                                   on Windows (a DLL is a RUNTIME artifact there anyway),
#                                   ClearCut.app/Contents/Frameworks on macOS
#   CLEARCUT_INSTALL_MODELDIR       where isnet.pt and isnet.json go: share/clearcut/models, or
#                                   ClearCut.app/Contents/Resources/models on macOS
#   CLEARCUT_MACOS_BUNDLE_NAME      ClearCut (the bundle is ClearCut.app)
# Each is where the program looks: InferenceLibrary.cpp searches the executable's folder,
# <exe>/CLEARCUT_INFERENCE_INSTALL_DIR_FROM_BIN and, on macOS, <exe>/../Frameworks; ModelSpec.cpp
# <exe>/../share/clearcut/models and, on macOS, <exe>/../Resources/models.
#
# Cache variables (Windows/macOS only):
#   CLEARCUT_DEPLOY_QT                  ON: run windeployqt/macdeployqt at install (Qt >= 6.5)
#   CLEARCUT_WIN32_GUI                  ON: clearcut.exe is a GUI-subsystem program (no console
#                                       window; `clearcut --smoke` output then shows only when
#                                       redirected to a file or pipe)
#   CLEARCUT_RUNTIME_LIBRARY_DIRS       more folders to find the programs' DLLs in (Windows)
#   CLEARCUT_MACOS_CODESIGN_IDENTITY    "-" (ad-hoc, the default), a Developer ID, or empty to
#                                       leave the bundle unsigned
#   CLEARCUT_MACOS_CODESIGN_OPTIONS     extra codesign flags, e.g. "--options;runtime;--timestamp"
#                                       for a notarisable Developer ID signature
# Read: TORCH_INSTALL_PREFIX / Torch_DIR (find_package(Torch)), VCPKG_INSTALLED_DIR and
# VCPKG_TARGET_TRIPLET (the vcpkg toolchain), CMAKE_PREFIX_PATH, CMAKE_OSX_DEPLOYMENT_TARGET,
# CLEARCUT_APP_ID, PROJECT_VERSION.

include_guard(GLOBAL)

set(CLEARCUT_PACKAGING_DIR ${CMAKE_CURRENT_LIST_DIR}/..)
get_filename_component(CLEARCUT_PACKAGING_DIR ${CLEARCUT_PACKAGING_DIR} ABSOLUTE)

set(CLEARCUT_MACOS_BUNDLE_NAME ClearCut)
if(APPLE)
    set(CLEARCUT_PLATFORM_DEPLOY TRUE)
    set(CLEARCUT_INSTALL_BINDIR ${CLEARCUT_MACOS_BUNDLE_NAME}.app/Contents/MacOS)
    set(CLEARCUT_INSTALL_INFERENCEDIR ${CLEARCUT_MACOS_BUNDLE_NAME}.app/Contents/Frameworks)
    set(CLEARCUT_INSTALL_MODELDIR ${CLEARCUT_MACOS_BUNDLE_NAME}.app/Contents/Resources/models)
elseif(WIN32)
    set(CLEARCUT_PLATFORM_DEPLOY TRUE)
    set(CLEARCUT_INSTALL_BINDIR ${CMAKE_INSTALL_BINDIR})
    set(CLEARCUT_INSTALL_INFERENCEDIR ${CMAKE_INSTALL_BINDIR})
    set(CLEARCUT_INSTALL_MODELDIR ${CMAKE_INSTALL_DATADIR}/clearcut/models)
else()
    set(CLEARCUT_PLATFORM_DEPLOY FALSE)
    set(CLEARCUT_INSTALL_BINDIR ${CMAKE_INSTALL_BINDIR})
    if(DEFINED CLEARCUT_INFERENCE_INSTALL_DIR)
        set(CLEARCUT_INSTALL_INFERENCEDIR ${CLEARCUT_INFERENCE_INSTALL_DIR})
    else()
        set(CLEARCUT_INSTALL_INFERENCEDIR ${CMAKE_INSTALL_LIBDIR}/clearcut)
    endif()
    set(CLEARCUT_INSTALL_MODELDIR ${CMAKE_INSTALL_DATADIR}/clearcut/models)
endif()

if(WIN32 OR APPLE)
    option(CLEARCUT_DEPLOY_QT "Deploy Qt beside the programs at install time (windeployqt/macdeployqt)" ON)
    set(CLEARCUT_RUNTIME_LIBRARY_DIRS "" CACHE STRING
        "More folders to search for the programs' DLLs when installing (Windows)")
endif()
if(WIN32)
    option(CLEARCUT_WIN32_GUI "Build clearcut.exe for the GUI subsystem (no console window)" ON)
endif()
if(APPLE)
    set(CLEARCUT_MACOS_CODESIGN_IDENTITY "-" CACHE STRING
        "codesign identity for the installed ClearCut.app (- is ad-hoc; empty: do not sign)")
    set(CLEARCUT_MACOS_CODESIGN_OPTIONS "" CACHE STRING
        "Extra codesign arguments (a list), e.g. --options;runtime;--timestamp")
endif()

# LibTorch's lib/ folder: its DLLs (Windows) or dylibs (macOS).
function(_clearcut_torch_library_dir out)
    set(dir "")
    if(TORCH_INSTALL_PREFIX AND IS_DIRECTORY "${TORCH_INSTALL_PREFIX}/lib")
        set(dir "${TORCH_INSTALL_PREFIX}/lib")
    elseif(Torch_DIR AND IS_DIRECTORY "${Torch_DIR}/../../../lib")
        get_filename_component(dir "${Torch_DIR}/../../../lib" ABSOLUTE)
    endif()
    if(NOT dir)
        message(WARNING "Deploy.cmake: LibTorch's lib folder not found (TORCH_INSTALL_PREFIX, "
                        "Torch_DIR): its libraries will not be installed")
    endif()
    set(${out} "${dir}" PARENT_SCOPE)
endfunction()


# macOS: `clearcut` becomes ClearCut.app, with an Info.plist from packaging/macos/Info.plist.in and
# the icon packaging/macos/clearcut.icns in Contents/Resources. Runs at include() time, so that
# install(TARGETS clearcut ... BUNDLE DESTINATION .) sees a bundle; runs once.
function(_clearcut_prepare_macos_bundle)
    if(NOT APPLE OR NOT TARGET clearcut)
        return()
    endif()
    get_property(done GLOBAL PROPERTY _CLEARCUT_MACOS_BUNDLE_PREPARED)
    if(done)
        return()
    endif()
    set_property(GLOBAL PROPERTY _CLEARCUT_MACOS_BUNDLE_PREPARED TRUE)

    set(icns ${CLEARCUT_PACKAGING_DIR}/macos/clearcut.icns)
    if(NOT EXISTS ${icns})
        message(FATAL_ERROR "${icns} is missing: run packaging/make_platform_icons.sh")
    endif()
    set(CLEARCUT_BUNDLE_EXECUTABLE ${CLEARCUT_MACOS_BUNDLE_NAME})
    set(CLEARCUT_BUNDLE_ICON_FILE clearcut.icns)
    if(CLEARCUT_APP_ID)
        set(CLEARCUT_BUNDLE_IDENTIFIER ${CLEARCUT_APP_ID})
    else()
        set(CLEARCUT_BUNDLE_IDENTIFIER app.clearcut.ClearCut)
    endif()
    if(CMAKE_OSX_DEPLOYMENT_TARGET)
        set(CLEARCUT_BUNDLE_MINIMUM_SYSTEM ${CMAKE_OSX_DEPLOYMENT_TARGET})
    else()
        set(CLEARCUT_BUNDLE_MINIMUM_SYSTEM 12.0) # Qt 6.8's minimum
    endif()
    set(CLEARCUT_BUNDLE_COPYRIGHT "ClearCut ${PROJECT_VERSION}")
    set(plist ${CMAKE_BINARY_DIR}/packaging-macos/Info.plist)
    configure_file(${CLEARCUT_PACKAGING_DIR}/macos/Info.plist.in ${plist} @ONLY)

    set_target_properties(clearcut PROPERTIES
        MACOSX_BUNDLE TRUE
        OUTPUT_NAME ${CLEARCUT_MACOS_BUNDLE_NAME}
        MACOSX_BUNDLE_INFO_PLIST ${plist}
        # The same values for anything that reads the properties rather than the plist.
        MACOSX_BUNDLE_BUNDLE_NAME ${CLEARCUT_MACOS_BUNDLE_NAME}
        MACOSX_BUNDLE_GUI_IDENTIFIER ${CLEARCUT_BUNDLE_IDENTIFIER}
        MACOSX_BUNDLE_ICON_FILE ${CLEARCUT_BUNDLE_ICON_FILE}
        MACOSX_BUNDLE_BUNDLE_VERSION ${PROJECT_VERSION}
        MACOSX_BUNDLE_SHORT_VERSION_STRING ${PROJECT_VERSION})
    target_sources(clearcut PRIVATE ${icns})
    set_source_files_properties(${icns} TARGET_DIRECTORY clearcut
        PROPERTIES MACOSX_PACKAGE_LOCATION Resources)
endfunction()

# Windows: installs the DLLs the installed programs link, found by file(GET_RUNTIME_DEPENDENCIES)
# in DIRECTORIES (the programs' own folder and System32 are searched first). Qt's are left to
# windeployqt, Windows' own (api-ms-*, ext-ms-*, anything under C:\Windows) are never copied.
# Unresolved names are warnings, not errors: a DLL that is delay-loaded or loaded by name may be
# missing without harm, and the glob of LibTorch's lib/ covers those of LibTorch.
function(_clearcut_install_runtime_dependencies)
    cmake_parse_arguments(PARSE_ARGV 0 arg "" "DESTINATION;COMPONENT"
        "EXECUTABLES;LIBRARIES;DIRECTORIES;PRE_EXCLUDE_REGEXES;POST_EXCLUDE_REGEXES")
    set(code [=[
set(_cc_pre_exclude @pre@)
set(_cc_post_exclude @post@)
file(GET_RUNTIME_DEPENDENCIES
    EXECUTABLES @executables@
    LIBRARIES @libraries@
    DIRECTORIES @directories@
    PRE_EXCLUDE_REGEXES ${_cc_pre_exclude}
    POST_EXCLUDE_REGEXES ${_cc_post_exclude}
    RESOLVED_DEPENDENCIES_VAR _cc_resolved
    UNRESOLVED_DEPENDENCIES_VAR _cc_unresolved
    CONFLICTING_DEPENDENCIES_PREFIX _cc_conflicting)
foreach(_cc_name IN LISTS _cc_conflicting_FILENAMES)
    list(GET _cc_conflicting_${_cc_name} 0 _cc_first)
    message(WARNING "${_cc_name} found in several places (${_cc_conflicting_${_cc_name}}); "
                    "installing ${_cc_first}")
    list(APPEND _cc_resolved "${_cc_first}")
endforeach()
foreach(_cc_name IN LISTS _cc_unresolved)
    message(WARNING "runtime dependency ${_cc_name} not found; add its folder to "
                    "CLEARCUT_RUNTIME_LIBRARY_DIRS if the installed programs need it")
endforeach()
foreach(_cc_file IN LISTS _cc_resolved)
    file(INSTALL DESTINATION "${CMAKE_INSTALL_PREFIX}/@destination@"
         TYPE SHARED_LIBRARY FOLLOW_SYMLINK_CHAIN FILES "${_cc_file}")
endforeach()
]=])
    # Each list as quoted arguments; the generator expressions in them are evaluated by
    # install(CODE).
    foreach(name executables libraries directories pre post)
        if(name STREQUAL "pre")
            set(items ${arg_PRE_EXCLUDE_REGEXES})
        elseif(name STREQUAL "post")
            set(items ${arg_POST_EXCLUDE_REGEXES})
        else()
            string(TOUPPER ${name} upper)
            set(items ${arg_${upper}})
        endif()
        set(quoted "")
        foreach(item IN LISTS items)
            string(REPLACE "\\" "\\\\" item "${item}")
            string(REPLACE "\"" "\\\"" item "${item}")
            string(APPEND quoted " \"${item}\"")
        endforeach()
        set(${name} "${quoted}")
    endforeach()
    set(destination ${arg_DESTINATION})
    string(CONFIGURE "${code}" code @ONLY)
    install(CODE "${code}" COMPONENT ${arg_COMPONENT})
endfunction()

function(_clearcut_qt_deploy_supported out)
    set(ok FALSE)
    if(CLEARCUT_DEPLOY_QT)
        if(Qt6_VERSION VERSION_LESS 6.5)
            message(WARNING "Deploy.cmake: Qt ${Qt6_VERSION} is older than 6.5 (needed for "
                            "qt_generate_deploy_app_script(OUTPUT_SCRIPT)): Qt is not deployed")
        elseif(NOT COMMAND qt_generate_deploy_app_script)
            message(WARNING "Deploy.cmake: qt_generate_deploy_app_script is not defined "
                            "(find_package(Qt6 COMPONENTS Core) first): Qt is not deployed")
        else()
            set(ok TRUE)
        endif()
    endif()
    set(${out} ${ok} PARENT_SCOPE)
endfunction()

function(_clearcut_deploy_windows)
    _clearcut_torch_library_dir(torch_lib)

    # --- clearcut.exe: icon and version information, GUI subsystem ---
    set(ico ${CLEARCUT_PACKAGING_DIR}/windows/clearcut.ico)
    if(NOT EXISTS ${ico})
        message(FATAL_ERROR "${ico} is missing: run packaging/make_platform_icons.sh")
    endif()
    if(CMAKE_RC_COMPILER)
        set(CLEARCUT_RC_ICON ${ico})
        set(CLEARCUT_RC_VERSION_PATCH ${PROJECT_VERSION_PATCH})
        if(CLEARCUT_RC_VERSION_PATCH STREQUAL "")
            set(CLEARCUT_RC_VERSION_PATCH 0)
        endif()
        set(CLEARCUT_RC_COMPANY "The ClearCut engineers")
        set(rc ${CMAKE_BINARY_DIR}/packaging-windows/clearcut.rc)
        configure_file(${CLEARCUT_PACKAGING_DIR}/windows/clearcut.rc.in ${rc} @ONLY)
        target_sources(clearcut PRIVATE ${rc})
    else()
        message(WARNING "Deploy.cmake: no resource compiler (CMAKE_RC_COMPILER): clearcut.exe "
                        "gets no icon")
    endif()
    if(CLEARCUT_WIN32_GUI)
        # Qt links its WinMain (Qt6::EntryPointPrivate) into WIN32_EXECUTABLE targets itself.
        set_target_properties(clearcut PROPERTIES WIN32_EXECUTABLE TRUE)
    endif()

    # --- LibTorch: every DLL in its lib/, CUDA builds' cuDNN, cuBLAS, cudart ... included.
    # Some are loaded by name at run time (cuDNN's sub-libraries, nvrtc), so a dependency scan
    # alone would miss them; LibTorch's own instructions copy the whole folder too.
    if(torch_lib)
        file(GLOB torch_dlls ${torch_lib}/*.dll)
        if(torch_dlls)
            install(FILES ${torch_dlls} DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT app)
        else()
            message(WARNING "Deploy.cmake: no DLLs in ${torch_lib}")
        endif()
    endif()

    # --- everything else the programs link that is not Qt or Windows: OpenCV, zlib, libdeflate
    # when they are DLLs (a static vcpkg triplet leaves nothing to do here).
    set(dirs ${torch_lib} ${CLEARCUT_RUNTIME_LIBRARY_DIRS})
    if(VCPKG_INSTALLED_DIR AND VCPKG_TARGET_TRIPLET)
        list(APPEND dirs ${VCPKG_INSTALLED_DIR}/${VCPKG_TARGET_TRIPLET}/bin)
    endif()
    foreach(prefix IN LISTS CMAKE_PREFIX_PATH)
        list(APPEND dirs ${prefix}/bin)
    endforeach()
    foreach(target opencv_core opencv_imgproc opencv_imgcodecs ZLIB::ZLIB)
        if(TARGET ${target})
            get_target_property(type ${target} TYPE)
            if(type STREQUAL "SHARED_LIBRARY")
                list(APPEND dirs $<TARGET_FILE_DIR:${target}>)
            endif()
        endif()
    endforeach()
    _clearcut_install_runtime_dependencies(
        DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT app
        EXECUTABLES $<TARGET_FILE:clearcut> $<TARGET_FILE:clearcut-cli>
        LIBRARIES $<TARGET_FILE:clearcut_inference>
        DIRECTORIES ${dirs}
        # DLL names are matched lower-cased by CMake <= 3.26 and as written after: both cases.
        PRE_EXCLUDE_REGEXES "^[Aa][Pp][Ii]-[Mm][Ss]-" "^[Ee][Xx][Tt]-[Mm][Ss]-" "^[Qq][Tt]6"
        POST_EXCLUDE_REGEXES "^[A-Za-z]:[/\\\\][Ww][Ii][Nn][Dd][Oo][Ww][Ss][/\\\\]")

    # --- the MSVC runtime (msvcp140.dll, vcruntime140*.dll ...) beside the programs, so no
    # Visual C++ Redistributable has to be installed first.
    set(CMAKE_INSTALL_SYSTEM_RUNTIME_DESTINATION ${CMAKE_INSTALL_BINDIR})
    set(CMAKE_INSTALL_SYSTEM_RUNTIME_COMPONENT app)
    include(InstallRequiredSystemLibraries)

    # --- Qt: windeployqt on each installed program (its DLLs into bin/, its plugins, qt.conf).
    # The GUI loads Qt's own translations (app/gui/Translations.cpp), so those are deployed too.
    _clearcut_qt_deploy_supported(qt_ok)
    if(qt_ok)
        qt_generate_deploy_app_script(TARGET clearcut OUTPUT_SCRIPT gui_script
            NO_COMPILER_RUNTIME NO_UNSUPPORTED_PLATFORM_ERROR)
        install(SCRIPT ${gui_script} COMPONENT app)
        qt_generate_deploy_app_script(TARGET clearcut-cli OUTPUT_SCRIPT cli_script
            NO_COMPILER_RUNTIME NO_TRANSLATIONS NO_UNSUPPORTED_PLATFORM_ERROR)
        install(SCRIPT ${cli_script} COMPONENT app)
    endif()
endfunction()

function(_clearcut_deploy_macos)
    _clearcut_torch_library_dir(torch_lib)
    _clearcut_prepare_macos_bundle()
    set(bundle ${CLEARCUT_MACOS_BUNDLE_NAME}.app)

    # Where the installed binaries look for the libraries: the bundle's Frameworks.
    set_target_properties(clearcut clearcut-cli PROPERTIES
        INSTALL_RPATH "@executable_path/../Frameworks")
    set_target_properties(clearcut_inference PROPERTIES INSTALL_RPATH "@loader_path")

    # --- LibTorch's dylibs (libtorch_cpu, libc10, libomp ...) beside the inference library.
    if(torch_lib)
        file(GLOB torch_dylibs ${torch_lib}/*.dylib)
        if(torch_dylibs)
            install(FILES ${torch_dylibs} DESTINATION ${CLEARCUT_INSTALL_INFERENCEDIR}
                    COMPONENT app)
        else()
            message(WARNING "Deploy.cmake: no dylibs in ${torch_lib}")
        endif()
    endif()

    # --- Qt: macdeployqt on the bundle. It copies the Qt frameworks and plugins, and every other
    # non-system dylib (OpenCV when it is not static, ...) into Contents/Frameworks, and rewrites
    # the install names. clearcut-cli and the inference library are passed as -executable=, so
    # they are rewritten too (qt_generate_deploy_app_script() cannot pass extra binaries, hence
    # qt_generate_deploy_script() with qt_deploy_runtime_dependencies()). NO_OVERWRITE: the
    # LibTorch dylibs are already in place, and macdeployqt must not copy them onto themselves.
    # macdeployqt deploys no translations: qt_deploy_translations() does, into the bundle.
    _clearcut_qt_deploy_supported(qt_ok)
    if(qt_ok)
        set(content "
qt_deploy_runtime_dependencies(
    EXECUTABLE \"${bundle}\"
    ADDITIONAL_EXECUTABLES \"${CLEARCUT_INSTALL_BINDIR}/$<TARGET_FILE_NAME:clearcut-cli>\"
    ADDITIONAL_LIBRARIES \"${CLEARCUT_INSTALL_INFERENCEDIR}/$<TARGET_FILE_NAME:clearcut_inference>\"
    NO_OVERWRITE
)
set(QT_DEPLOY_TRANSLATIONS_DIR \"${bundle}/Contents/translations\")
qt_deploy_translations()
")
        qt_generate_deploy_script(TARGET clearcut OUTPUT_SCRIPT deploy_script CONTENT "${content}")
        install(SCRIPT ${deploy_script} COMPONENT app)
    endif()

    # --- signing, after every other install rule of this directory (the model goes into the
    # bundle's Resources, and a later change would break the seal).
    # (A deferred call's arguments are evaluated when it runs, in the directory's scope: EVAL
    # puts the bundle name in now, as a literal.)
    if(CLEARCUT_MACOS_CODESIGN_IDENTITY)
        cmake_language(EVAL CODE
            "cmake_language(DEFER CALL _clearcut_macos_codesign_rule [==[${bundle}]==])")
    endif()
endfunction()

# Signs inside out: the dylibs, the frameworks, clearcut-cli, then the bundle; then verifies.
function(_clearcut_macos_codesign_rule bundle)
    set(id "${CLEARCUT_MACOS_CODESIGN_IDENTITY}")
    set(options "")
    foreach(option IN LISTS CLEARCUT_MACOS_CODESIGN_OPTIONS)
        string(APPEND options " \"${option}\"")
    endforeach()
    install(CODE "
set(_cc_app \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${bundle}\")
file(GLOB_RECURSE _cc_dylibs LIST_DIRECTORIES false
     \"\${_cc_app}/Contents/Frameworks/*.dylib\" \"\${_cc_app}/Contents/PlugIns/*.dylib\")
file(GLOB _cc_frameworks LIST_DIRECTORIES true \"\${_cc_app}/Contents/Frameworks/*.framework\")
file(GLOB _cc_helpers LIST_DIRECTORIES false \"\${_cc_app}/Contents/MacOS/*\")
list(REMOVE_ITEM _cc_helpers \"\${_cc_app}/Contents/MacOS/${CLEARCUT_MACOS_BUNDLE_NAME}\")
foreach(_cc_code IN LISTS _cc_dylibs _cc_frameworks _cc_helpers)
    execute_process(COMMAND codesign --force --sign \"${id}\"${options} \"\${_cc_code}\"
                    COMMAND_ERROR_IS_FATAL ANY)
endforeach()
execute_process(COMMAND codesign --force --sign \"${id}\"${options} \"\${_cc_app}\"
                COMMAND_ERROR_IS_FATAL ANY)
execute_process(COMMAND codesign --verify --deep --strict \"\${_cc_app}\"
                COMMAND_ERROR_IS_FATAL ANY)
message(STATUS \"Signed \${_cc_app} (identity ${id})\")
" COMPONENT app)
endfunction()

# The one entry point, called after the install() rules of the programs, the inference library
# and the model. A no-op on Linux.
function(clearcut_setup_deployment)
    if(NOT WIN32 AND NOT APPLE)
        return()
    endif()
    foreach(target clearcut clearcut-cli clearcut_inference)
        if(NOT TARGET ${target})
            message(FATAL_ERROR "clearcut_setup_deployment(): no target ${target} yet")
        endif()
    endforeach()
    if(WIN32)
        _clearcut_deploy_windows()
    else()
        get_property(prepared GLOBAL PROPERTY _CLEARCUT_MACOS_BUNDLE_PREPARED)
        if(NOT prepared)
            message(WARNING "Deploy.cmake was included after `clearcut` was installed: include "
                            "it before install(TARGETS clearcut ...), or the bundle is installed "
                            "as a plain executable")
        endif()
        _clearcut_deploy_macos()
    endif()
endfunction()

# At include(): the bundle, before any install(TARGETS clearcut).
_clearcut_prepare_macos_bundle()
