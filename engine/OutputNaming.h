#pragma once

// Output file names for a batch: the name pattern, and the collisions between outputs, existing
// files and the source photos themselves.

#include "BatchOptions.h"
#include "PhotoFinder.h"

#include <QList>
#include <QSet>
#include <QString>

namespace clearcut::OutputNaming {

// An empty string if the pattern makes usable file names, else why not (unknown placeholder,
// a path separator ...).
QString checkNamePattern(const QString &pattern);

// index is 0-based (shown 1-based by {index}); the path before collision handling. An input
// that knows its place in a longer list (listIndex) is numbered by that place instead.
QString outputPathFor(const BatchInput &input, int index, int total, const BatchOptions &options);

// The inputs less those that are this run's own outputs left by an earlier run (--dest inside the
// source folder: "apple_rgba.png" beside "apple.jpg", or "apple_rgba_2.png" from the number
// policy), so that running twice never cuts out a cut-out. Each one left out is named in
// *earlier with the photo whose output it is.
QList<BatchInput> withoutEarlierOutputs(const QList<BatchInput> &inputs,
                                        const BatchOptions &options, QStringList *earlier);

struct Claim
{
    QString output; // the file to write (or, for skip, the existing one)
    bool skip = false;
    QString error; // no free name
};

// The names given out in one run, one call per photo in input order: no two photos get the same
// output, and no source photo is ever an output, whatever the policy.
class Claims
{
public:
    // inputs: the run's photos (their canonical paths are indexed on the first call).
    Claim claim(const QString &base, CollisionPolicy policy, const QList<BatchInput> &inputs);

private:
    bool m_sourcesIndexed = false;
    QSet<QString> m_sources; // canonical paths of every input
    QSet<QString> m_claimed; // outputs given to earlier photos of this run
};

} // namespace clearcut::OutputNaming
