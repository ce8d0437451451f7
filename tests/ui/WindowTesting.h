#pragma once

// What the window tests do to a real MainWindow (test_mainwindow, test_corpus_window).

#include "ui/PhotoSession.h"

#include <QApplication>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QMimeData>
#include <QTest>
#include <QUrl>
#include <QWidget>

namespace clearcut::test {

// Drags files onto target and drops them there, as a file manager would.
inline void drop(QWidget *target, const QStringList &files)
{
    QList<QUrl> urls;
    for (const QString &f : files)
        urls << QUrl::fromLocalFile(f);
    QMimeData mime;
    mime.setUrls(urls);
    const QPoint pos = target->rect().center();
    QDragEnterEvent enter(pos, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent dropEvent(QPointF(pos), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &dropEvent);
    QVERIFY(dropEvent.isAccepted());
}

// Every photo in the session is done or failed (and there is at least one).
inline bool allSettled(const ui::PhotoSession *session)
{
    for (const quint64 id : session->ids()) {
        const auto state = session->photo(id)->state;
        if (state != ui::PhotoSession::State::Done && state != ui::PhotoSession::State::Failed)
            return false;
    }
    return !session->ids().isEmpty();
}

} // namespace clearcut::test
