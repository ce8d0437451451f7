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

// What the window's responsiveness limits (longest UI stall, clearing, re-compositing) are
// multiplied by in a sanitizer build (cmake/Sanitizers.cmake): the instrumented code runs 2-10x
// slower, and those limits are there to catch work on the UI thread that grows with the photo
// count or size, not the sanitizer's cost. Everything else is checked as in a plain build.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__) // GCC
constexpr double kTimeLimitScale = 4.0;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) // Clang
constexpr double kTimeLimitScale = 4.0;
#else
constexpr double kTimeLimitScale = 1.0;
#endif
#else
constexpr double kTimeLimitScale = 1.0;
#endif

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
