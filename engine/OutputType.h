#pragma once

// What the user gets out: the cut-out, the mask, or the photo on a new background. Spelled as in
// transparent-background's --type so its users' scripts carry over.

#include <QString>

#include <opencv2/core/matx.hpp>

#include <optional>

namespace clearcut {

struct OutputType
{
    enum class Kind
    {
        Rgba,
        Map,
        Colour,
        Blur,
        Overlay,
        BackgroundImage
    };

    Kind kind = Kind::Rgba;
    cv::Vec3b colourRgb{0, 0, 0}; // Colour
    QString backgroundPath;       // BackgroundImage (absolute)

    static inline const cv::Vec3b kGreen{120, 255, 155};
    static inline const cv::Vec3b kWhite{255, 255, 255};

    static OutputType colour(const cv::Vec3b &rgb);
    static OutputType backgroundImage(const QString &path);

    // "rgba", "map", "green", "white", "[r,g,b]" (0-255 each; "#rrggbb" also accepted), "blur",
    // "overlay", or the path of an existing background image file. Keywords win over a file of
    // the same name, as in transparent-background. On failure returns nullopt and sets *error.
    static std::optional<OutputType> parse(const QString &text, QString *error = nullptr);

    // For output file names ({stem}_{name}): "rgba", "map", "green", "white", "colour-255-0-0",
    // "blur", "overlay", "bg". Safe on every file system.
    QString name() const;
    // Text that parse() turns back into this type: "[255,0,0]", the background path ...
    QString toString() const;

    bool hasAlpha() const { return kind == Kind::Rgba; }

    friend bool operator==(const OutputType &a, const OutputType &b)
    {
        return a.kind == b.kind && (a.kind != Kind::Colour || a.colourRgb == b.colourRgb) &&
               (a.kind != Kind::BackgroundImage || a.backgroundPath == b.backgroundPath);
    }
    friend bool operator!=(const OutputType &a, const OutputType &b) { return !(a == b); }
};

} // namespace clearcut
