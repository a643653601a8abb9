import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Runs a job every `interval` seconds while `knotwork serve` runs (the outbox's delivery, the reminders), and lets the
/// run under way finish on shutdown. `prepare` is called once the app has booted and returns the job, or nil when the
/// job has nothing to do in this configuration.
final class PeriodicWorker: LifecycleHandler {
    let interval: TimeInterval
    let prepare: @Sendable (Application) -> (@Sendable () async -> Void)?
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    init(interval: TimeInterval, prepare: @escaping @Sendable (Application) -> (@Sendable () async -> Void)?) {
        self.interval = interval
        self.prepare = prepare
    }

    func didBootAsync(_ app: Application) async throws {
        guard let job = self.prepare(app) else { return }
        let interval = self.interval
        self.task.withLockedValue {
            $0 = Task {
                while !Task.isCancelled {
                    await job()
                    try? await Task.sleep(for: .seconds(interval))
                }
            }
        }
    }

    func shutdownAsync(_ app: Application) async {
        let task = self.task.withLockedValue { t in defer { t = nil }; return t }
        task?.cancel()
        await task?.value
    }
}
