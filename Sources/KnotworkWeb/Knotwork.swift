import Foundation
import KnotworkCore
import KnotworkStore
import Logging
import Vapor

public enum Knotwork {
    /// Runs the command line: `serve [--demo]`, `migrate`, `user create`, `token create`, `audit verify`, `seed`.
    public static func main(arguments: [String]) async -> Int32 {
        var args = arguments
        let demo = args.contains("--demo")
        args.removeAll { $0 == "--demo" }

        let settings: Settings
        do {
            settings = try Settings.fromEnvironment()
        } catch {
            FileHandle.standardError.write(Data("Knotwork cannot start: \(error)\n".utf8))
            return 2
        }
        var env: Environment
        do {
            env = try Environment.detect(arguments: args)
            try LoggingSystem.bootstrap(from: &env) { level in
                let configured = Logger.Level(rawValue: settings.logLevel) ?? level
                return { label in
                    var handler = StreamLogHandler.standardError(label: label)
                    handler.logLevel = configured
                    return handler
                }
            }
        } catch {
            FileHandle.standardError.write(Data("Knotwork cannot start: \(error)\n".utf8))
            return 2
        }
        KnotworkMetrics.bootstrap()

        let app: Application
        do {
            app = try await Application.make(env)
        } catch {
            FileHandle.standardError.write(Data("Knotwork cannot start: \(error)\n".utf8))
            return 2
        }
        var status: Int32 = 0
        do {
            registerCommands(app)
            try await configure(app, settings: settings)
            // Only the server queues reminders and delivers mail; `migrate`, `user create` and the others leave the outbox alone.
            let command = args.dropFirst().first { !$0.hasPrefix("-") }
            if command == nil || command == "serve" {
                app.lifecycle.use(PeriodicWorker.outbox(interval: 5))
                app.lifecycle.use(PeriodicWorker.reminders(interval: 60))
            }
            if demo {
                let seeded = try await DemoClinic.seedIfEmpty(app)
                self.printDemoBanner(args: args, settings: settings, seeded: seeded)
            }
            try await app.execute()
        } catch {
            FileHandle.standardError.write(Data("knotwork: \(error)\n".utf8))
            status = 1
        }
        try? await app.asyncShutdown()
        return status
    }

    static func printDemoBanner(args: [String], settings: Settings, seeded: Bool) {
        func option(_ name: String, _ short: String) -> String? {
            guard let i = args.firstIndex(where: { $0 == name || $0 == short }), i + 1 < args.count else { return nil }
            return args[i + 1]
        }
        let host = option("--hostname", "-H") ?? "127.0.0.1"
        let port = option("--port", "-p") ?? "8080"
        let scheme = settings.tls == nil ? "http" : "https"
        var lines = [
            "",
            "Knotwork demo clinic \(seeded ? "created" : "already present") in \(settings.database.redacted).",
            "Open \(scheme)://\(host):\(port)/ and sign in with any of these (password: \(DemoClinic.password)):",
        ]
        for u in DemoClinic.users {
            lines.append("  " + u.username.padding(toLength: 11, withPad: " ", startingAt: 0) + u.role.label)
        }
        lines.append("All patients are synthetic.")
        lines.append("")
        FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }
}
