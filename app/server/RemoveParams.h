#pragma once

// POST /v1/remove's query parameters, named as clearcut-cli's options: type, threshold, reverse,
// format, refine, refine_strength, foreground_estimate, feather, shift_edge, crop, canvas,
// resize_longest, mode. The same values give the same bytes as the command line.

#include "engine/ImageIO.h"
#include "engine/PhotoExport.h"
#include "engine/Types.h"

#include <QByteArray>
#include <QString>
#include <QUrlQuery>

#include <optional>

namespace clearcut::server {

struct RemoveParams
{
    Adjustments adjustments;
    ImageIO::EncodeOptions encode;
    int resizeLongest = 0;
    SegmentOptions segment;
};

// On a bad value returns nullopt and sets *error ("threshold must be a number from 0 to 1").
std::optional<RemoveParams> parseRemoveQuery(const QUrlQuery &query, QString *error);

// The MIME type of an encoded format ("png" -> "image/png").
QByteArray contentTypeFor(const QString &format);

// The photo in a request body: the body itself, or the "image" field of multipart/form-data.
// Empty with *error set when a multipart body has no such field.
QByteArray photoBytes(const QByteArray &contentType, const QByteArray &body, QString *error);

} // namespace clearcut::server
