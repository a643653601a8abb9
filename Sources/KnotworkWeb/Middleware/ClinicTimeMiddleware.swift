import Fluent
import Foundation
import KnotworkCore
import KnotworkStore
import NIOConcurrencyHelpers
import Vapor

/// The clinic's clock for the request (issue 13): every time a page or a rule reads as local is local to the clinic's
/// zone. Views read it as a task-local value, so that each formatting call needs no clock handed down through every
/// view; actions and rules read `req.clinicClock` and pass it on explicitly.
enum ClinicTime {
    @TaskLocal static var clock: ClinicClock = .utc
}

/// The zone from the settings, kept a few seconds so that a page does not read the settings twice. Another instance
/// sees a changed zone within `lifetime`; the instance that saved it sees it at once.
final class ClinicClockCache: Sendable {
    static let lifetime: Duration = .seconds(5)
    private let cached = NIOLockedValueBox<(clock: ClinicClock, loaded: ContinuousClock.Instant)?>(nil)

    func clock(on db: any Database) async throws -> ClinicClock {
        if let c = self.cached.withLockedValue({ $0 }), ContinuousClock.now - c.loaded < Self.lifetime { return c.clock }
        let clock = try await ClinicSettingsStore(database: db).current().clock
        self.cached.withLockedValue { $0 = (clock, ContinuousClock.now) }
        return clock
    }

    func invalidate() { self.cached.withLockedValue { $0 = nil } }
}

struct ClinicTimeMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let clock = try await request.application.knotwork.clinicClocks.clock(on: request.db)
        request.storage[Request.ClinicClockKey.self] = clock
        return try await ClinicTime.$clock.withValue(clock) { try await next.respond(to: request) }
    }
}

extension Request {
    struct ClinicClockKey: StorageKey { typealias Value = ClinicClock }

    /// The clinic's clock, loaded for every request by `ClinicTimeMiddleware`.
    var clinicClock: ClinicClock { self.storage[ClinicClockKey.self] ?? .utc }

    /// The clinic's local date now: the worklist's "today", a date of service, a due date's reference.
    var today: CalendarDate { self.clinicClock.date(of: self.now) }
}
