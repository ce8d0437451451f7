#pragma once

// One run's part of a longer list of photos, for N workers over one list (clearcut-cli --shard,
// a Kubernetes Indexed Job): photo k of the list belongs to part k mod N. Every worker reads the
// same list in the same order, so together they take every photo exactly once, with no
// coordination between them.

#include "BatchOptions.h"
#include "PhotoFinder.h"

#include <QList>
#include <QString>

#include <optional>

namespace clearcut {

struct Shard
{
    int index = 0; // from 0
    int count = 1;
};

// "I/N" with 0 <= I < N; else nullopt and *error says why (without the option's name).
std::optional<Shard> parseShard(const QString &text, QString *error);

// position: 0-based, in the whole list.
bool inShard(qsizetype position, const Shard &shard);

// The photos of `all` that are the shard's, in list order, each keeping its place in the whole
// list (BatchInput::listIndex), so {index} names a photo the same way whichever worker writes it.
QList<BatchInput> shardOf(const QList<BatchInput> &all, const Shard &shard);

// Workers do not see each other's names, so two photos of the list that the pattern gives one
// output path would overwrite (or, with skip, hide) each other. Empty if none do, else a line
// naming the first two.
QString findOutputClash(const QList<BatchInput> &all, const BatchOptions &options);

} // namespace clearcut
