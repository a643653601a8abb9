import Fluent
import Foundation
import KnotworkCore
import KnotworkStore
import Vapor

/// Clinicians' licenses and CE log, their compliance, and the license gate that booking and signing pass (issue 13 §2–3).
/// A clinician keeps their own (self-reported); an administrator records verified licenses for anyone, sees everyone's
/// compliance and may grant a short, reported exception to the gate. Each write is audited in its transaction.
enum CredentialActions {
    /// One license with where it stands.
    struct LicenseStanding: Sendable {
        var stored: StoredLicense
        var rule: CERule?
        var compliance: CECompliance
    }

    struct Credentials: Sendable {
        var user: User
        var licenses: [LicenseStanding]
        var courses: [StoredCourse]
        var exceptions: [StoredLicenseException]
        /// What the gate says today for the clinic's state (nil when the clinic has no state on record).
        var gate: LicenseGate.Outcome
        var clinicState: String?

        /// The warnings a worklist shows: each license not compliant, and a gate that refuses.
        var warnings: [String] {
            var out = self.licenses.filter { $0.compliance.status != .compliant }.map { "\($0.stored.license.kind.rawValue) \($0.stored.license.jurisdiction): \($0.compliance.summary)" }
            if case .refused(let why) = self.gate { out.insert("You cannot be booked or sign notes in \(self.clinicState ?? ""): \(why)", at: 0) }
            return out
        }
    }

    static func standing(_ licenses: [StoredLicense], courses: [CECourse], today: CalendarDate, rules: [CERule]) -> [LicenseStanding] {
        licenses.map { l in
            let (rule, compliance) = l.license.compliance(courses: courses, today: today, rules: rules)
            return LicenseStanding(stored: l, rule: rule, compliance: compliance)
        }
    }

    static func credentials(of user: User, today: CalendarDate, on db: any Database) async throws -> Credentials {
        let store = CredentialStore(database: db)
        let licenses = try await store.licenses(of: user.id)
        let courses = try await store.courses(of: user.id)
        let state = try await ClinicSettingsStore(database: db).current().identity.state
        let rules = try await CERuleStore(database: db).inForce()
        return Self.judged(user, licenses: licenses, courses: courses, exceptions: try await store.exceptions(of: user.id, endingOnOrAfter: today),
                           state: state, rules: rules, today: today)
    }

    /// One clinician's records judged: each license against its rule, and the gate for the clinic's state.
    static func judged(_ user: User, licenses: [StoredLicense], courses: [StoredCourse], exceptions: [StoredLicenseException], state: String?,
                       rules: [CERule], today: CalendarDate) -> Credentials {
        Credentials(user: user, licenses: Self.standing(licenses, courses: courses.map(\.course), today: today, rules: rules), courses: courses,
                    exceptions: exceptions, gate: LicenseGate.check(licenses.map(\.license), role: user.role, clinicState: state, on: today),
                    clinicState: state)
    }

    /// The signed-in clinician's own page.
    static func mine(on req: Request) async throws -> Credentials {
        let user = try req.requirePrincipal().user
        let today = req.today
        return try await req.audit.read(req.auditActor, AuditEntry(.credentialsRead, entity: "user:\(user.id.uuidString.lowercased())")) { db in
            try await Self.credentials(of: user, today: today, on: db)
        }
    }

    /// Every clinician's credentials, for the administrator's compliance page.
    static func compliance(on req: Request) async throws -> [Credentials] {
        let today = req.today
        return try await req.audit.read(req.auditActor, AuditEntry(.credentialsRead, entity: "compliance")) { db in
            let store = CredentialStore(database: db)
            let licenses = Dictionary(grouping: try await store.allLicenses(), by: \.userID)
            let courses = Dictionary(grouping: try await store.courses(of: nil), by: \.userID)
            let exceptions = Dictionary(grouping: try await store.exceptions(of: nil, endingOnOrAfter: today), by: \.userID)
            let state = try await ClinicSettingsStore(database: db).current().identity.state
            let rules = try await CERuleStore(database: db).inForce()
            return try await UserStore(database: db).all().filter { $0.role.isClinician && $0.active }.map { u in
                Self.judged(u, licenses: licenses[u.id] ?? [], courses: courses[u.id] ?? [], exceptions: exceptions[u.id] ?? [], state: state,
                            rules: rules, today: today)
            }
        }
    }

    /// The clinician whose credentials an administrator edits: a clinician of this clinic, else 404.
    static func clinician(_ id: UUID, on db: any Database) async throws -> User {
        guard let user = try await UserStore(database: db).find(id), user.role.isClinician else { throw Abort(.notFound) }
        return user
    }

    /// Saves a license for `userID` (the caller's own, or anyone's for an administrator, who alone records verification).
    static func saveLicense(_ input: LicenseInput, for userID: UUID, on req: Request) async throws -> StoredLicense {
        let recorder = try AssessmentActions.recorder(req)
        let mayVerify = try req.requirePrincipal().user.role == .admin
        let now = req.now, today = req.today
        let entry = AuditEntry(.licenseSave, entity: "user:\(userID.uuidString.lowercased())")
        return try await req.audit.perform(req.auditActor, entry) { db in
            _ = try await Self.clinician(userID, on: db)
            let license = try input.validated(today: today, mayVerify: mayVerify)
            return try await CredentialStore(database: db).save(license, for: userID, by: recorder, at: now)
        }
    }

    static func addCourse(_ input: CECourseInput, for userID: UUID, on req: Request) async throws -> StoredCourse {
        let recorder = try AssessmentActions.recorder(req)
        let now = req.now, today = req.today
        return try await req.audit.perform(req.auditActor, AuditEntry(.ceCourseAdd, entity: "user:\(userID.uuidString.lowercased())")) { db in
            _ = try await Self.clinician(userID, on: db)
            let course = try input.validated(today: today)
            return try await CredentialStore(database: db).add(course, for: userID, by: recorder, at: now)
        }
    }

    /// An administrator's exception to the gate; refused when the clinician passes the gate anyway (nothing to except).
    static func grantException(_ input: LicenseExceptionInput, to userID: UUID, on req: Request) async throws -> StoredLicenseException {
        let recorder = try AssessmentActions.recorder(req)
        let now = req.now, today = req.today
        return try await req.audit.perform(req.auditActor, AuditEntry(.licenseException, entity: "user:\(userID.uuidString.lowercased())")) { db in
            let user = try await Self.clinician(userID, on: db)
            let exception = try input.validated(today: today)
            let state = try await ClinicSettingsStore(database: db).current().identity.state
            let licenses = try await CredentialStore(database: db).licenses(of: userID).map(\.license)
            let refusals = stride(from: exception.startsOn.dayNumber, through: exception.endsOn.dayNumber, by: 1).compactMap { n -> String? in
                guard case .refused(let why) = LicenseGate.check(licenses, role: user.role, clinicState: state, on: CalendarDate(dayNumber: n)) else { return nil }
                return why
            }
            guard let problem = refusals.first else {
                throw ValidationFailure([FieldError("endsOn", "\(user.displayName) passes the license check on every one of those days; no exception is needed.")])
            }
            return try await CredentialStore(database: db).grant(exception, to: userID, problem: problem, by: recorder, at: now)
        }
    }

    /// The gate for booking a visit with, or signing a note by, `clinicianID`, loaded once for any number of days: for a
    /// local day, nil when the clinic has no state on record, the role needs no license, a current license of the state
    /// is on record or an administrator's exception covers the day; otherwise why not, naming the license.
    static func licenseCheck(_ clinicianID: UUID, db: any Database) async throws -> @Sendable (CalendarDate) -> String? {
        guard let state = try await ClinicSettingsStore(database: db).current().identity.state,
              let user = try await UserStore(database: db).find(clinicianID) else { return { _ in nil } }
        let store = CredentialStore(database: db)
        let licenses = try await store.licenses(of: clinicianID).map(\.license)
        let exceptions = try await store.exceptions(of: clinicianID, endingOnOrAfter: CalendarDate(dayNumber: 0)).map(\.exception)
        let name = user.displayName, role = user.role
        return { day in
            guard case .refused(let why) = LicenseGate.check(licenses, role: role, clinicState: state, on: day),
                  !exceptions.contains(where: { $0.covers(day) }) else { return nil }
            return "\(name) is not licensed to treat in \(state) on \(day): \(why) "
                + "Record the license, or an administrator may grant a short exception on the compliance page."
        }
    }

    /// `licenseCheck` for one day, as a field error on `field`.
    static func requireLicensed(_ clinicianID: UUID, on day: CalendarDate, field: String, db: any Database) async throws {
        if let refusal = try await Self.licenseCheck(clinicianID, db: db)(day) { throw ValidationFailure([FieldError(field, refusal)]) }
    }

    // MARK: the rules

    struct Rules: Sendable {
        var inForce: [CERule]
        /// The administrator's saved versions, newest first.
        var versions: [CERuleVersion]
    }

    static func rules(on db: any Database) async throws -> Rules {
        let store = CERuleStore(database: db)
        return Rules(inForce: try await store.inForce(), versions: try await store.versions().reversed())
    }

    /// An administrator's edit of a rule, saved as its next version.
    static func saveRule(_ input: CERuleInput, on req: Request) async throws -> CERuleVersion {
        let recorder = try AssessmentActions.recorder(req)
        let now = req.now
        let entity = "ce_rule:\(Text.clean(input.jurisdiction).uppercased())|\(Text.clean(input.credential))|\(Text.clean(input.effectiveFrom))"
        return try await req.audit.perform(req.auditActor, AuditEntry(.ceRuleUpdate, entity: entity)) { db in
            try await CERuleStore(database: db).save(try input.validated(), by: recorder, at: now)
        }
    }
}
