#pragma once

// What clearcut-cli and clearcut-server parse alike: a parse error, --help, --version and an
// argument where only options belong.

#include <QCommandLineParser>
#include <QString>
#include <QStringList>

#include <cstdio>

namespace clearcut::app {

// Parses arguments. False when the caller is done and returns `result` as it is: --help or
// --version printed (result.exitNow), or a parse error or a stray argument (result.error, with
// positionalHint after a stray argument, e.g. " (use --source)"). Result: the program's
// ParseResult, with `QString error` and `bool exitNow`.
template <typename Result>
bool parseCommon(QCommandLineParser &parser, const QStringList &arguments,
                 const QCommandLineOption &help, const QCommandLineOption &version,
                 const char *program, const QString &positionalHint, Result &result)
{
    if (!parser.parse(arguments)) {
        result.error = parser.errorText();
        return false;
    }
    if (parser.isSet(help)) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        result.exitNow = true;
        return false;
    }
    if (parser.isSet(version)) {
        std::printf("%s %s\n", program, CLEARCUT_VERSION);
        result.exitNow = true;
        return false;
    }
    if (!parser.positionalArguments().isEmpty()) {
        result.error = QStringLiteral("unexpected argument: %1%2")
                           .arg(parser.positionalArguments().constFirst(), positionalHint);
        return false;
    }
    return true;
}

} // namespace clearcut::app
