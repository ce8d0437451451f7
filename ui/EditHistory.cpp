#include "EditHistory.h"

#include "PhotoSession.h"

#include <QAction>
#include <QUndoCommand>
#include <QUndoStack>

namespace clearcut::ui {
namespace {

constexpr int kAdjustId = 1;

class AdjustCommand final : public QUndoCommand
{
public:
    AdjustCommand(EditHistory *history, PhotoSession *session, quint64 id, Adjustments before,
                  Adjustments after)
        : QUndoCommand(EditHistory::describe(before, after)), m_history(history),
          m_session(session), m_id(id), m_before(std::move(before)), m_after(std::move(after))
    {}

    void undo() override { apply(m_before); }
    void redo() override { apply(m_after); }
    int id() const override { return kAdjustId; }

    // A control moved again on the same photo: one step from where it started.
    bool mergeWith(const QUndoCommand *other) override
    {
        const auto *next = static_cast<const AdjustCommand *>(other);
        if (next->m_id != m_id || next->text() != text())
            return false;
        m_after = next->m_after;
        setObsolete(m_after == m_before);
        return true;
    }

private:
    void apply(const Adjustments &adjustments)
    {
        m_session->setAdjustmentsOf(m_id, adjustments);
        Q_EMIT m_history->applied(m_id);
    }

    EditHistory *m_history;
    PhotoSession *m_session;
    quint64 m_id;
    Adjustments m_before;
    Adjustments m_after;
};

class StrokesCommand final : public QUndoCommand
{
public:
    StrokesCommand(EditHistory *history, PhotoSession *session, quint64 id,
                   std::vector<Stroke> before, std::vector<Stroke> after, const QString &text)
        : QUndoCommand(text), m_history(history), m_session(session), m_id(id),
          m_before(std::move(before)), m_after(std::move(after))
    {}

    void undo() override { apply(m_before); }
    void redo() override { apply(m_after); }

private:
    void apply(const std::vector<Stroke> &strokes)
    {
        m_session->setStrokes(m_id, strokes);
        Q_EMIT m_history->applied(m_id);
    }

    EditHistory *m_history;
    PhotoSession *m_session;
    quint64 m_id;
    std::vector<Stroke> m_before;
    std::vector<Stroke> m_after;
};

} // namespace

EditHistory::EditHistory(PhotoSession *session, QObject *parent)
    : QObject(parent), m_session(session)
{}

QAction *EditHistory::createUndoAction(QObject *parent)
{
    return m_group.createUndoAction(parent, tr("&Undo"));
}

QAction *EditHistory::createRedoAction(QObject *parent)
{
    return m_group.createRedoAction(parent, tr("&Redo"));
}

QUndoStack *EditHistory::stack(quint64 id)
{
    auto it = m_stacks.find(id);
    if (it == m_stacks.end()) {
        auto *stack = new QUndoStack(&m_group);
        it = m_stacks.emplace(id, stack).first;
    }
    return it->second;
}

void EditHistory::setCurrent(quint64 id)
{
    m_group.setActiveStack(id != 0 && m_session->photo(id) ? stack(id) : nullptr);
}

void EditHistory::adjust(quint64 id, const Adjustments &after)
{
    if (!m_session->photo(id)) {
        m_session->setAdjustments(after); // no photo: only what the next one starts from
        return;
    }
    const Adjustments before = m_session->adjustments(id);
    if (before == after)
        return;
    stack(id)->push(new AdjustCommand(this, m_session, id, before, after));
}

void EditHistory::setStrokes(quint64 id, const std::vector<Stroke> &after, const QString &text)
{
    if (!m_session->photo(id))
        return;
    std::vector<Stroke> before = m_session->strokes(id);
    if (before == after)
        return;
    stack(id)->push(new StrokesCommand(this, m_session, id, std::move(before), after, text));
}

void EditHistory::forget(quint64 id)
{
    const auto it = m_stacks.find(id);
    if (it == m_stacks.end())
        return;
    m_group.removeStack(it->second);
    delete it->second;
    m_stacks.erase(it);
}

QString EditHistory::describe(const Adjustments &before, const Adjustments &after)
{
    const MaskAdjust &a = before.adjust, &b = after.adjust;
    if (before.type != after.type)
        return tr("Background");
    if (a.threshold != b.threshold)
        return tr("Hard Edge");
    if (a.reverse != b.reverse)
        return tr("Keep Background");
    if (a.refine != b.refine)
        return tr("Edge Refinement");
    if (a.refineStrength != b.refineStrength)
        return tr("Refinement Strength");
    if (a.cleanColours != b.cleanColours)
        return tr("Colour Clean-up");
    if (a.feather != b.feather)
        return tr("Feather");
    if (a.shiftEdge != b.shiftEdge)
        return tr("Shift Edge");
    if (before.framing != after.framing)
        return tr("Crop");
    return tr("Adjustments");
}

} // namespace clearcut::ui
