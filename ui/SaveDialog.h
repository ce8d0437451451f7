#pragma once

// The Save / Save As dialog: Qt's own file dialog (not the platform's) so it can say, under the
// file name, when the chosen format will flatten the cut-out onto white.

#include <QFileDialog>

class QLabel;

namespace clearcut::ui {

class SaveDialog final : public QFileDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SaveDialog)

public:
    // suggested: the path to offer, its suffix one of AppSettings::outputFormats(); hasAlpha:
    // whether the result has transparency that a format without alpha would lose.
    SaveDialog(QWidget *parent, const QString &suggested, bool hasAlpha);

    // The format of the selected file type ("png", "jpg", ...).
    QString selectedFormat() const;
    // Shown when the selected format has no alpha and the result has.
    QLabel *flattenNote() const { return m_note; }

private:
    void onFilterSelected(const QString &filter);

    bool m_hasAlpha;
    QLabel *m_note;
};

} // namespace clearcut::ui
