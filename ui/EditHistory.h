#pragma once

// Undo and redo of what the user does to a photo: its adjustments (background, mask, edge,
// crop) and its brush strokes. One QUndoStack a photo, all in one QUndoGroup, so the Edit menu's
// Undo and Redo act on the photo shown and name what they would undo ("Undo Feather").
// Consecutive changes of one control on one photo (a slider dragged) are one step.

#include "engine/PhotoExport.h"

#include <QObject>
#include <QUndoGroup>

#include <map>
#include <vector>

class QAction;
class QUndoStack;

namespace clearcut::ui {

class PhotoSession;

class EditHistory final : public QObject
{
    Q_OBJECT

public:
    explicit EditHistory(PhotoSession *session, QObject *parent = nullptr);

    QAction *createUndoAction(QObject *parent);
    QAction *createRedoAction(QObject *parent);

    // The photo whose history Undo and Redo act on (0: none).
    void setCurrent(quint64 id);
    // Applies the change to photo id as an undoable step.
    void adjust(quint64 id, const Adjustments &after);
    void setStrokes(quint64 id, const std::vector<Stroke> &after, const QString &text);
    // The photo left the list: its history goes with it.
    void forget(quint64 id);

    QUndoStack *stack(quint64 id);

    // What a step changes, as the Edit menu names it ("Feather", "Background" ...).
    static QString describe(const Adjustments &before, const Adjustments &after);

Q_SIGNALS:
    // An undo or a redo changed photo id's adjustments or strokes.
    void applied(quint64 id);

private:
    PhotoSession *m_session;
    QUndoGroup m_group;
    std::map<quint64, QUndoStack *> m_stacks;
};

} // namespace clearcut::ui
