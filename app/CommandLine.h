#pragma once

// What clearcut-cli and clearcut-server parse alike: a parse error, --help, --version and an
// argument where only options belong.

#include <QCommandLineParser>
#include <QString>
#include <QStringList>

#include <cstdio>

namespace clearcut::app {

enum class Parsed
{
    Go,      // the options are parsed: read them
    ExitNow, // --help or --version was printed
    Failed   // *error says why
};

// positionalHint follows the message for a stray argument (" (use --source)").
inline Parsed parseCommon(QCommandLineParser &parser, const QStringList &arguments,
                          const QCommandLineOption &help, const QCommandLineOption &version,
                          const char *program, const QString &positionalHint, QString *error)
{
    if (!parser.parse(arguments)) {
        *error = parser.errorText();
        return Parsed::Failed;
    }
    if (parser.isSet(help)) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return Parsed::ExitNow;
    }
    if (parser.isSet(version)) {
        std::printf("%s %s\n", program, CLEARCUT_VERSION);
        return Parsed::ExitNow;
    }
    if (!parser.positionalArguments().isEmpty()) {
        *error = QStringLiteral("unexpected argument: %1%2")
                     .arg(parser.positionalArguments().constFirst(), positionalHint);
        return Parsed::Failed;
    }
    return Parsed::Go;
}

} // namespace clearcut::app
