#pragma once
// Runs netsurf-cli in a subprocess for the end-to-end tests: exit code, stdout, stderr.
#include <QProcess>
#include <QString>
#include <QStringList>
#include <map>

namespace netsurf::test {

struct Run {
    int code = -1; // exit code; −2 when the process crashed (signal)
    QString out, err;
};

// Environment of a CLI run: NETSURF_WORKSPACE = workspace (when given) plus `env`.
inline QProcessEnvironment cliEnvironment(const QString& workspace,
                                          const std::map<QString, QString>& env = {}) {
    QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
    if (!workspace.isEmpty()) e.insert("NETSURF_WORKSPACE", workspace);
    for (const auto& [k, v] : env)
        e.insert(k, v);
    return e;
}

// Starts the CLI without waiting (for runs that overlap).
inline void startCli(QProcess& p, const QStringList& args, const QString& workspace = {},
                     const std::map<QString, QString>& env = {}) {
    p.setProcessEnvironment(cliEnvironment(workspace, env));
    p.start(NETSURF_CLI_PATH, args);
}

inline Run finishCli(QProcess& p) {
    p.waitForFinished(600000);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2,
            QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

inline Run cli(const QStringList& args, const QString& workspace = {},
               const std::map<QString, QString>& env = {}) {
    QProcess p;
    startCli(p, args, workspace, env);
    return finishCli(p);
}

// The one error line on stderr, without the "netsurf-cli: error: " prefix (empty when stderr is
// not exactly one such line).
inline QString errorLine(const Run& r) {
    const QString prefix = "netsurf-cli: error: ";
    const QString line = r.err.trimmed();
    return line.startsWith(prefix) && !line.contains('\n') ? line.mid(prefix.size()) : QString();
}

} // namespace netsurf::test
