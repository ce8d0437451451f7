#pragma once

// Help > About: what this build is (ClearCut, Qt, LibTorch and OpenCV versions), which model is
// running where, and where the default model's weights come from.

#include <QDialog>
#include <QString>

namespace clearcut::ui {

struct AboutInfo
{
    // Empty appVersion, qtVersion and openCvVersion are filled in from the build; torch's version
    // comes from the caller, since ui/ does not include torch.
    QString appVersion;
    QString qtVersion;
    QString torchVersion;
    QString openCvVersion;
    QString modelName; // empty: no model loaded yet
    QString modelDevice;
    QString blas;
};

class AboutDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AboutDialog)

public:
    explicit AboutDialog(const AboutInfo &info, QWidget *parent = nullptr);

    // The dialog's facts as plain text, for bug reports.
    QString details() const { return m_details; }

private:
    QString m_details;
};

// Shows the dialog modally.
void showAboutDialog(QWidget *parent, const AboutInfo &info);

} // namespace clearcut::ui
