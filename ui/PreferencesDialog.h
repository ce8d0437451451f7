#pragma once

// Edits a copy of the app's settings: the model and how it runs, and the default save format and
// folder. The output type and mask adjustment are the side panel's business and pass through
// unchanged.

#include "AppSettings.h"

#include <QDialog>

#include <optional>

class QButtonGroup;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;

namespace clearcut::ui {

class PreferencesDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PreferencesDialog)

public:
    explicit PreferencesDialog(const AppSettings &current, QWidget *parent = nullptr);

    // The settings as edited so far.
    AppSettings settings() const;

    // Whether CUDA can run models here; unknown until the check (off the UI thread) answers. The
    // CUDA entry is offered only when it is Available; otherwise it is greyed, with the reason.
    void setCudaSupport(std::optional<CudaSupport> support);
    // Why CUDA is not offered ("No CUDA device found"), empty when it is Available.
    static QString cudaUnavailableReason(std::optional<CudaSupport> support);

private:
    void fillFrom(const AppSettings &settings);
    void restoreDefaults();
    void browseModel();
    void browseFolder();
    void updateModelState();
    void updateDeviceNote();

    AppSettings m_original;
    std::optional<CudaSupport> m_cudaSupport;
    QRadioButton *m_modelDefault;
    QRadioButton *m_modelCustom;
    QLineEdit *m_modelPath;
    QPushButton *m_modelBrowse;
    QLabel *m_modelProblem;
    QComboBox *m_device;
    QLabel *m_deviceNote = nullptr; // why a CUDA setting runs on the CPU
    QComboBox *m_quality;
    QComboBox *m_format;
    QLineEdit *m_folder;
    QPushButton *m_folderBrowse;
    QComboBox *m_theme;
    QDialogButtonBox *m_buttons;
};

} // namespace clearcut::ui
