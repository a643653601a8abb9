import Foundation
import KnotworkStore
import KnotworkCore

/// Every link the pages build comes from here, so a path is spelled once.
enum Paths {
    static let home = "/patients"
    static let patients = "/patients"
    static let newPatient = "/patients/new"
    static let newPatientPost = "/patients"
    static let breakGlass = "/break-glass"
    static let signOut = "/signout"
    static let account = "/account"
    static let accountTokens = "/account/tokens"
    static let accountPassword = "/account/password"
    static let adminUsers = "/admin/users"
    static let myCredentials = "/account/credentials"
    static let myLicenses = "/account/credentials/licenses"
    static let myCourses = "/account/credentials/courses"
    static let adminCompliance = "/admin/compliance"
    static let adminCERules = "/admin/ce-rules"
    static let accountFeeds = "/account/calendar-feeds"
    static func revokeFeed(_ id: UUID) -> String { "/account/calendar-feeds/\(id.uuidString.lowercased())/revoke" }
    /// A feed's address: the secret is the whole credential. Request logs name the route (`/calendar-feeds/:feed`), not the path.
    static func calendarFeed(_ token: String) -> String { "/calendar-feeds/\(token).ics" }
    static func adminLicenses(_ userID: UUID) -> String { "/admin/compliance/\(userID.uuidString.lowercased())/licenses" }
    static func adminLicenseException(_ userID: UUID) -> String { "/admin/compliance/\(userID.uuidString.lowercased())/exceptions" }
    static let adminAudit = "/admin/audit"
    static let adminAuditCSV = "/admin/audit.csv"
    static let adminAuditVerify = "/admin/audit/verify"
    static let stylesheet = "/static/app.css"
    static let script = "/static/app.js"

    static func signIn(expired: Bool = false, next: String? = nil) -> String {
        var items: [URLQueryItem] = []
        if expired { items.append(URLQueryItem(name: "expired", value: "1")) }
        if let next, Self.isLocal(next), next != "/signin" { items.append(URLQueryItem(name: "next", value: next)) }
        var c = URLComponents()
        c.path = "/signin"
        c.queryItems = items.isEmpty ? nil : items
        return c.string ?? "/signin"
    }

    static func patient(_ id: UUID) -> String { "/patients/\(id.uuidString.lowercased())" }
    static func editPatient(_ id: UUID) -> String { self.patient(id) + "/edit" }
    static func careTeam(_ id: UUID) -> String { self.patient(id) + "/care-team" }
    static func deactivatePatient(_ id: UUID) -> String { self.patient(id) + "/deactivate" }
    static func reactivatePatient(_ id: UUID) -> String { self.patient(id) + "/reactivate" }
    static func assessments(_ patientID: UUID) -> String { self.patient(patientID) + "/assessments" }
    static func assessment(_ patientID: UUID, _ id: UUID) -> String { self.assessments(patientID) + "/\(id.uuidString.lowercased())" }
    static func assessmentSection(_ patientID: UUID, _ id: UUID, _ section: String) -> String { self.assessment(patientID, id) + "/" + section }
    static func comparePainMaps(_ patientID: UUID) -> String { self.patient(patientID) + "/pain-maps/compare" }
    static func visitScreen(_ patientID: UUID) -> String { self.patient(patientID) + "/safety/screen" }
    static func clearHold(_ patientID: UUID) -> String { self.patient(patientID) + "/safety/hold/clear" }
    static func resolvePrecaution(_ patientID: UUID, _ id: UUID) -> String { self.patient(patientID) + "/safety/precautions/\(id.uuidString.lowercased())/resolve" }
    static func chart(_ patientID: UUID) -> String { self.patient(patientID) + "/chart" }
    static func progressReport(_ patientID: UUID) -> String { self.patient(patientID) + "/progress-report" }
    static func notes(_ patientID: UUID) -> String { self.patient(patientID) + "/notes" }
    static func newNote(_ patientID: UUID) -> String { self.notes(patientID) + "/new" }
    static func newNote(_ patientID: UUID, appointment: UUID) -> String { self.newNote(patientID) + "?appointment=\(appointment.uuidString.lowercased())" }
    static func appointments(_ patientID: UUID) -> String { self.patient(patientID) + "/appointments" }
    static func appointmentSeries(_ patientID: UUID) -> String { self.patient(patientID) + "/appointment-series" }
    static func appointmentStatus(_ patientID: UUID, _ id: UUID) -> String { self.appointments(patientID) + "/\(id.uuidString.lowercased())/status" }
    static let schedule = "/schedule"
    static func schedule(day: CalendarDate, clinician: UUID?, week: Bool = false) -> String {
        self.query(self.schedule, [("day", day.description), ("clinician", clinician?.uuidString.lowercased() ?? "all")] + (week ? [("view", "week")] : []))
    }
    static func note(_ patientID: UUID, _ id: UUID) -> String { self.notes(patientID) + "/\(id.uuidString.lowercased())" }
    static func plans(_ patientID: UUID) -> String { self.patient(patientID) + "/plans" }
    static func newPlan(_ patientID: UUID) -> String { self.plans(patientID) + "/new" }
    static func plan(_ patientID: UUID, _ id: UUID) -> String { self.plans(patientID) + "/\(id.uuidString.lowercased())" }
    static func discharge(_ patientID: UUID) -> String { self.patient(patientID) + "/discharge" }
    static let tasks = "/tasks"
    static func referrals(_ patientID: UUID) -> String { self.patient(patientID) + "/referrals" }
    static func reports(_ patientID: UUID) -> String { self.patient(patientID) + "/reports" }
    static func teamNotes(_ patientID: UUID) -> String { self.patient(patientID) + "/team" }
    static func tasks(_ patientID: UUID) -> String { self.patient(patientID) + "/tasks" }
    static func completeTask(_ patientID: UUID, _ id: UUID) -> String { self.tasks(patientID) + "/\(id.uuidString.lowercased())/complete" }
    static func messages(_ patientID: UUID) -> String { self.patient(patientID) + "/messages" }
    static func thread(_ patientID: UUID, _ id: UUID) -> String { self.messages(patientID) + "/\(id.uuidString.lowercased())" }
    /// Where a note of any kind is read.
    static func document(_ note: StoredNote) -> String {
        switch note.kind {
        case "progress-report": self.report(note.patientID, note.id)
        case "team-note", "case-conference": self.teamNotes(note.patientID) + "#note-\(note.id.uuidString.lowercased())"
        default: self.note(note.patientID, note.id)
        }
    }
    static func report(_ patientID: UUID, _ id: UUID) -> String { self.reports(patientID) + "/\(id.uuidString.lowercased())" }
    static let inbox = "/inbox"
    static func acknowledge(_ deliveryID: UUID) -> String { "/inbox/\(deliveryID.uuidString.lowercased())/acknowledge" }
    static func referral(_ patientID: UUID, _ id: UUID) -> String { self.referrals(patientID) + "/\(id.uuidString.lowercased())" }
    static let adminOverrides = "/admin/coverage-overrides"
    static let adminSafetyRules = "/admin/safety-rules"
    static let adminClinic = "/admin/clinic"
    static let adminOutbox = "/admin/outbox"
    static let accountProfile = "/account/profile"
    static let adminOutboxTest = "/admin/outbox/test"
    static func adminOutboxRetry(_ id: UUID) -> String { "/admin/outbox/\(id.uuidString.lowercased())/retry" }
    static let painMapScript = "/static/painmap.js"
    static let noteScript = "/static/note.js"
    static let icd10Script = "/static/icd10.js"
    static let icd10Search = "/catalog/icd10"
    static func adminUser(_ id: UUID) -> String { "/admin/users/\(id.uuidString.lowercased())" }
    static func adminUserPassword(_ id: UUID) -> String { self.adminUser(id) + "/password" }
    static func revokeToken(_ id: UUID) -> String { "/account/tokens/\(id.uuidString.lowercased())/revoke" }

    /// Only same-site relative paths may be redirect targets (no open redirects).
    static func isLocal(_ path: String) -> Bool {
        path.hasPrefix("/") && !path.hasPrefix("//") && !path.contains("\\") && !path.contains("://")
    }

    static func query(_ base: String, _ items: [(String, String?)]) -> String {
        var c = URLComponents()
        c.path = base
        let q = items.compactMap { k, v in v.flatMap { $0.isEmpty ? nil : URLQueryItem(name: k, value: $0) } }
        c.queryItems = q.isEmpty ? nil : q
        return c.string ?? base
    }
}
