#pragma once

// An exception from OpenCV (or an allocation) in words for a user: what failed, without
// OpenCV's build path, line number and assertion syntax.

#include <QString>

#include <exception>

namespace clearcut {

// "out of memory", "OpenCV's resize refused the image (the image is too large or empty)" ...
QString describeException(const std::exception &e);

} // namespace clearcut
