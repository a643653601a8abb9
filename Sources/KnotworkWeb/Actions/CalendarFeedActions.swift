import Fluent
import Foundation
import KnotworkCore
import KnotworkStore
import Vapor

/// Clinicians' calendar feeds (issue 13 §7): an iCalendar URL with an unguessable secret that a calendar program
/// subscribes to, showing the clinician's visits by time with the patient's initials at most (a clinic setting hides
/// even those). The secret is shown once; a revoked or unknown one is 404.
enum CalendarFeedActions {
    /// The visits a feed carries: from a month back to half a year ahead.
    static let pastDays = 30
    static let futureDays = 183
    static let maxEvents = 5_000

    /// Makes a feed for the signed-in clinician: the feed and its URL path (with the secret, shown this once).
    static func create(on req: Request) async throws -> (feed: CalendarFeed, path: String) {
        let user = try req.requirePrincipal().user
        let token = Secrets.random(bytes: 32), now = req.now
        let feed = try await req.audit.perform(req.auditActor, AuditEntry(.calendarFeedCreate, entity: "user:\(user.id.uuidString.lowercased())")) { db in
            try await CalendarFeedStore(database: db).create(clinicianID: user.id, tokenHash: Secrets.hash(token), at: now)
        }
        return (feed, Paths.calendarFeed(token))
    }

    static func revoke(_ id: UUID, on req: Request) async throws {
        let user = try req.requirePrincipal().user
        let now = req.now
        try await req.audit.perform(req.auditActor, AuditEntry(.calendarFeedRevoke, entity: "calendar_feed:\(id.uuidString.lowercased())")) { db in
            guard try await CalendarFeedStore(database: db).revoke(id, of: user.id, at: now) else { throw Abort(.notFound) }
        }
    }

    static func feeds(on req: Request) async throws -> [CalendarFeed] {
        try await CalendarFeedStore(database: req.db).feeds(of: try req.requirePrincipal().user.id)
    }

    /// The feed's text for a secret, or 404. Each fetch is an audited read (it discloses times and initials), by the
    /// feed rather than a signed-in user.
    static func ics(token: String, on req: Request) async throws -> String {
        guard let feed = try await CalendarFeedStore(database: req.db).live(tokenHash: Secrets.hash(token)),
              let clinician = try await UserStore(database: req.db).find(feed.clinicianID), clinician.active else { throw Abort(.notFound) }
        let now = req.now
        let actor = AuditActor(userID: clinician.id, username: clinician.username, role: clinician.role.rawValue, clientAddress: req.clientAddress,
                               requestID: req.requestID, via: "calendar-feed:\(feed.id.uuidString.lowercased())")
        let entry = AuditEntry(.calendarFeedRead, entity: "calendar_feed:\(feed.id.uuidString.lowercased())")
        return try await req.audit.read(actor, entry) { db in
            let settings = try await ClinicSettingsStore(database: db).current()
            let visits = try await AppointmentStore(database: db).schedule(from: now.addingTimeInterval(-Double(Self.pastDays) * 86_400),
                                                                         to: now.addingTimeInterval(Double(Self.futureDays) * 86_400),
                                                                         clinicianID: clinician.id, viewer: .everyone, limit: Self.maxEvents)
            let domain = req.application.knotwork.settings.smtp?.domain ?? "knotwork.localhost"
            let events = visits.filter { $0.status.holdsTime || $0.status == .completed || $0.status == .cancelled }.map { v in
                ICalendar.Event(uid: "\(v.id.uuidString.lowercased())@\(domain)", start: v.appointment.start, end: v.appointment.end,
                                summary: settings.feedShowsInitials ? "Visit · \(Self.initials(v.patientName))" : "Visit",
                                cancelled: v.status == .cancelled, stamp: v.updatedAt)
            }
            return ICalendar.feed(name: "Knotwork · \(clinician.displayName)", zone: settings.timeZone, events: events)
        }
    }

    /// "Amara Abernathy" → "A.A.".
    static func initials(_ name: String) -> String {
        name.split(separator: " ").compactMap(\.first).map { "\($0.uppercased())." }.joined()
    }
}
