#pragma once

// Exports many photos at once: the photos (files and whole folders), how the results are made and
// named, where they go; then the run's progress, its failures as they happen, and a summary. Not
// modal: the main window stays usable while a batch runs. The work itself is BatchExporter's.

#include "Presets.h"
#include "engine/BatchExporter.h"
#include "engine/PhotoExport.h"

#include <QDialog>
#include <QHash>
#include <QList>
#include <QStringList>

class QCheckBox;
class QComboBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace clearcut {
class PhotoScan;
class Engine;
} // namespace clearcut

namespace clearcut::ui {

class AdjustPanel;
class InputList;

class BatchDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BatchDialog)

public:
    // engine lives on another thread and already has (or is loading) its model; photos sent
    // before it is ready wait for it.
    BatchDialog(Engine *engine, const QStringList &initialPaths, QWidget *parent = nullptr);
    // The output and mask adjustments to start from (the main window's current photo's), instead
    // of the last batch's.
    void startFrom(const Adjustments &adjustments);
    // The brush strokes the window holds for its photos (by path), saved or not: they are
    // exported with those photos instead of their edits files' (BatchOptions::heldStrokes).
    void setHeldStrokes(const QHash<QString, std::vector<Stroke>> &strokes);
    // The presets its panel offers; picking one also picks its format.
    void setPresets(const QList<Preset> &presets);
    ~BatchDialog() override;

    // Files are taken as they are; folders are searched recursively for supported photos.
    void addPaths(const QStringList &paths);

    QList<BatchInput> inputs() const;
    BatchOptions options() const;
    bool isRunning() const;
    bool isSearching() const { return !m_scans.isEmpty(); } // folders still being searched
    bool isDropHighlighted() const { return m_dropHighlight; }

    // The text "Copy failure list" puts on the clipboard: one "file — reason" line per failure.
    QString failureText() const;

public Q_SLOTS:
    void start();
    void cancel();
    void reject() override;

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragLeaveEvent(QDragLeaveEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    void closeEvent(QCloseEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    // One row of the input list: a photo, or a folder and the photos found in it.
    struct Entry
    {
        QString path;
        bool folder = false;
        QList<BatchInput> inputs;
    };

    QWidget *createInputs();
    QWidget *createOutput();
    QWidget *createProgress();

    void addFiles();
    void addFolder();
    void updateSearchStatus();
    void removeSelected();
    void clearInputs();
    void browseDestination();
    void copyFailures();
    void openDestination();

    void onProgress(const BatchProgress &progress);
    void onItemFinished(const BatchItemResult &result);
    void onFinished(const BatchSummary &summary);

    void setRunning(bool running);
    void setDropHighlight(bool on);
    void addFailure(const BatchItemResult &result);
    void updateInputs();
    void updateFormat();
    void updatePreview();
    void updateFreeSpace();
    void updateStart();

    void loadSettings();
    void saveSettings() const;

    BatchExporter *m_exporter;
    SegmentOptions m_segment; // as the main window runs the model (Preferences)
    QHash<QString, std::vector<Stroke>> m_heldStrokes; // setHeldStrokes
    QList<Entry> m_entries;
    QHash<PhotoScan *, int> m_scans; // folder searches still running, and what each found so far
    BatchSummary m_summary;
    bool m_hasSummary = false;
    bool m_cancelling = false;
    bool m_closeWhenFinished = false;
    bool m_dropHighlight = false;

    // Inputs
    QGroupBox *m_inputsBox;
    InputList *m_inputList;
    QLabel *m_inputCount;
    QPushButton *m_addFiles;
    QPushButton *m_addFolder;
    QPushButton *m_remove;
    QPushButton *m_clear;
    QLabel *m_dropOverlay;

    // Output
    QWidget *m_settingsArea; // everything the user may not change while a batch runs
    AdjustPanel *m_adjust;
    QComboBox *m_format;
    QSpinBox *m_quality;
    QLabel *m_formatNote;
    QSpinBox *m_resize;
    QLineEdit *m_pattern;
    QLabel *m_preview;
    QLineEdit *m_destination;
    QPushButton *m_browse;
    QLabel *m_freeSpace;
    QCheckBox *m_keepStructure;
    QComboBox *m_collision;

    // Progress and summary
    QLabel *m_status;
    QProgressBar *m_progress;
    QLabel *m_current;
    QLabel *m_rate;
    QLabel *m_remaining;
    QLabel *m_failuresTitle;
    QListWidget *m_failures;
    QPushButton *m_openDestination;
    QPushButton *m_copyFailures;
    QPushButton *m_start;
    QPushButton *m_cancel;
    QPushButton *m_close;
};

} // namespace clearcut::ui
