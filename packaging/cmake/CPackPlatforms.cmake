# CPack settings for the Windows installer (NSIS) and the macOS disk image (DragNDrop).
# include()d by packaging/CMakeLists.txt after its own CPACK_* settings and before include(CPack);
# sets nothing on Linux. A variable packaging/CMakeLists.txt already set is left as it is where
# the comment says "unless set".
#
# Cache variable: CLEARCUT_PACKAGE_VARIANT, appended to the package file name (e.g. "cuda" for
# the LibTorch CUDA build), empty by default.
#
# Each setting is documented in CMake's cpack-generators(7) manual (NSIS, DragNDrop) and the
# CPack / CPackComponent modules; packaging/README.md ("Windows and macOS packaging") lists which page says what.

include_guard(GLOBAL)

if(NOT WIN32 AND NOT APPLE)
    return()
endif()

set(CLEARCUT_PACKAGE_VARIANT "" CACHE STRING
    "Appended to the Windows/macOS package file name, e.g. cuda (empty: nothing)")

set(_cc_packaging_dir ${CMAKE_CURRENT_LIST_DIR}/..)
get_filename_component(_cc_packaging_dir ${_cc_packaging_dir} ABSOLUTE)
if(CPACK_PACKAGE_NAME)
    set(_cc_name ${CPACK_PACKAGE_NAME})
else()
    set(_cc_name clearcut)
endif()
set(_cc_suffix "")
if(CLEARCUT_PACKAGE_VARIANT)
    set(_cc_suffix "-${CLEARCUT_PACKAGE_VARIANT}")
endif()

if(WIN32)
    # --- names -------------------------------------------------------------------------------
    # The Apps & features entry and the title bar of the installer.
    set(CPACK_NSIS_DISPLAY_NAME "ClearCut")
    set(CPACK_NSIS_PACKAGE_NAME "ClearCut ${PROJECT_VERSION}")
    if(NOT DEFINED CPACK_PACKAGE_FILE_NAME) # unless set
        set(CPACK_PACKAGE_FILE_NAME "${_cc_name}-${PROJECT_VERSION}-windows-x64${_cc_suffix}")
    endif()
    # C:\Program Files\ClearCut, whatever the version: the registry key (below) and the folder
    # stay the same from one version to the next, so the next installer finds this one.
    set(CPACK_NSIS_INSTALL_ROOT "$PROGRAMFILES64")
    if(NOT DEFINED CPACK_PACKAGE_INSTALL_DIRECTORY) # unless set
        set(CPACK_PACKAGE_INSTALL_DIRECTORY "ClearCut")
    endif()
    if(NOT DEFINED CPACK_PACKAGE_INSTALL_REGISTRY_KEY) # unless set
        set(CPACK_PACKAGE_INSTALL_REGISTRY_KEY "ClearCut")
    endif()
    # Offer to uninstall an earlier version first (found by the registry key).
    set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)

    # --- icons -------------------------------------------------------------------------------
    # The installer's and uninstaller's own icons; Apps & features shows the one in
    # clearcut.exe (its .rc, packaging/windows/clearcut.rc.in). Native paths: NSIS reads
    # them as Windows paths.
    file(TO_NATIVE_PATH "${_cc_packaging_dir}/windows/clearcut.ico" _cc_ico)
    set(CPACK_NSIS_MUI_ICON "${_cc_ico}")
    set(CPACK_NSIS_MUI_UNIICON "${_cc_ico}")
    # Relative to the install folder ($INSTDIR\bin\clearcut.exe).
    set(CPACK_NSIS_INSTALLED_ICON_NAME "bin\\clearcut.exe")

    # --- shortcuts and PATH ----------------------------------------------------------------------
    # Start menu > ClearCut > ClearCut (bin\clearcut.exe; bin is CPACK_NSIS_EXECUTABLES_DIRECTORY),
    # and the option of a desktop shortcut on the install-options page.
    set(CPACK_NSIS_EXECUTABLES_DIRECTORY bin)
    set(CPACK_PACKAGE_EXECUTABLES "clearcut" "ClearCut")
    set(CPACK_CREATE_DESKTOP_LINKS "clearcut")
    # The install-options page asks whether to add $INSTDIR\bin to PATH, so that clearcut-cli
    # runs from any console (default: not added). The same page has the desktop shortcut box.
    set(CPACK_NSIS_MODIFY_PATH ON)
    # "Run ClearCut" on the last page.
    set(CPACK_NSIS_MUI_FINISHPAGE_RUN "clearcut.exe")

    # --- links, contact ------------------------------------------------------------------------
    if(CPACK_PACKAGE_HOMEPAGE_URL)
        set(CPACK_NSIS_URL_INFO_ABOUT "${CPACK_PACKAGE_HOMEPAGE_URL}")
        set(CPACK_NSIS_HELP_LINK "${CPACK_PACKAGE_HOMEPAGE_URL}")
    elseif(PROJECT_HOMEPAGE_URL)
        set(CPACK_NSIS_URL_INFO_ABOUT "${PROJECT_HOMEPAGE_URL}")
        set(CPACK_NSIS_HELP_LINK "${PROJECT_HOMEPAGE_URL}")
    endif()
    if(CPACK_PACKAGE_CONTACT)
        set(CPACK_NSIS_CONTACT "${CPACK_PACKAGE_CONTACT}")
    endif()

    # --- look and size -----------------------------------------------------------------------
    set(CPACK_NSIS_MANIFEST_DPI_AWARE ON)
    set(CPACK_NSIS_BRANDING_TEXT "ClearCut ${PROJECT_VERSION}")
    # One solid LZMA stream: LibTorch's DLLs are most of the installer and compress better
    # together. (NSIS cannot make an installer over 2 GB: the CUDA build may not fit, see
    # packaging/README.md.)
    set(CPACK_NSIS_COMPRESSOR "/SOLID lzma")

    # --- components: the installer's Components page --------------------------------------------
    # NSIS builds one installer with a page listing the components (CPack's default for NSIS).
    # The model is listed, checked, and cannot be unchecked: the app does nothing without one.
    set(CPACK_COMPONENT_MODEL_REQUIRED ON)
    set(CPACK_COMPONENT_MODEL_DISABLED OFF)
    if(NOT DEFINED CPACK_COMPONENT_APP_REQUIRED) # unless set
        set(CPACK_COMPONENT_APP_REQUIRED ON)
    endif()
    if(NOT DEFINED CPACK_COMPONENT_MODEL_DISPLAY_NAME) # unless set
        set(CPACK_COMPONENT_MODEL_DISPLAY_NAME "ISNet model")
    endif()
elseif(APPLE)
    # One .dmg with ClearCut.app (model inside, in Contents/Resources) and the /Applications
    # link to drag it onto. DragNDrop makes one image per component when there are components;
    # monolithic keeps app and model together (the model lives inside the bundle).
    set(CPACK_MONOLITHIC_INSTALL ON)
    # (CPACK_COMPONENTS_ALL would only draw CPack's warning that monolithic wins.)
    unset(CPACK_COMPONENTS_ALL)
    if(NOT DEFINED CPACK_PACKAGE_FILE_NAME) # unless set
        if(CMAKE_OSX_ARCHITECTURES)
            string(REPLACE ";" "-" _cc_arch "${CMAKE_OSX_ARCHITECTURES}")
        else()
            set(_cc_arch ${CMAKE_SYSTEM_PROCESSOR})
        endif()
        set(CPACK_PACKAGE_FILE_NAME "${_cc_name}-${PROJECT_VERSION}-macos-${_cc_arch}${_cc_suffix}")
    endif()
    set(CPACK_DMG_VOLUME_NAME "ClearCut ${PROJECT_VERSION}")
    # bzip2-compressed, read-only (hdiutil(1)); LibTorch's dylibs are most of it.
    set(CPACK_DMG_FORMAT UDBZ)
    # The volume's icon in Finder.
    set(CPACK_PACKAGE_ICON "${_cc_packaging_dir}/macos/clearcut.icns")
    # No licence agreement on mounting: CPACK_RESOURCE_FILE_LICENSE is set for the other
    # generators, and under policy CMP0133's OLD behaviour (cmake_minimum_required < 3.24) CPack
    # would make it the DMG's SLA with the deprecated `hdiutil udifrez`. The licence files are in
    # the image beside the app instead.
    set(CPACK_DMG_SLA_USE_RESOURCE_FILE_LICENSE OFF)
endif()

unset(_cc_packaging_dir)
unset(_cc_name)
unset(_cc_suffix)
unset(_cc_ico)
unset(_cc_arch)
