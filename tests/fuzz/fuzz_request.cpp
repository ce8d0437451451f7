// Fuzz target: what clearcut-server reads from a POST /v1/remove before the photo is decoded
// (RemoveServer::accept): the query string through parseRemoveQuery (type, threshold, crop,
// canvas, format ...), the answer's Content-Type (contentTypeFor), and the photo's bytes from
// the body, raw or the "image" field of multipart/form-data (photoBytes).
//
// The input, split deterministically: the first line is the request's query string (what
// follows '?'), the second the Content-Type header (with the multipart boundary), the rest the
// body. A '\r' before a '\n' stays part of the line.

#include "FuzzCommon.h"

#include "app/server/RemoveParams.h"
#include "engine/Framing.h"
#include "engine/MaskRefiner.h"
#include "engine/OutputType.h"

#include <QUrl>
#include <QUrlQuery>

#include <cstdlib>

namespace {

using namespace clearcut;

void checkParams(const server::RemoveParams &p)
{
    const MaskAdjust &a = p.adjustments.adjust;
    FUZZ_CHECK(!a.threshold || (*a.threshold >= 0.0 && *a.threshold <= 1.0));
    FUZZ_CHECK(a.refineStrength >= 0.0 && a.refineStrength <= 1.0);
    FUZZ_CHECK(std::abs(a.feather) <= MaskAdjust::kMaxEdgePixels && a.feather >= 0);
    FUZZ_CHECK(std::abs(a.shiftEdge) <= MaskAdjust::kMaxEdgePixels);
    FUZZ_CHECK(p.resizeLongest >= 0 && p.resizeLongest <= 100000);
    FUZZ_CHECK(p.adjustments.type.kind != OutputType::Kind::BackgroundImage);

    // The answer's format: one the encoder takes, PNG whenever the result has alpha.
    FUZZ_CHECK(!ImageIO::suffixForFormat(p.encode.format).isEmpty());
    FUZZ_CHECK(!p.adjustments.type.hasAlpha() || p.encode.format == QLatin1String("png"));
    FUZZ_CHECK(server::contentTypeFor(p.encode.format).startsWith("image/"));

    // The framing reads back the same from the text it writes (settings, edits files).
    const Framing &f = p.adjustments.framing;
    const auto again = Framing::parse(f.cropText(), f.canvasText(), nullptr);
    FUZZ_CHECK(again.has_value() && *again == f);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const fuzz::Split first = fuzz::firstLine(fuzz::rawBytes(data, size));
    const fuzz::Split second = fuzz::firstLine(first.rest);
    const QByteArray &contentType = second.line;
    const QByteArray &body = second.rest;

    // As QHttpServerRequest::query() makes it: the request target's URL, then its query.
    const QUrl url = QUrl::fromEncoded("http://localhost/v1/remove?" + first.line);
    QString error;
    const auto params = server::parseRemoveQuery(QUrlQuery(url.query()), &error);
    if (params)
        checkParams(*params);
    else
        FUZZ_CHECK(!error.isEmpty());

    error.clear();
    const QByteArray photo = server::photoBytes(contentType, body, &error);
    if (photo.isEmpty()) {
        // Refused with a reason, or an empty body or image field (accept() answers 400).
        FUZZ_CHECK(!error.isEmpty() || body.isEmpty() ||
                   contentType.trimmed().toLower().startsWith("multipart/form-data"));
    } else {
        FUZZ_CHECK(error.isEmpty());
        FUZZ_CHECK(photo.size() <= body.size() && body.contains(photo));
    }
    return 0;
}
